package dev.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * Scenario 8 ({@code sip}): real SIP through Kamailio with the repository's kamailio.cfg in front
 * of the packaged service. (1) Call-setup time, INVITE → 180 Ringing, with Switchboard's route
 * query in the path and with static routing (the same configuration with SB_STATIC_ROUTING: the
 * fallback path, which rings the dialled device directly), alternating rounds in one run. (2) A
 * registration storm: distinct SIP users with the credentials the service generated register
 * over SIP at a fixed rate against a freshly started Kamailio, then every device is read back
 * through the API. Kamailio runs on the server CPU, SIPp on the client CPU.
 */
final class Sip {

    /** What registrations over SIP say in the service: the user agent of bench/sipp/register.xml. */
    static final String USER_AGENT = "SIPp bench phone";
    private static final Path MODULES = Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules");
    private static final DateTimeFormatter TRACE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    record Config(Path repo, Path dir, String serverCpus, String clientCpus, int servicePort, int managementPort, long servicePid, Path serviceLog, long dbPid,
            String clientId, String clientSecret, String realm, int children, int routeWorkers, int reportWorkers,
            int callRate, double callSeconds, int rounds, double warmupSeconds, int stormRate, double settleSeconds) {
    }

    /** Routing decisions per second of the warm-up before the call rounds. */
    private static final int ROUTE_WARMUP_RATE = 200;

    private final Config c;
    private final Http http;

    Sip(Config config, Http http) {
        this.c = config;
        this.http = http;
    }

    // --- call-setup time ---------------------------------------------------------------------------

    /**
     * One device of {@code calls} calls the other devices of that fleet (all registered over SIP to
     * one answering SIPp phone), through two Kamailios started side by side: one asking Switchboard
     * for every route, one routing statically. Rounds alternate (ABBA) so drift hits both alike.
     */
    JsonObject callSetup(Platform.Fleet calls) throws Exception {
        Files.createDirectories(c.dir);
        List<Platform.Device> callees = calls.devices().subList(1, calls.devices().size());
        Platform.Device caller = calls.devices().get(0);
        writeCsv("callees.csv", callees.stream().map(Sip::credentialsLine).toList());
        writeCsv("numbers.csv", callees.stream().map(d -> d.internalNumber() + ";").toList());
        int phonePort = freeUdpPort();
        Proc phone = sipp("phone", List.of("-sf", "phone.xml", "-p", Integer.toString(phonePort), "-max_socket", "1000"));
        Map<String, Proc> kamailios = new HashMap<>();
        try {
            for (String mode : List.of("switchboard", "static")) {
                kamailios.put(mode, kamailio("kamailio-" + mode, mode.equals("static")));
                int rc = await(sipp("register-" + mode, List.of("127.0.0.1:" + kamailios.get(mode).port, "-sf", "register.xml",
                        "-inf", "callees.csv", "-key", "cport", Integer.toString(phonePort), "-key", "exp", "3600", "-r", "100",
                        "-m", Integer.toString(callees.size()), "-max_socket", "100", "-timeout", "60s", "-timeout_error")), 90);
                if (rc != 0) {
                    throw new IllegalStateException("the called phones did not all register with the " + mode + " Kamailio (sipp exit " + rc
                            + "); see " + c.dir);
                }
            }
            // Switchboard only rings devices it knows to be registered: wait until every report arrived.
            awaitReadBack(calls, callees.size(), 60);
            JsonObject routeWarmup = warmRoutes(calls, callees, caller);
            Map<String, Histogram> times = new HashMap<>();
            Map<String, JsonObject> totals = new HashMap<>();
            for (String mode : List.of("switchboard", "static")) {
                times.put(mode, new Histogram(60_000_000L, 3));
                totals.put(mode, new JsonObject().put("calls", 0L).put("ringing", 0L).put("failed", 0L).put("kamailioCores", 0.0)
                        .put("serviceCores", 0.0).put("dbCores", 0.0));
                // unmeasured: the JIT compiles the route path, the caches (caller's HA1) fill
                callRound(mode, kamailios.get(mode), caller, "warmup", c.warmupSeconds, null, null);
            }
            Instant measuredFrom = Instant.now();
            for (int round = 0; round < c.rounds; round++) {
                List<String> order = round % 2 == 0 ? List.of("static", "switchboard") : List.of("switchboard", "static");
                for (String mode : order) {
                    callRound(mode, kamailios.get(mode), caller, Integer.toString(round), c.callSeconds, times.get(mode), totals.get(mode));
                }
            }
            JsonObject result = new JsonObject().put("callRatePerSec", c.callRate).put("secondsPerRound", c.callSeconds)
                    .put("rounds", c.rounds).put("warmupSecondsPerMode", c.warmupSeconds).put("calledPhones", callees.size())
                    .put("routeWarmup", routeWarmup);
            for (String mode : List.of("switchboard", "static")) {
                JsonObject t = totals.get(mode);
                double measuredSeconds = c.rounds * c.callSeconds;
                for (String k : List.of("kamailioCores", "serviceCores", "dbCores")) {
                    t.put(k, Math.round(t.getDouble(k) / c.rounds * 100) / 100.0);
                }
                result.put(mode, t.put("inviteTo180", Fanout.summary(times.get(mode))).put("measuredSeconds", measuredSeconds));
            }
            double p99Sb = Fanout.ms(times.get("switchboard").getValueAtPercentile(99));
            double p99Static = Fanout.ms(times.get("static").getValueAtPercentile(99));
            double p50Sb = Fanout.ms(times.get("switchboard").getValueAtPercentile(50));
            double p50Static = Fanout.ms(times.get("static").getValueAtPercentile(50));
            boolean complete = totals.values().stream().allMatch(t -> t.getLong("failed") == 0 && t.getLong("ringing").equals(t.getLong("calls")));
            result.put("serviceRouteTime", serviceRouteTimes(measuredFrom));
            result.put("addedP50Ms", Math.round((p50Sb - p50Static) * 1000) / 1000.0)
                    .put("addedP99Ms", Math.round((p99Sb - p99Static) * 1000) / 1000.0)
                    .put("pass", complete && p99Sb - p99Static <= 5.0);
            System.out.printf("    call setup INVITE→180: switchboard p50 %.2f p99 %.2f ms, static p50 %.2f p99 %.2f ms: adds %.2f ms at p99 %s%n",
                    p50Sb, p99Sb, p50Static, p99Static, p99Sb - p99Static, result.getBoolean("pass") ? "ok" : "FAIL");
            return result;
        } finally {
            kamailios.values().forEach(Proc::stop);
            phone.stop();
        }
    }

    /** One caller run at the call rate for {@code seconds}; adds its INVITE → 180 times and counts to the mode's totals. */
    /**
     * Unmeasured routing decisions straight to the service, as Kamailio asks them (the caller's
     * number to a called phone's), until the service's JIT has settled ({@link OpenModel#warmUp}, as
     * before the platform and REST mixes). A service in production has answered many; the call
     * rounds alone (ten a second) would leave the route path partly compiled for minutes and
     * measure that: the first version of this scenario saw the route's median fall from round to
     * round.
     */
    private JsonObject warmRoutes(Platform.Fleet calls, List<Platform.Device> callees, Platform.Device caller) {
        SplittableRandom random = new SplittableRandom(18);
        String uri = "/api/orgs/" + calls.orgs().get(caller.org()).id() + "/calls/route";
        OpenModel.Issuer route = (step, intended) -> {
            Platform.Device to = callees.get(random.nextInt(callees.size()));
            step.track(0, intended, http.call(HttpMethod.POST, uri, calls.platformToken(),
                    "{\"from\":\"" + caller.internalNumber() + "\",\"to\":\"" + to.internalNumber() + "\"}"),
                    r -> OpenModel.unexpected(r, 200));
        };
        JsonObject warmup = OpenModel.warmUp(seconds -> OpenModel.run(http.vertx, new String[] {"route"}, seconds,
                List.of(new OpenModel.Stream(ROUTE_WARMUP_RATE, route))), new Cpu(c.servicePid, c.dbPid), ROUTE_WARMUP_RATE, 10, 45);
        System.out.printf("    route warm-up through the API: %s%n", warmup.encode());
        return warmup;
    }

    private void callRound(String mode, Proc kamailio, Platform.Device caller, String round, double seconds, Histogram into,
            JsonObject totals) throws Exception {
        int calls = (int) Math.round(c.callRate * seconds);
        String name = "calls-" + mode + "-" + round;
        long[] cpu0 = cpuSnap(kamailio);
        int rc = await(sipp(name, List.of("127.0.0.1:" + kamailio.port, "-sf", "caller.xml", "-inf", "numbers.csv",
                "-au", caller.sipUsername(), "-ap", caller.sipPassword(), "-key", "me", caller.sipUsername(),
                "-r", Integer.toString(c.callRate), "-rp", "1000", "-m", Integer.toString(calls), "-max_socket", "100",
                "-timeout", (int) (seconds + 60) + "s", "-trace_msg", "-message_file", name + ".messages")), (int) seconds + 90);
        long[] cpu1 = cpuSnap(kamailio);
        CallTrace trace = CallTrace.read(c.dir.resolve(name + ".messages"));
        System.out.printf("    %-11s round %-6s %,5d calls: %,d rang, %d failed, p50 %.2f p99 %.2f ms (sipp exit %d)%n", mode, round,
                trace.calls, trace.ringing(), trace.failed, trace.times.getValueAtPercentile(50) / 1000.0,
                trace.times.getValueAtPercentile(99) / 1000.0, rc);
        if (into != null) {
            into.add(trace.times);
            double secs = (cpu1[3] - cpu0[3]) / 1e9;
            totals.put("calls", totals.getLong("calls") + trace.calls).put("ringing", totals.getLong("ringing") + trace.ringing())
                    .put("failed", totals.getLong("failed") + trace.failed)
                    .put("kamailioCores", totals.getDouble("kamailioCores") + cores(cpu0[0], cpu1[0], secs))
                    .put("serviceCores", totals.getDouble("serviceCores") + cores(cpu0[1], cpu1[1], secs))
                    .put("dbCores", totals.getDouble("dbCores") + cores(cpu0[2], cpu1[2], secs));
        }
        // the trace stays in results/<run>/sip (about 8 KB per call): a slow call can be looked up there
    }

    private static final java.util.regex.Pattern ACCESS = java.util.regex.Pattern.compile(
            "\"timestamp\":\"([^\"]+)\".*/calls/route HTTP/1\\.1\\\\\" (\\d{3}) \\d+ (\\d+) ms");

    /**
     * The service's own time for each routing decision since {@code from}, from its access log (one
     * line per request, whole ms): what the route query costs inside the service, as opposed to
     * the HTTP round trip and Kamailio's asynchronous hand-over around it.
     */
    private JsonObject serviceRouteTimes(Instant from) throws IOException {
        Histogram h = new Histogram(600_000_000L, 3);
        for (String line : Files.readAllLines(c.serviceLog, StandardCharsets.UTF_8)) {
            if (!line.contains("/calls/route")) {
                continue;
            }
            java.util.regex.Matcher m = ACCESS.matcher(line);
            if (m.find() && !Instant.parse(m.group(1)).isBefore(from)) {
                h.recordValue(Long.parseLong(m.group(3)) * 1000);
            }
        }
        return Fanout.summary(h).put("source", "access log, whole ms");
    }

    /**
     * Per call (Call-ID) of a SIPp message trace: the first authenticated INVITE (CSeq 2) sent → the
     * first 180 received for it, from the trace's microsecond timestamps. A call counts as failed
     * when it got a final answer ≥ 300 to that INVITE.
     */
    record CallTrace(Histogram times, long calls, long failed) {
        long ringing() {
            return times.getTotalCount();
        }

        static CallTrace read(Path file) throws IOException {
            Map<String, Long> sent = new HashMap<>();
            Set<String> rang = new HashSet<>();
            Set<String> failed = new HashSet<>();
            Histogram h = new Histogram(60_000_000L, 3);
            for (String block : Files.readString(file, StandardCharsets.ISO_8859_1).split("\n?-{20,} ")) {
                int nl = block.indexOf('\n');
                if (nl < 26) {
                    continue;
                }
                long micros = micros(block.substring(0, 26));
                boolean received = block.startsWith("UDP message received", nl + 1);
                String[] lines = block.substring(nl + 1).split("\r?\n");
                String start = lines.length > 2 ? lines[2] : "";
                String callId = header(lines, "Call-ID:");
                String cseq = header(lines, "CSeq:");
                if (callId == null || !"2 INVITE".equals(cseq)) {
                    continue;
                }
                if (!received && start.startsWith("INVITE ")) {
                    sent.putIfAbsent(callId, micros);
                } else if (received && start.startsWith("SIP/2.0 180") && sent.containsKey(callId) && rang.add(callId)) {
                    h.recordValue(Math.max(0, micros - sent.get(callId)));
                } else if (received && start.matches("SIP/2\\.0 [3-6]\\d\\d .*")) {
                    failed.add(callId);
                }
            }
            return new CallTrace(h, sent.size(), failed.size());
        }

        private static long micros(String stamp) {
            LocalDateTime t = LocalDateTime.parse(stamp, TRACE_TIME);
            return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + t.getNano() / 1000;
        }

        /** A header of the message; lines 0 and 1 are SIPp's "UDP message …" line and a blank one, the start line is line 2. */
        private static String header(String[] lines, String name) {
            for (int i = 3; i < lines.length; i++) {
                String line = lines[i];
                if (line.regionMatches(true, 0, name, 0, name.length())) {
                    return line.substring(name.length()).trim();
                }
                if (line.isEmpty()) {
                    break;
                }
            }
            return null;
        }
    }

    // --- registration storm ------------------------------------------------------------------------

    /**
     * Two storms of every device of {@code fleet} registering over SIP with its own credentials at
     * {@code stormRate} per second. "cold": none registered before, against a freshly started
     * Kamailio (empty HA1 cache, as after a Kamailio restart: every REGISTER also fetches the
     * device's credentials). "warm": the same Kamailio (HA1 cached, contacts still there) after
     * every device was marked unregistered in the service (set-up, through the platform API), as
     * when phones come back after a network outage: each REGISTER is one report to the service.
     */
    JsonObject storm(Platform.Fleet fleet, int setUpConcurrency) throws Exception {
        Files.createDirectories(c.dir);
        writeCsv("storm.csv", fleet.devices().stream().map(Sip::credentialsLine).toList());
        Proc kamailio = kamailio("kamailio-storm", false);
        try {
            JsonObject cold = stormPass(fleet, kamailio, "cold");
            Platform.register(http, fleet.platformToken(), fleet.devices(), false, setUpConcurrency);
            Fanout.pause(1000);
            JsonObject warm = stormPass(fleet, kamailio, "warm");
            return new JsonObject().put("cold", cold).put("warm", warm);
        } finally {
            kamailio.stop();
        }
    }

    /**
     * One storm: SIPp registers every device at the storm rate, then the API is read back until
     * every device says registered by SIPp's user agent, or {@code settleSeconds} have passed.
     */
    private JsonObject stormPass(Platform.Fleet fleet, Proc kamailio, String label) throws Exception {
        List<Platform.Device> devices = fleet.devices();
        Platform.ReadBack before = Platform.readBack(http, fleet, null);
        long reportFailures0 = reportFailures(kamailio);
        {
            Map<String, Double> metrics0 = serviceMetrics();
            long[] cpu0 = cpuSnap(kamailio);
            long[][] busy0 = cpuBusy();
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            Proc storm = sipp("storm-" + label, List.of("127.0.0.1:" + kamailio.port, "-sf", "register.xml", "-inf", "storm.csv",
                    "-key", "cport", "5999", "-key", "exp", "3600", "-r", Integer.toString(c.stormRate), "-rp", "1000",
                    "-m", Integer.toString(devices.size()), "-l", Integer.toString(devices.size()), "-max_socket", "1000",
                    "-timeout", (int) (devices.size() / (double) c.stormRate + 120) + "s",
                    "-trace_stat", "-stf", "storm-" + label + "-stat.csv", "-fd", "1", "-trace_rtt", "-rtt_freq", "1",
                    "-trace_err", "-error_file", "storm-" + label + "-errors.log"));
            int rc = await(storm, (int) (devices.size() / (double) c.stormRate) + 180);
            double sippSeconds = (System.nanoTime() - t0) / 1e9;
            long[] cpu1 = cpuSnap(kamailio);
            long[][] busy1 = cpuBusy();
            Map<String, Double> metrics1 = serviceMetrics();
            // SIP side: every REGISTER's 200 (rtt file: ms since SIPp started, and first REGISTER → 200 in ms)
            Histogram reg = new Histogram(600_000_000L, 3);
            long lastOkMs = 0;
            List<Long> okAtMs = new ArrayList<>();
            Path rtt = rttFile("register", storm.pid);
            if (rtt != null) {
                for (String line : Files.readAllLines(rtt)) {
                    String[] f = line.split(";");
                    if (f.length >= 3 && f[2].equals("reg")) {
                        lastOkMs = Math.max(lastOkMs, (long) Double.parseDouble(f[0]));
                        okAtMs.add((long) Double.parseDouble(f[0]));
                        reg.recordValue(Math.max(0, Math.round(Double.parseDouble(f[1]) * 1000))); // µs, as Fanout.summary reads
                    }
                }
            }
            Map<String, Long> stat = lastStat(c.dir.resolve("storm-" + label + "-stat.csv"));
            // service side: read back until all are there
            Platform.ReadBack after;
            double readBackAt;
            long deadline = System.nanoTime() + (long) (c.settleSeconds * 1e9);
            while (true) {
                after = Platform.readBack(http, fleet, USER_AGENT);
                readBackAt = (System.nanoTime() - t0) / 1e9;
                if (after.registered() >= devices.size() || System.nanoTime() > deadline) {
                    break;
                }
                Fanout.pause(2000);
            }
            Double lastApplied = after.latestLastSeen() == null ? null
                    : Math.round((Instant.parse(after.latestLastSeen()).toEpochMilli() - started.toEpochMilli()) / 10.0) / 100.0;
            long reportFailures = reportFailures(kamailio) - reportFailures0;
            double secs = (cpu1[3] - cpu0[3]) / 1e9;
            long ok = stat.getOrDefault("SuccessfulCall(C)", -1L);
            long failedCalls = stat.getOrDefault("FailedCall(C)", -1L);
            JsonObject o = new JsonObject().put("kind", label).put("devices", devices.size()).put("registeredBefore", before.registered())
                    .put("ratePerSec", c.stormRate).put("sippExit", rc).put("sippSeconds", Math.round(sippSeconds * 100) / 100.0)
                    .put("sipOk", ok).put("sipFailed", failedCalls).put("retransmissions", stat.getOrDefault("Retransmissions(C)", -1L))
                    .put("sipLast200Seconds", lastOkMs / 1000.0).put("registerTo200", Fanout.summary(reg))
                    .put("readBackRegistered", after.registered()).put("readBackAtSeconds", Math.round(readBackAt * 100) / 100.0)
                    .put("serviceLastAppliedSeconds", lastApplied)
                    .put("sip200PerSec", rates(okAtMs.stream().mapToLong(Long::longValue).toArray(), 0))
                    .put("serviceAppliedPerSec", rates(after.lastSeenMillis(), started.toEpochMilli())).put("kamailioReportFailures", reportFailures)
                    .put("cpu", new JsonObject().put("kamailioCores", cores(cpu0[0], cpu1[0], secs)).put("serviceCores", cores(cpu0[1], cpu1[1], secs))
                            .put("dbCores", cores(cpu0[2], cpu1[2], secs)).put("serverCpuBusy", busyShare(busy0, busy1, c.serverCpus))
                            .put("clientCpuBusy", busyShare(busy0, busy1, c.clientCpus)))
                    .put("serviceRegistrationEndpoint", endpointDelta(metrics0, metrics1, "/api/platform/registrations/"))
                    .put("serviceCredentialsEndpoint", endpointDelta(metrics0, metrics1, "/api/platform/sip-credentials/"));
            // Passes when every REGISTER got its 200 within the storm's window (+1 s for the last ones sent),
            // none failed, and every device reads back registered by SIP.
            double window = devices.size() / (double) c.stormRate;
            o.put("windowSeconds", window).put("pass", ok == devices.size() && failedCalls == 0 && lastOkMs <= (window + 1) * 1000
                    && after.registered() == devices.size());
            System.out.printf("    %s storm: %,d SIP users at %,d/s: %,d × 200 OK, %,d failed, last 200 at %.2f s (sipp %.1f s, exit %d), REGISTER→200 p50 %s p99 %s ms;"
                    + " %,d registered on read-back at %.1f s (service's last registration at %s s), %d failed reports %s %s%n",
                    label, devices.size(), c.stormRate, ok, failedCalls, lastOkMs / 1000.0, sippSeconds, rc, Fanout.summary(reg).getValue("p50Ms"),
                    Fanout.summary(reg).getValue("p99Ms"), after.registered(), readBackAt, lastApplied, reportFailures,
                    o.getJsonObject("cpu").encode(), o.getBoolean("pass") ? "ok" : "FAIL");
            return o;
        }
    }

    /**
     * How fast events came, from their times (ms; {@code origin} subtracted): the average over
     * their span (first to last) and the most in any one second — the rate the path sustained.
     */
    private static JsonObject rates(long[] millis, long origin) {
        if (millis.length == 0) {
            return null;
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        Map<Long, Integer> perSecond = new HashMap<>();
        for (long m : millis) {
            first = Math.min(first, m - origin);
            last = Math.max(last, m - origin);
            perSecond.merge(Math.floorDiv(m - origin, 1000L), 1, Integer::sum);
        }
        double span = Math.max(1, last - first) / 1000.0;
        return new JsonObject().put("mean", Math.round(millis.length / span)).put("bestSecond", perSecond.values().stream().max(Integer::compare).orElse(0))
                .put("firstSeconds", first / 1000.0).put("lastSeconds", last / 1000.0);
    }

    /** Reports Kamailio logged as failed so far (a warning per report that did not get a 200). */
    private static long reportFailures(Proc kamailio) throws IOException {
        return Files.readAllLines(kamailio.log, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.contains("switchboard: POST") && l.contains("failed")).count();
    }

    // --- processes ---------------------------------------------------------------------------------

    /** kamailio.cfg, its settings as -A defines (as a provider gives them), on the server CPU; answers once it answers OPTIONS. */
    private Proc kamailio(String name, boolean staticRouting) throws IOException, InterruptedException {
        Path dir = c.dir.resolve(name);
        Files.createDirectories(dir);
        int port = freeUdpPort();
        List<String> cmd = new ArrayList<>(List.of("kamailio", "-f", c.repo.resolve("integrations/kamailio/kamailio.cfg").toString(),
                "-DD", "-E", "-L", MODULES.toString(), "-Y", dir.toString(), "-P", dir.resolve("kamailio.pid").toString(),
                "-m", "256", "-M", "16",
                "-A", "SB_URL=\"http://127.0.0.1:" + c.servicePort + "\"", "-A", "SB_REALM=\"" + c.realm + "\"",
                "-A", "SB_CLIENT_ID=\"" + c.clientId + "\"", "-A", "SB_CLIENT_SECRET=\"" + c.clientSecret + "\"",
                "-A", "SB_LISTEN=udp:127.0.0.1:" + port, "-A", "SB_CHILDREN=" + c.children,
                "-A", "SB_ROUTE_GROUP=\"name=sbroute;workers=" + c.routeWorkers + ";nonblock=0;usleep=0\"",
                "-A", "SB_REPORT_GROUP=\"name=sbreport;workers=" + c.reportWorkers + ";nonblock=0;usleep=0\""));
        if (staticRouting) {
            cmd.addAll(List.of("-A", "SB_STATIC_ROUTING"));
        }
        Proc p = Proc.start(name, c.serverCpus, cmd, Map.of(), c.dir.resolve(name + ".log"), port, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!answersOptions(port)) {
            if (!p.process.isAlive() || System.nanoTime() > deadline) {
                p.stop();
                throw new IOException(name + " did not start; see " + p.log);
            }
            Thread.sleep(100);
        }
        return p;
    }

    private static boolean answersOptions(int port) {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(300);
            String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1>\r\n"
                    + "Call-ID: probe-" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
            socket.receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200");
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIPp on the client CPU, in the results folder (it writes its statistics files next to the
     * scenario's name), with the bench's scenarios copied there.
     */
    private Proc sipp(String name, List<String> args) throws IOException {
        for (String scenario : List.of("caller.xml", "register.xml")) {
            Files.copy(c.repo.resolve("bench/sipp").resolve(scenario), c.dir.resolve(scenario), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(c.repo.resolve("integrations/kamailio/sipp/phone.xml"), c.dir.resolve("phone.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> cmd = new ArrayList<>(List.of("sipp"));
        cmd.addAll(args);
        cmd.addAll(List.of("-i", "127.0.0.1", "-cp", Integer.toString(freeUdpPort()), "-nostdin"));
        if (!args.contains("-p")) {
            cmd.addAll(List.of("-p", Integer.toString(freeUdpPort())));
        }
        return Proc.start(name, c.clientCpus, cmd, Map.of(), c.dir.resolve(name + ".out"), 0, 0, c.dir);
    }

    private static int await(Proc p, int seconds) throws InterruptedException {
        if (!p.process.waitFor(seconds, TimeUnit.SECONDS)) {
            p.stop();
            return -1;
        }
        return p.process.exitValue();
    }

    private void awaitReadBack(Platform.Fleet fleet, long want, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long got;
        while ((got = Platform.readBack(http, fleet, USER_AGENT).registered()) < want) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + got + " of " + want + " called phones registered in the service after " + seconds + " s");
            }
            Fanout.pause(500);
        }
    }

    private void writeCsv(String name, List<String> lines) throws IOException {
        Files.writeString(c.dir.resolve(name), "SEQUENTIAL\n" + String.join("\n", lines) + "\n");
    }

    private static String credentialsLine(Platform.Device d) {
        return d.sipUsername() + ";[authentication username=" + d.sipUsername() + " password=" + d.sipPassword() + "]";
    }

    /** CPU ticks of Kamailio (its main process and the workers it forked; taskset execs it), the service, PostgreSQL, and the time. */
    private long[] cpuSnap(Proc kamailio) {
        return new long[] {Cpu.treeTicks(kamailio.pid), Proc.cpuTicks(c.servicePid), c.dbPid > 0 ? Cpu.treeTicks(c.dbPid) : 0,
                System.nanoTime()};
    }

    /** Per CPU of /proc/stat: {busy, total} ticks. */
    private static long[][] cpuBusy() {
        long[][] out = new long[Runtime.getRuntime().availableProcessors() + 64][];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                    String[] f = line.trim().split("\\s+");
                    long total = 0;
                    for (int i = 1; i < f.length && i <= 8; i++) {
                        total += Long.parseLong(f[i]);
                    }
                    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                    int cpu = Integer.parseInt(f[0].substring(3));
                    if (cpu < out.length) {
                        out[cpu] = new long[] {total - idle, total};
                    }
                }
            }
        } catch (IOException e) {
            // no /proc/stat: no figures
        }
        return out;
    }

    /** Share of the time the CPUs of {@code list} were busy between two readings (all processes), 0–1. */
    private static Double busyShare(long[][] a, long[][] b, String list) {
        long busy = 0;
        long total = 0;
        java.util.BitSet cpus = Proc.cpuSet(list);
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1)) {
            if (cpu < a.length && a[cpu] != null && b[cpu] != null) {
                busy += b[cpu][0] - a[cpu][0];
                total += b[cpu][1] - a[cpu][1];
            }
        }
        return total == 0 ? null : Math.round(100.0 * busy / total) / 100.0;
    }

    private static double cores(long t0, long t1, double seconds) {
        return seconds <= 0 ? 0 : Math.round((t1 - t0) / (double) Proc.CLK_TCK / seconds * 100) / 100.0;
    }

    /** SIPp's response-time file: {@code <scenario>_<pid>_rtt.csv} in its working directory. */
    private Path rttFile(String scenario, long pid) {
        Path f = c.dir.resolve(scenario + "_" + pid + "_rtt.csv");
        return Files.exists(f) ? f : null;
    }

    /** The last line of a SIPp statistics file, by column name (numeric columns only). */
    private static Map<String, Long> lastStat(Path file) throws IOException {
        Map<String, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        if (lines.size() < 2) {
            return out;
        }
        String[] names = lines.get(0).split(";");
        String[] values = lines.get(lines.size() - 1).split(";");
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
            try {
                out.put(names[i], Long.parseLong(values[i].trim()));
            } catch (NumberFormatException notANumber) {
                // times and dates
            }
        }
        return out;
    }

    /** The service's request metrics (Micrometer, management port): count and sum per metric line. */
    private Map<String, Double> serviceMetrics() {
        Map<String, Double> out = new HashMap<>();
        try {
            for (String line : Proc.get(c.managementPort, "/q/metrics").split("\n")) {
                if (line.startsWith("http_server_requests_seconds_count{") || line.startsWith("http_server_requests_seconds_sum{")) {
                    int space = line.lastIndexOf(' ');
                    out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no metrics: the endpoint figures stay empty
        }
        return out;
    }

    /** Requests and mean time at the service of the endpoint whose uri label starts with {@code uri}, between two readings. */
    private static JsonObject endpointDelta(Map<String, Double> a, Map<String, Double> b, String uri) {
        double count = 0;
        double sum = 0;
        for (Map.Entry<String, Double> e : b.entrySet()) {
            if (!e.getKey().contains("uri=\"" + uri)) {
                continue;
            }
            double delta = e.getValue() - a.getOrDefault(e.getKey(), 0.0);
            if (e.getKey().startsWith("http_server_requests_seconds_count{")) {
                count += delta;
            } else {
                sum += delta;
            }
        }
        return count == 0 ? null : new JsonObject().put("requests", Math.round(count)).put("meanMs", Math.round(sum / count * 1e5) / 100.0);
    }

    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
