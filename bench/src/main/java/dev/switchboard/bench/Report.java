package dev.switchboard.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** results.md (targets first, then every scenario) and latency.png (Java2D, no external tools). */
final class Report {

    private Report() {
    }

    static String markdown(JsonObject r) {
        StringBuilder sb = new StringBuilder();
        JsonObject run = r.getJsonObject("run");
        JsonObject machine = r.getJsonObject("machine");
        JsonObject sc = r.getJsonObject("scenarios");
        sb.append("## Results ").append(run.getString("startedAt")).append("\n\n");
        sb.append("- **Machine state: ").append(run.getString("machineState")).append("** (load average at start ")
                .append(run.getString("loadAverageAtStart")).append(", at end ").append(run.getString("loadAverageAtEnd")).append(")\n");
        sb.append("- Machine: ").append(machine.getValue("cpus")).append(" CPUs (").append(machine.getString("cpuModel", "?"))
                .append("), ").append(machine.getLong("memoryKb", 0L) / 1024 / 1024).append(" GiB, open files ")
                .append(machine.getValue("openFilesLimit")).append(", ").append(machine.getString("jdk")).append("\n");
        sb.append("- Server (service, floor, PostgreSQL) on CPU ").append(r.getJsonObject("config").getString("serverCpus"))
                .append(", load generators on CPU ").append(r.getJsonObject("config").getString("clientCpus")).append("\n");
        sb.append("- Command: `").append(run.getString("command")).append("` (").append(run.getValue("durationSeconds")).append(" s)\n\n");

        sb.append("### Targets\n\n| target | goal | service | floor | service ÷ floor | met |\n|---|---|---|---|---|---|\n");
        // issue 14's targets: floor-relative where the floor does the same work, absolute where it is the platform's need
        JsonObject fan = sc.getJsonObject("fanout");
        {
            Double s50 = path(fan, "service", "latency", "100", "deliveries", "p50Ms");
            Double s = path(fan, "service", "latency", "100", "deliveries", "p99Ms");
            Double f50 = path(fan, "floor", "latency", "100", "deliveries", "p50Ms");
            Double f = path(fan, "floor", "latency", "100", "deliveries", "p99Ms");
            row(sb, "fan-out at 100 members (p50 / p99)", "p50 ≤ 2 ms, p99 ≤ 1.3 × floor", pair(s50, s), pair(f50, f), ratio(s, f),
                    s == null ? "not run" : f == null ? "no floor" : s50 <= 2 && s <= 1.3 * f ? "yes" : "no");
        }
        for (int size : new int[] {1000, 10000}) {
            Double s = path(fan, "service", "latency", Integer.toString(size), "deliveries", "p99Ms");
            Double f = path(fan, "floor", "latency", Integer.toString(size), "deliveries", "p99Ms");
            row(sb, String.format("fan-out p99, %,d members", size), "≤ 1.2 × floor", ms(s), ms(f), ratio(s, f), atMost(s, f, 1.2));
        }
        {
            Double s = path(fan, "service", "sustained", "sustainedDeliveriesPerSec");
            Double f = path(fan, "floor", "sustained", "sustainedDeliveriesPerSec");
            Double members = sustainedMembers(fan);
            row(sb, "sustained deliveries/s at p99 ≤ 50 ms" + (members == null ? "" : String.format(" (%,.0f members)", members)),
                    "≥ 90 % of floor (1,000 members)", num(s), num(f), pct(s, f), atLeast(s, f, 0.9));
        }
        JsonObject rest = sc.getJsonObject("rest");
        {
            Double s = path(rest, "service", "bestPerSec");
            Double f = path(rest, "floor", "bestPerSec");
            row(sb, "REST mix req/s at p99 ≤ 50 ms", "≥ 2,000", num(s), num(f), pct(s, f), s == null ? "not run" : s >= 2000 ? "yes" : "no");
        }
        JsonObject platform = sc.getJsonObject("platform");
        {
            Double s = path(platform, "service", "bestPerSec");
            Double f = path(platform, "floor", "bestPerSec");
            row(sb, "platform mix req/s at p99 ≤ 50 ms and route p99 ≤ 5 ms", "≥ 3,000", num(s), num(f), pct(s, f),
                    s == null ? "not run" : s >= 3000 ? "yes" : "no");
        }
        JsonObject storm = sc.getJsonObject("storm");
        {
            JsonObject s = storm == null ? null : storm.getJsonObject("service");
            JsonObject f = storm == null ? null : storm.getJsonObject("floor");
            row(sb, "registration storm" + (s == null ? "" : String.format(" (%,d devices in %s s)", s.getLong("devices"), s.getValue("seconds"))),
                    "all applied, 0 errors, route p99 ≤ 20 ms", stormCell(s), stormCell(f),
                    ratio(path(s, "route", "p99Ms"), path(f, "route", "p99Ms")), s == null ? "not run" : s.getBoolean("pass") ? "yes" : "no");
        }
        JsonObject sip = sc.getJsonObject("sip");
        if (sip != null && sip.containsKey("calls")) {
            JsonObject calls = sip.getJsonObject("calls");
            row(sb, "SIP call setup through Kamailio (INVITE → 180): added by Switchboard's route query at p99", "≤ 5 ms",
                    String.format("%s ms (p99 %s vs %s static)", calls.getValue("addedP99Ms"), path(calls, "switchboard", "inviteTo180", "p99Ms"),
                            path(calls, "static", "inviteTo180", "p99Ms")), "–", "–", calls.getBoolean("pass") ? "yes" : "no");
        }
        for (String kind : new String[] {"cold", "warm"}) {
            JsonObject o = sip == null || !sip.containsKey("storm") ? null : sip.getJsonObject("storm").getJsonObject(kind);
            if (o != null) {
                row(sb, String.format("SIP registration storm (%s Kamailio): %,d SIPp phones at %,d/s", kind, o.getLong("devices"), o.getLong("ratePerSec")),
                        "all 200 OK in the window, 0 errors, all registered on read-back",
                        String.format("%,d OK, %,d failed, last 200 at %s s, %,d read back", o.getLong("sipOk"), o.getLong("sipFailed"),
                                o.getValue("sipLast200Seconds"), o.getLong("readBackRegistered")), "–", "–", o.getBoolean("pass") ? "yes" : "no");
            }
        }
        JsonObject st = sc.getJsonObject("startup");
        {
            Double s = path(st, "service", "medianMs");
            Double f = path(st, "floor", "medianMs");
            row(sb, "start-up to first ready answer, one core", "≤ 2 × floor", s == null ? "–" : String.format("%,.0f ms", s),
                    f == null ? "–" : String.format("%,.0f ms", f), ratio(s, f), atMost(s, f, 2));
            Double a = path(st, "service-aot", "medianMs");
            if (a != null) {
                row(sb, "start-up, the JVM image's way (JDK 25 + AOT cache), one core", "≤ 2 × floor", String.format("%,.0f ms", a),
                        f == null ? "–" : String.format("%,.0f ms", f), ratio(a, f), atMost(a, f, 2));
            }
        }
        JsonObject idle = sc.getJsonObject("idle");
        {
            Double s = path(idle, "service", "memoryPerConnectionBytes");
            Double f = path(idle, "floor", "memoryPerConnectionBytes");
            Double n = path(idle, "service", "connections");
            String met = atMost(s, f, 2);
            row(sb, "process memory per idle socket (outside + inside the heap)" + (n == null ? "" : String.format(" at %,.0f", n)),
                    "≤ 2 × floor at 19,000", bytes(s), bytes(f), ratio(s, f), n != null && n < 19000 ? met + " (smaller run)" : met);
        }
        JsonObject con = sc.getJsonObject("connect");
        {
            Double s = path(con, "service", "perSecond");
            Double f = path(con, "floor", "perSecond");
            row(sb, "authenticated upgrades/s (incl. snapshot)", "≥ 85 % of floor", num(s), num(f), pct(s, f), atLeast(s, f, 0.85));
        }
        {
            Double s = path(con, "service", "massReconnect", "secondsFromDisconnect");
            Double f = path(con, "floor", "massReconnect", "secondsFromDisconnect");
            Double n = path(con, "service", "ok");
            String met = atMost(s, f, 1.5);
            row(sb, "mass reconnect of every socket" + (n == null ? "" : String.format(" (%,.0f)", n)), "≤ 1.5 × floor at 19,000",
                    s == null ? "–" : s + " s", f == null ? "–" : f + " s", ratio(s, f), n != null && n < 19000 ? met + " (smaller run)" : met);
        }
        sb.append("\nLatency ratios: service ÷ floor (lower is better); throughput ratios: service as % of floor.\n");

        if (fan != null) {
            sb.append("\n### 1. Fan-out latency (status change → presence frame at every colleague, no load)\n\n");
            sb.append("| target | members | deliveries | p50 | p99 | p99.9 | max | REST p99 | socket p99 | all reached p99 | incomplete | errors |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String t : List.of("service", "floor")) {
                JsonObject lat = fan.getJsonObject(t) == null ? null : fan.getJsonObject(t).getJsonObject("latency");
                if (lat == null) {
                    continue;
                }
                for (String size : lat.fieldNames()) {
                    JsonObject o = lat.getJsonObject(size);
                    JsonObject d = o.getJsonObject("deliveries");
                    sb.append(String.format("| %s | %,d | %,d | %s | %s | %s | %s | %s | %s | %s | %d | %d |%n", t, o.getInteger("members"),
                            d.getLong("count"), d.getValue("p50Ms"), d.getValue("p99Ms"), d.getValue("p999Ms"), d.getValue("maxMs"),
                            o.getJsonObject("rest").getValue("p99Ms"), o.getJsonObject("socket").getValue("p99Ms"),
                            o.getJsonObject("allColleaguesReached").getValue("p99Ms"), o.getLong("incomplete"), o.getLong("errors")));
                }
            }
            Double members = sustainedMembers(fan);
            sb.append("\nTimes in ms. Sustained rate").append(members == null ? "" : String.format(", %,.0f members", members))
                    .append(", open model, socket `set_availability`, round-robin subjects:\n\n");
            sb.append("| target | target deliveries/s | changes/s | achieved/s | p50 | p99 | p99.9 | max | server CPU | DB CPU | client CPU | pass |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String t : List.of("service", "floor")) {
                JsonObject sus = fan.getJsonObject(t) == null ? null : fan.getJsonObject(t).getJsonObject("sustained");
                if (sus == null) {
                    continue;
                }
                for (Object step : sus.getJsonArray("steps")) {
                    JsonObject o = (JsonObject) step;
                    JsonObject l = o.getJsonObject("latency");
                    JsonObject cpu = o.getJsonObject("cpu", new JsonObject());
                    sb.append(String.format("| %s | %,d | %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s |%n", t,
                            o.getInteger("targetDeliveriesPerSec"), o.getValue("changesPerSec"), o.getLong("achievedDeliveriesPerSec"),
                            l.getValue("p50Ms"), l.getValue("p99Ms"), l.getValue("p999Ms"), l.getValue("maxMs"),
                            cpu.getValue("serverCores"), cpu.getValue("dbCores"), cpu.getValue("clientCores"), o.getBoolean("pass") ? "yes" : "no"));
                }
            }
        }
        if (idle != null) {
            sb.append("\n### 2. Idle connections (heap pre-touched; readings after a full GC; CPU over the window)\n\n");
            sb.append("| target | connections | memory/conn | RSS before → after | RSS/conn (outside heap) | live heap/conn | CPU idle (cores) | CPU/conn | open-files limit |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|\n");
            for (String t : idle.fieldNames()) {
                JsonObject o = idle.getJsonObject(t);
                sb.append(String.format("| %s | %,d | %s | %,d → %,d KB | %s | %s | %s → %s | %s µs/s | %s |%n", t, o.getLong("connections"),
                        bytes(d(o.getValue("memoryPerConnectionBytes"))), o.getLong("rssBaselineKb"), o.getLong("rssKb"), bytes(d(o.getValue("rssPerConnectionBytes"))),
                        bytes(d(o.getValue("heapPerConnectionBytes"))), o.getValue("cpuBaselineCores"), o.getValue("cpuCores"),
                        o.getValue("cpuPerConnectionMicrosPerSec"), o.getValue("openFilesLimit")));
            }
        }
        if (con != null) {
            sb.append("\n### 3. Connect rate and mass reconnect\n\n");
            sb.append("| target | connections | upgrades/s | upgrade p50 | p99 | failed | reconnect all after mass close | resumed | snapshots | failed |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (String t : con.fieldNames()) {
                JsonObject o = con.getJsonObject(t);
                JsonObject lat = o.getJsonObject("upgradeLatency", new JsonObject());
                JsonObject back = o.getJsonObject("massReconnect", new JsonObject());
                sb.append(String.format("| %s | %,d | %,d | %s ms | %s ms | %d | %s s | %d | %d | %d |%n", t, o.getLong("ok"),
                        o.getLong("perSecond"), lat.getValue("p50Ms"), lat.getValue("p99Ms"), o.getLong("failed"),
                        back.getValue("secondsFromDisconnect"), back.getLong("resumed", 0L), back.getLong("snapshots", 0L),
                        back.getLong("failed", 0L)));
            }
        }
        if (rest != null) {
            sb.append("\n### 4. REST mix (open model)\n\n");
            sb.append("| target | target req/s | achieved | p50 | p99 | p99.9 | max | errors | server CPU | DB CPU | client CPU | pass |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String t : rest.fieldNames()) {
                for (Object step : rest.getJsonObject(t).getJsonArray("steps")) {
                    JsonObject o = (JsonObject) step;
                    JsonObject l = o.getJsonObject("latency");
                    JsonObject cpu = o.getJsonObject("cpu", new JsonObject());
                    sb.append(String.format("| %s | %,d | %,d | %s | %s | %s | %s | %d | %s | %s | %s | %s |%n", t, o.getInteger("targetPerSec"),
                            o.getLong("achievedPerSec"), l.getValue("p50Ms"), l.getValue("p99Ms"), l.getValue("p999Ms"), l.getValue("maxMs"),
                            o.getLong("errors"), cpu.getValue("serverCores"), cpu.getValue("dbCores"), cpu.getValue("clientCores"),
                            o.getBoolean("pass") ? "yes" : "no"));
                }
            }
            sb.append("\nUnmeasured warm-up before the ladder, until the JIT compiler threads used ≤ 5 % of a core over 5 s:");
            for (String t : rest.fieldNames()) {
                JsonObject w = rest.getJsonObject(t).getJsonObject("warmup");
                if (w != null) {
                    sb.append(String.format(" %s %s s at %s req/s (compiler %s cores in its last 5 s);", t, w.getValue("seconds"),
                            w.getValue("rate"), w.getValue("compilerCoresLast5s")));
                }
            }
            sb.setLength(sb.length() - 1);
            sb.append(".\n");
        }
        if (st != null) {
            sb.append("\n### 5. Start-up (process start → first `GET /q/health/ready` 200)\n\n| target | runs (ms) | median after first | RSS after |\n|---|---|---|---|\n");
            for (String t : st.fieldNames()) {
                JsonObject o = st.getJsonObject(t);
                List<String> runs = new ArrayList<>();
                long rss = 0;
                for (Object x : o.getJsonArray("runs")) {
                    runs.add(String.format("%,d", ((JsonObject) x).getLong("toFirstReadyMs")));
                    rss = ((JsonObject) x).getLong("rssKb");
                }
                sb.append(String.format("| %s | %s | %,d ms | %,d KB |%n", t, String.join(", ", runs), o.getLong("medianMs"), rss));
            }
        }
        if (platform != null) {
            JsonObject any = platform.getJsonObject(platform.containsKey("service") ? "service" : "floor");
            JsonObject mix = any.getJsonObject("mixPercent");
            sb.append(String.format("%n### 6. Platform mix (open model, platform token; %s %% registration refreshes, %s %% routing decisions, %s %% call events; %,d devices)%n%n",
                    mix.getValue("refresh"), mix.getValue("route"), mix.getValue("callEvent"), any.getInteger("devices")));
            sb.append("| target | target req/s | achieved | p50 | p99 | p99.9 | route p99 | errors | server CPU | DB CPU | client CPU | p99 ≤ 50 ms | pass (and route p99 ≤ 5 ms) |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String t : platform.fieldNames()) {
                for (Object step : platform.getJsonObject(t).getJsonArray("steps")) {
                    JsonObject o = (JsonObject) step;
                    JsonObject l = o.getJsonObject("latency");
                    JsonObject cpu = o.getJsonObject("cpu", new JsonObject());
                    sb.append(String.format("| %s | %,d | %,d | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s |%n", t, o.getInteger("targetPerSec"),
                            o.getLong("achievedPerSec"), l.getValue("p50Ms"), l.getValue("p99Ms"), l.getValue("p999Ms"), o.getValue("routeP99Ms"),
                            o.getLong("errors"), cpu.getValue("serverCores"), cpu.getValue("dbCores"), cpu.getValue("clientCores"),
                            o.getBoolean("withinP99") ? "yes" : "no", o.getBoolean("pass") ? "yes" : "no"));
                }
            }
            sb.append("\nTimes in ms, from the intended start. Unmeasured warm-up before the ladder:");
            for (String t : platform.fieldNames()) {
                JsonObject w = platform.getJsonObject(t).getJsonObject("warmup");
                sb.append(String.format(" %s %s s at %s req/s (compiler %s cores in its last 5 s);", t, w.getValue("seconds"), w.getValue("rate"),
                        w.getValue("compilerCoresLast5s")));
            }
            sb.setLength(sb.length() - 1);
            sb.append(". Set-up (VoIP accounts, destinations, first registrations; both CPUs on the service):");
            for (String t : platform.fieldNames()) {
                sb.append(String.format(" %s %.1f s;", t, platform.getJsonObject(t).getDouble("setUpSeconds")));
            }
            sb.setLength(sb.length() - 1);
            sb.append(".\n");
        }
        if (storm != null) {
            sb.append("\n### 7. Registration storm (every device re-registers at once, open model, routing decisions meanwhile)\n\n");
            sb.append("| target | devices | unregistered first | registrations/s | applied | errors | time to apply all | registration p50 | p99 | route p99 | route errors | registered on read-back | server CPU | DB CPU | pass |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String t : storm.fieldNames()) {
                JsonObject o = storm.getJsonObject(t);
                JsonObject reg = o.getJsonObject("registration");
                JsonObject cpu = o.getJsonObject("cpu", new JsonObject());
                sb.append(String.format("| %s | %,d | %,d | %,d | %,d | %d | %s s | %s | %s | %s | %d | %,d | %s | %s | %s |%n", t, o.getLong("devices"),
                        o.getLong("unregisteredFirst"), o.getLong("registrationsPerSec"), o.getLong("applied"), o.getLong("errors"),
                        o.getValue("secondsToApplyAll") == null ? "–" : o.getValue("secondsToApplyAll"), reg.getValue("p50Ms"), reg.getValue("p99Ms"),
                        o.getJsonObject("route").getValue("p99Ms"), o.getLong("routeErrors"), o.getLong("verifiedRegistered"),
                        cpu.getValue("serverCores"), cpu.getValue("dbCores"), o.getBoolean("pass") ? "yes" : "no"));
            }
            sb.append("\nTimes in ms from the intended start; time to apply all: from the first intended registration to the last 2xx with `registered: true`.\n");
        }
        if (sip != null) {
            sipSection(sb, sip);
        }
        return sb.toString();
    }

    /** Section 8: call setup with and without the route query, and the SIP registration storm. */
    private static void sipSection(StringBuilder sb, JsonObject sip) {
        JsonObject k = sip.getJsonObject("kamailio");
        sb.append(String.format("%n### 8. SIP through Kamailio (SIPp phones; Kamailio %s SIP workers, %s route and %s report workers)%n%n",
                k.getValue("children"), k.getValue("routeWorkers"), k.getValue("reportWorkers")));
        JsonObject calls = sip.getJsonObject("calls");
        if (calls != null) {
            sb.append(String.format("Call setup, INVITE (authenticated) → 180 Ringing at the caller, %s calls/s, %s rounds of %s s per mode, alternating"
                    + " (%s s unmeasured per mode first), %s called phones:%n%n", calls.getValue("callRatePerSec"), calls.getValue("rounds"),
                    calls.getValue("secondsPerRound"), calls.getValue("warmupSecondsPerMode"), calls.getValue("calledPhones")));
            JsonObject routeWarmup = calls.getJsonObject("routeWarmup");
            if (routeWarmup != null) {
                sb.append(String.format("Before them, unmeasured: routing decisions straight to the service, %s/s for %s s (compiler %s cores in its last 5 s).%n%n",
                        routeWarmup.getValue("rate"), routeWarmup.getValue("seconds"), routeWarmup.getValue("compilerCoresLast5s")));
            }
            sb.append("| routing | calls | rang | failed | p50 | p99 | p99.9 | max | mean | Kamailio CPU | service CPU | DB CPU |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String mode : new String[] {"switchboard", "static"}) {
                JsonObject m = calls.getJsonObject(mode);
                JsonObject t = m.getJsonObject("inviteTo180");
                sb.append(String.format("| %s | %,d | %,d | %,d | %s | %s | %s | %s | %s | %s | %s | %s |%n", mode, m.getLong("calls"),
                        m.getLong("ringing"), m.getLong("failed"), t.getValue("p50Ms"), t.getValue("p99Ms"), t.getValue("p999Ms"),
                        t.getValue("maxMs"), t.getValue("meanMs"), m.getValue("kamailioCores"), m.getValue("serviceCores"), m.getValue("dbCores")));
            }
            JsonObject route = calls.getJsonObject("serviceRouteTime", new JsonObject());
            sb.append(String.format("%nSwitchboard adds %s ms at p50 and %s ms at p99 (target ≤ 5 ms at p99: %s). Times in ms from SIPp's message"
                    + " trace (µs timestamps), per call. The service's own time per routing decision meanwhile (its access log, whole ms):"
                    + " p50 %s, p99 %s, max %s (%s decisions).%n", calls.getValue("addedP50Ms"), calls.getValue("addedP99Ms"),
                    calls.getBoolean("pass") ? "met" : "not met", route.getValue("p50Ms"), route.getValue("p99Ms"), route.getValue("maxMs"),
                    route.getValue("count")));
        }
        JsonObject storm = sip.getJsonObject("storm");
        if (storm == null) {
            return;
        }
        JsonObject first = storm.getJsonObject("cold");
        sb.append(String.format("%nRegistration storms: %,d distinct SIP users register with their own digest credentials at %,d/s. cold: none"
                + " registered before, a freshly started Kamailio (HA1 cache empty: every REGISTER also fetches the device's credentials);"
                + " warm: the same Kamailio right after (HA1 cached for the phones it fetched before), every device first marked unregistered"
                + " in the service (set-up):%n%n",
                first.getLong("devices"), first.getLong("ratePerSec")));
        sb.append("| storm | 200 OK | failed | retransmissions | last 200 at | REGISTER → 200 p50 | p99 | max | read back registered | at |"
                + " service's last registration at | failed reports | server CPU busy | client CPU busy | Kamailio / service / DB CPU |"
                + " service ms per registration / credentials | 200 OK/s mean / best second | applied/s mean / best second | pass |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String kind : new String[] {"cold", "warm"}) {
            JsonObject o = storm.getJsonObject(kind);
            if (o == null) {
                continue;
            }
            JsonObject reg = o.getJsonObject("registerTo200");
            JsonObject cpu = o.getJsonObject("cpu");
            JsonObject regEndpoint = o.getJsonObject("serviceRegistrationEndpoint");
            JsonObject credEndpoint = o.getJsonObject("serviceCredentialsEndpoint");
            JsonObject ok = o.getJsonObject("sip200PerSec", new JsonObject());
            JsonObject applied = o.getJsonObject("serviceAppliedPerSec", new JsonObject());
            sb.append(String.format("| %s | %,d | %,d | %,d | %s s | %s | %s | %s | %,d | %s s | %s s | %d | %s | %s | %s / %s / %s | %s / %s | %s / %s | %s / %s | %s |%n",
                    kind, o.getLong("sipOk"), o.getLong("sipFailed"), o.getLong("retransmissions"), o.getValue("sipLast200Seconds"),
                    reg.getValue("p50Ms"), reg.getValue("p99Ms"), reg.getValue("maxMs"), o.getLong("readBackRegistered"),
                    o.getValue("readBackAtSeconds"), o.getValue("serviceLastAppliedSeconds"), o.getLong("kamailioReportFailures"),
                    cpu.getValue("serverCpuBusy"), cpu.getValue("clientCpuBusy"), cpu.getValue("kamailioCores"), cpu.getValue("serviceCores"),
                    cpu.getValue("dbCores"), regEndpoint == null ? "–" : regEndpoint.getValue("meanMs"),
                    credEndpoint == null ? "–" : credEndpoint.getValue("meanMs"), ok.getValue("mean"), ok.getValue("bestSecond"),
                    applied.getValue("mean"), applied.getValue("bestSecond"), o.getBoolean("pass") ? "yes" : "no"));
        }
        sb.append("\nTimes from the start of SIPp (REGISTER → 200 in whole ms, SIPp's resolution; it includes the 401 round trip);"
                + " \"service's last registration\": the latest `lastSeen` read back, from the same start; \"at\": when the read-back (every"
                + " 2 s after SIPp ended) first saw them all. Service ms: mean time per request at the service (its metrics). CPU busy:"
                + " share of the CPU's time, all processes.\n");
    }

    /** Size of the org the sustained steps ran on (the same for both targets). */
    private static Double sustainedMembers(JsonObject fan) {
        Double members = path(fan, "service", "sustained", "members");
        return members != null ? members : path(fan, "floor", "sustained", "members");
    }

    private static void row(StringBuilder sb, String name, String goal, String s, String f, String ratio, String met) {
        sb.append("| ").append(name).append(" | ").append(goal).append(" | ").append(s).append(" | ").append(f).append(" | ")
                .append(ratio).append(" | ").append(met).append(" |\n");
    }

    /** Met when the service's figure is at most {@code factor} × the floor's (latencies, times, memory). */
    private static String atMost(Double s, Double f, double factor) {
        return s == null ? "not run" : f == null ? "no floor" : s <= factor * f ? "yes" : "no";
    }

    /** Met when the service's figure is at least {@code share} of the floor's (throughputs). */
    private static String atLeast(Double s, Double f, double share) {
        return s == null ? "not run" : f == null ? "no floor" : s >= share * f ? "yes" : "no";
    }

    private static String pair(Double p50, Double p99) {
        return p50 == null || p99 == null ? "–" : p50 + " / " + p99 + " ms";
    }

    private static String stormCell(JsonObject o) {
        return o == null ? "–" : String.format("%,d of %,d applied, %d errors, route p99 %s ms", o.getLong("applied"), o.getLong("devices"),
                o.getLong("errors") + o.getLong("routeErrors"), path(o, "route", "p99Ms"));
    }

    private static Double path(JsonObject o, String... keys) {
        Object cur = o;
        for (String k : keys) {
            if (!(cur instanceof JsonObject j) || !j.containsKey(k)) {
                return null;
            }
            cur = j.getValue(k);
        }
        return d(cur);
    }

    private static Double d(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static String ms(Double v) {
        return v == null ? "–" : v + " ms";
    }

    private static String num(Double v) {
        return v == null ? "–" : String.format("%,.0f", v);
    }

    private static String bytes(Double v) {
        return v == null ? "–" : String.format("%,.0f B", v);
    }

    private static String ratio(Double s, Double f) {
        return s == null || f == null || f == 0 ? "–" : String.format("%.2f×", s / f);
    }

    private static String pct(Double s, Double f) {
        return s == null || f == null || f == 0 ? "–" : String.format("%.0f %%", 100 * s / f);
    }

    // --- latency.png ---------------------------------------------------------------------------------

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b)};

    /** Latency by percentile (HdrHistogram style: x = 1/(1-p) on a log scale), one line per series. */
    static void plot(Map<String, Histogram> series, Path file) throws IOException {
        int w = 1100, h = 650, left = 80, right = 250, top = 50, bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double maxX = 5; // up to 99.999 %
        double minY = 0.01, maxY = 1;
        for (Histogram hist : series.values()) {
            if (hist.getTotalCount() > 0) {
                maxY = Math.max(maxY, hist.getMaxValue() / 1000.0);
                minY = Math.min(minY, Math.max(0.01, hist.getMinValue() / 1000.0));
            }
        }
        double ly0 = Math.floor(Math.log10(minY)), ly1 = Math.ceil(Math.log10(maxY));
        int pw = w - left - right, ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString("Fan-out latency by percentile (status change → presence frame at a colleague)", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1));
        for (int i = 0; i <= (int) maxX; i++) {
            int x = left + (int) (pw * i / maxX);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.BLACK);
            String label = i == 0 ? "0%" : (100 - 100 / Math.pow(10, i)) + "%";
            label = label.replace(".0%", "%");
            g.drawString(label, x - 15, top + ph + 18);
        }
        for (double ly = ly0; ly <= ly1; ly++) {
            int y = top + ph - (int) (ph * (ly - ly0) / (ly1 - ly0));
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.BLACK);
            double v = Math.pow(10, ly);
            g.drawString((v >= 1 ? String.format("%.0f", v) : String.format("%s", v)) + " ms", 10, y + 4);
        }
        g.drawString("percentile", left + pw / 2 - 30, h - 25);
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        int idx = 0;
        List<String> sizes = new ArrayList<>();
        for (String name : series.keySet()) {
            String size = name.substring(name.indexOf(' ') + 1);
            if (!sizes.contains(size)) {
                sizes.add(size);
            }
        }
        int legendY = top + 10;
        for (Map.Entry<String, Histogram> e : series.entrySet()) {
            Histogram hist = e.getValue();
            if (hist.getTotalCount() == 0) {
                continue;
            }
            String name = e.getKey();
            boolean floor = name.startsWith("floor");
            Color c = COLORS[sizes.indexOf(name.substring(name.indexOf(' ') + 1)) % COLORS.length];
            g.setColor(c);
            g.setStroke(floor ? new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {6, 4}, 0)
                    : new BasicStroke(2.5f));
            int px = -1, py = -1;
            for (int i = 0; i <= 400; i++) {
                double xv = maxX * i / 400.0;
                double p = 100 * (1 - Math.pow(10, -xv));
                double v = Math.max(minY, hist.getValueAtPercentile(Math.min(p, 100)) / 1000.0);
                int x = left + (int) (pw * xv / maxX);
                int y = top + ph - (int) (ph * (Math.log10(v) - ly0) / (ly1 - ly0));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawLine(left + pw + 15, legendY, left + pw + 45, legendY);
            g.setColor(Color.BLACK);
            g.drawString(name + " members", left + pw + 52, legendY + 4);
            legendY += 20;
            idx++;
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("solid: service, dashed: floor", left + pw + 15, legendY + 10);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    static JsonArray unused() {
        return new JsonArray();
    }
}
