package dev.switchboard.sip;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SIPp phones on loopback, driven with the scenarios in integrations/kamailio/sipp: a phone's
 * answering side ({@link Phone}, running until closed), and registrations and calls that run to
 * their end.
 */
final class Sipp implements AutoCloseable {

    private final Kamailio kamailio;
    /** Every SIPp process started and not yet ended, ended by {@link #close()} whatever happened. */
    private final java.util.Set<Process> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Sipp(Kamailio kamailio) {
        this.kamailio = kamailio;
    }

    /** A phone that answers every call at its port; it records each message it received. */
    final class Phone implements AutoCloseable {
        final String sipUsername;
        final String password;
        final int port;
        private final Path messages;
        private final Process process;

        private Phone(String sipUsername, String password, String scenario) {
            this.sipUsername = sipUsername;
            this.password = password;
            this.port = SipTools.freeUdpPort();
            Path dir = SipTools.runDir("phone");
            this.messages = dir.resolve("messages.log");
            this.process = started(List.of(SipTools.SIPP.toString(), "-sf", scenario(scenario), "-i", "127.0.0.1",
                    "-p", String.valueOf(port), "-cp", String.valueOf(SipTools.freeUdpPort()), "-nostdin", "-max_socket", "100",
                    "-trace_msg", "-message_file", messages.toString()), dir.resolve("sipp.out"));
        }

        /** Registers (digest-authenticated) this phone's port as its contact for {@code expires} seconds (0 unregisters). */
        void register(int expires) {
            Result result = run("register.xml", sipUsername, password, List.of("-s", sipUsername,
                    "-key", "cport", String.valueOf(port), "-key", "exp", String.valueOf(expires)));
            if (result.exitCode != 0) {
                throw new AssertionError("REGISTER of " + sipUsername + " failed (" + result.exitCode + "): " + result.output
                        + "\nKamailio: " + kamailio.tail());
            }
        }

        /** Calls {@code number} and, when answered, talks for {@code talkMillis}. */
        Result call(String number, int talkMillis) {
            return run("call.xml", sipUsername, password, List.of("-s", number, "-key", "me", sipUsername,
                    "-d", String.valueOf(talkMillis)));
        }

        /** How many INVITEs reached this phone (the log is written as they arrive). */
        long invitesReceived() {
            return SipTools.read(messages).lines().filter(line -> line.startsWith("INVITE ")).count();
        }

        @Override
        public void close() {
            SipTools.stop(process);
        }
    }

    /**
     * A phone's busy lamp (subscribe.xml): it SUBSCRIBEs (Event: dialog) to {@code extension} and
     * answers every NOTIFY until closed, recording each message it received.
     */
    final class Lamp implements AutoCloseable {
        private final Path messages;
        private final Process process;

        private Lamp(String sipUsername, String password, String extension) {
            Path dir = SipTools.runDir("lamp");
            this.messages = dir.resolve("messages.log");
            this.process = started(List.of(SipTools.SIPP.toString(), "127.0.0.1:" + kamailio.port, "-sf", scenario("subscribe.xml"),
                    "-i", "127.0.0.1", "-p", String.valueOf(SipTools.freeUdpPort()), "-cp", String.valueOf(SipTools.freeUdpPort()),
                    "-au", sipUsername, "-ap", password, "-s", extension, "-key", "me", sipUsername, "-m", "1", "-nostdin",
                    "-max_socket", "100", "-trace_msg", "-message_file", messages.toString()), dir.resolve("sipp.out"));
        }

        /** The dialog {@code <state>} of every NOTIFY received so far, in order ("none" for a NOTIFY without one). */
        List<String> states() {
            List<String> states = new ArrayList<>();
            for (String block : SipTools.read(messages).split("\n-{20,}")) {
                int start = block.indexOf("\nNOTIFY ");
                if (block.contains("message received") && start >= 0) {
                    Matcher state = STATE.matcher(block.substring(start));
                    states.add(state.find() ? state.group(1) : "none");
                }
            }
            return states;
        }

        String log() {
            return SipTools.tail(messages, 40);
        }

        @Override
        public void close() {
            SipTools.stop(process);
        }
    }

    private static final Pattern STATE = Pattern.compile("<state>\\s*([a-z]+)\\s*</state>");

    /** {@code sipUsername}'s phone watching {@code extension} (e.g. "201", or "dnd201" for the DND key). */
    Lamp lamp(String sipUsername, String password, String extension) {
        return new Lamp(sipUsername, password, extension);
    }

    /** What a finished SIPp run said: its exit code (0: every call went through the scenario) and its log. */
    record Result(int exitCode, String log, String output) {
        /** The scenario's RESULT line: "RESULT 200" or "RESULT 486 code=… reason=…". */
        String outcome() {
            return log.lines().filter(line -> line.contains("RESULT ")).map(line -> line.substring(line.indexOf("RESULT ")))
                    .findFirst().orElse("no result (exit " + exitCode + "): " + output);
        }
    }

    /** A phone that rings and answers every call (phone.xml). */
    Phone phone(String sipUsername, String password) {
        return new Phone(sipUsername, password, "phone.xml");
    }

    /** A phone that rings and is never picked up (ring-only.xml). */
    Phone unattendedPhone(String sipUsername, String password) {
        return new Phone(sipUsername, password, "ring-only.xml");
    }

    private Result run(String scenario, String user, String password, List<String> extra) {
        Path dir = SipTools.runDir(scenario.replace(".xml", ""));
        Path log = dir.resolve("actions.log");
        Path output = dir.resolve("sipp.out");
        List<String> command = new ArrayList<>(List.of(SipTools.SIPP.toString(), "127.0.0.1:" + kamailio.port,
                "-sf", scenario(scenario), "-i", "127.0.0.1", "-p", String.valueOf(SipTools.freeUdpPort()),
                "-cp", String.valueOf(SipTools.freeUdpPort()), "-au", user, "-ap", password, "-m", "1", "-nostdin",
                "-max_socket", "100", "-timeout", "25s", "-timeout_error", "-trace_logs", "-log_file", log.toString(),
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
        command.addAll(extra);
        Process process = started(command, output);
        try {
            if (!process.waitFor(SipTools.PROCESS_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                SipTools.stop(process);
                throw new AssertionError("sipp " + scenario + " did not finish: " + SipTools.tail(output, 30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SipTools.stop(process);
            throw new AssertionError(e);
        }
        return new Result(process.exitValue(), SipTools.read(log),
                SipTools.tail(dir.resolve("errors.log"), 20) + "\n" + SipTools.tail(output, 10));
    }

    private Process started(List<String> command, Path output) {
        Process process = SipTools.start(command, output);
        running.add(process);
        process.onExit().thenRun(() -> running.remove(process));
        return process;
    }

    @Override
    public void close() {
        running.forEach(SipTools::stop);
    }

    private static String scenario(String name) {
        return SipTools.INTEGRATION.resolve("sipp").resolve(name).toString();
    }
}
