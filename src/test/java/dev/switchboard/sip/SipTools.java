package dev.switchboard.sip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the SIP tools are and what every process started from them shares: Debian's
 * {@code kamailio} (5.6) and {@code sipp} ({@code sip-tester}). Nothing is downloaded; without
 * them the SIP tests are skipped, saying how to install them.
 */
final class SipTools {

    static final Path KAMAILIO = Path.of(System.getProperty("switchboard.kamailio", "/usr/sbin/kamailio"));
    static final Path SIPP = Path.of(System.getProperty("switchboard.sipp", "/usr/bin/sipp"));
    /** The provider-facing configuration and scenarios, exactly as documented. */
    static final Path INTEGRATION = Path.of("integrations/kamailio").toAbsolutePath();
    static final Path MODULES = Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules");

    private SipTools() {
    }

    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(KAMAILIO) && Files.isExecutable(SIPP)
                && Files.exists(MODULES.resolve("http_client.so")) && Files.exists(MODULES.resolve("jansson.so"))
                && Files.exists(MODULES.resolve("presence_dialoginfo.so")),
                "SIP tests skipped: no " + KAMAILIO + " (with http_client, jansson and presence_dialoginfo) and " + SIPP
                        + ". Install them with: apt-get install kamailio kamailio-utils-modules kamailio-extra-modules"
                        + " kamailio-presence-modules sip-tester");
    }

    /** A UDP port free on loopback right now. */
    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh directory under target/sip for one run's files. */
    static Path runDir(String name) {
        try {
            Path dir = Path.of("target", "sip").toAbsolutePath();
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Process start(List<String> command, Path output) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the process and everything it started (SIGTERM, then SIGKILL after a grace period). */
    static void stop(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of a log, for a failure message. */
    static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static final Duration PROCESS_WAIT = Duration.ofSeconds(30);
}
