package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Runs the scenarios against the packaged service and the floor server, both pinned to the
 * server CPU, from this process pinned to the client CPU; writes results.json, results.md and
 * latency.png into the results folder. bench/run.sh prepares the database and keys and calls it.
 */
public final class Driver {

    /**
     * A fixed, pre-touched heap for the load runs: the whole heap is resident from the start, so
     * the RSS growth of the idle scenario is the memory outside the heap, and the heap growth is
     * read separately after a full GC. Start-up runs use the JVM defaults instead.
     */
    static final String DEFAULT_JAVA_OPTS = "-Xms1g -Xmx1g -XX:+AlwaysPreTouch";
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

    private final Opts opts;
    private final Path out;
    private final String serverCpus;
    private final String clientCpus;
    private final String benchJar;
    private final Path serviceJar;
    private final int servicePort;
    /** The service's management interface (health, metrics): QUARKUS_MANAGEMENT_PORT. */
    private final int serviceManagementPort;
    private final int floorPort;
    private final Vertx vertx;
    private final long dbPid;
    private int startCount;
    private int sessionAddress = 40;

    final class Target {
        final String name;
        final boolean floor;
        Proc proc;
        Http http;
        Roster roster;
        final Map<Integer, Roster.Org> fanoutOrgs = new LinkedHashMap<>();
        /** The sustained steps' org when its size is not one of the fan-out sizes. */
        Roster.Org sustainedOrg;
        final List<Roster.Org> fleet = new ArrayList<>();
        Roster.Org restOrg;
        /** The JVM and extra flags this target starts with (the start-up scenario's JDK 25 + AOT cache row). */
        String java = "java";
        List<String> jvmFlags = List.of();
        /** The VoIP accounts of the platform mix and the registration storm. */
        Platform.Fleet platformFleet;
        /** The SIP scenario's devices (service only): the called phones and their caller; the storm's phones. */
        Platform.Fleet sipCalls;
        Platform.Fleet sipStorm;

        Target(String name, boolean floor) {
            this.name = name;
            this.floor = floor;
        }

        long heapBytes() {
            if (floor) {
                return proc.heapUsedBytesJcmd();
            }
            try {
                long sum = 0;
                for (String line : Proc.get(proc.managementPort, "/q/metrics").split("\n")) {
                    if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                return sum;
            } catch (IOException e) {
                return -1;
            }
        }
    }

    private Driver(Opts opts) {
        this.opts = opts;
        this.out = Path.of(opts.str("out", "results"));
        this.serverCpus = opts.str("server-cpus", "0");
        this.clientCpus = opts.str("client-cpus", "1");
        this.benchJar = opts.str("bench-jar", Driver.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        this.serviceJar = Path.of(opts.str("service-jar", "target/quarkus-app/quarkus-run.jar"));
        this.servicePort = opts.integer("service-port", 18181);
        this.serviceManagementPort = opts.integer("service-management-port", 18183);
        this.floorPort = opts.integer("floor-port", 18282);
        this.dbPid = opts.integer("db-pid", -1);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(false)
                .setBlockedThreadCheckInterval(60_000).setMaxEventLoopExecuteTime(60_000_000_000L));
    }

    public static void main(String[] args) throws Exception {
        Driver d = new Driver(new Opts(args));
        int code = 0;
        try {
            d.run();
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        d.vertx.close();
        System.exit(code);
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        Set<String> scenarios = Set.copyOf(opts.list("scenarios", "fanout,idle,connect,rest,platform,storm,startup"));
        boolean sip = scenarios.contains("sip");
        List<Integer> sizes = opts.ints("org-sizes", "10,100,1000,10000");
        int changes = opts.integer("changes", 1000);
        int warmup = opts.integer("warmup-changes", 100);
        // Measured changes per org are capped at this many deliveries (10,000 members: 500 changes, not
        // 1,000), warm-up in proportion: the 10,000-member org alone took 458 of a 21m48s full run.
        int maxDeliveries = opts.integer("max-deliveries", 5_000_000);
        int idleConnections = opts.integer("idle-connections", 19000);
        int fleetOrgSize = opts.integer("fleet-org-size", 100);
        int socketsPerUser = opts.integer("sockets-per-user", 5);
        // the SIP scenario alone needs no floor (it runs against the service only)
        List<String> targetNames = opts.list("targets", scenarios.equals(Set.of("sip")) ? "service" : "service,floor");
        String seedCpus = opts.str("seed-cpus", serverCpus + "," + clientCpus);
        // Sustained steps run on an org of this size (0: none). At 10,000 members one change alone takes
        // more than the 50 ms p99 limit to reach everyone even on the floor (~16-20 µs per socket write),
        // so every step failed there and the figure was always 0.
        int sustainedSize = opts.flag("skip-sustained") ? 0 : opts.integer("sustained-org-size", 1000);
        boolean platformFleet = scenarios.contains("platform") || scenarios.contains("storm");
        int platformOrgs = opts.integer("platform-orgs", 20);
        int platformUsersPerOrg = opts.integer("platform-users-per-org", 200);
        int platformDevicesPerUser = opts.integer("platform-devices-per-user", 5);
        Instant started = Instant.now();
        JsonObject results = new JsonObject();
        results.put("run", new JsonObject().put("startedAt", started.toString()).put("command", opts.str("command", ""))
                .put("machineState", opts.str("machine-state", "unknown")).put("loadAverageAtStart", loadAverage()));
        results.put("machine", machine());
        JsonObject config = new JsonObject().put("scenarios", new JsonArray(new ArrayList<>(scenarios)))
                .put("orgSizes", new JsonArray(sizes)).put("changesPerOrg", changes).put("warmupChanges", warmup)
                .put("maxDeliveriesPerOrg", maxDeliveries)
                .put("sustainedOrgSize", sustainedSize)
                .put("platformFleet", platformFleet ? new JsonObject().put("orgs", platformOrgs).put("usersPerOrg", platformUsersPerOrg)
                        .put("devicesPerUser", platformDevicesPerUser) : null).put("idleConnections", idleConnections).put("fleetOrgSize", fleetOrgSize).put("socketsPerUser", socketsPerUser)
                .put("serverCpus", serverCpus).put("clientCpus", clientCpus).put("seedCpus", seedCpus)
                .put("serviceJavaOpts", opts.str("service-java-opts", DEFAULT_JAVA_OPTS)).put("jfr", opts.flag("jfr"));
        results.put("config", config);
        JsonObject scen = new JsonObject();
        results.put("scenarios", scen);
        Map<String, Histogram> plot = new LinkedHashMap<>();

        Target service = new Target("service", false);
        Target floor = new Target("floor", true);
        List<Target> targets = new ArrayList<>();
        if (targetNames.contains("service")) {
            targets.add(service);
        }
        if (targetNames.contains("floor")) {
            targets.add(floor);
        }
        try {
            // 5. start-up (first, while the database is fresh: the first start runs the migrations)
            if (scenarios.contains("startup")) {
                section("start-up");
                JsonObject s = new JsonObject();
                for (Target t : targets) {
                    s.put(t.name, startup(t, opts.integer("startup-runs", 3)));
                }
                // The JVM image's way (docs/deploy.md): JDK 25 with the AOT cache run.sh recorded.
                Path aotCache = serviceJar.getParent().resolve("app.aot");
                if (t(targets, service) && !opts.str("aot-java", "").isEmpty() && Files.isRegularFile(aotCache)) {
                    Target aot = new Target("service-aot", false);
                    aot.java = opts.str("aot-java", "");
                    aot.jvmFlags = List.of("-XX:AOTCache=" + aotCache.toAbsolutePath());
                    s.put(aot.name, startup(aot, opts.integer("startup-runs", 3)));
                }
                scen.put("startup", s);
            }
            for (Target t : targets) {
                start(t, !t.floor && opts.flag("jfr"));
                t.http = new Http(vertx, t.proc.port, 64, "127.0.0.2");
                t.roster = new Roster(t.http, t.floor, System.getenv("SWITCHBOARD_OPERATOR_EMAIL"),
                        System.getenv("SWITCHBOARD_OPERATOR_PASSWORD"));
            }
            results.put("serviceJvm", t(targets, service) ? service.proc.jcmd("VM.flags").trim() : null);

            // seeding, through the public API
            section("seeding");
            int seedConcurrency = opts.integer("seed-concurrency", 64);
            for (Target t : targets) {
                long t0 = System.nanoTime();
                List<Roster.Spec> specs = new ArrayList<>();
                if (scenarios.contains("fanout")) {
                    sizes.forEach(size -> specs.add(new Roster.Spec("fanout-" + size, size, true, false)));
                    if (sustainedSize > 0 && !sizes.contains(sustainedSize)) {
                        specs.add(new Roster.Spec("sustained-" + sustainedSize, sustainedSize, true, false));
                    }
                }
                if (scenarios.contains("idle") || scenarios.contains("connect")) {
                    int usersNeeded = (idleConnections + socketsPerUser - 1) / socketsPerUser;
                    for (int made = 0; made < usersNeeded; made += fleetOrgSize) {
                        specs.add(new Roster.Spec("fleet-" + made / fleetOrgSize, Math.min(fleetOrgSize, usersNeeded - made), true, false));
                    }
                }
                if (scenarios.contains("rest")) {
                    specs.add(new Roster.Spec("rest", 100, false, true));
                }
                if (platformFleet) {
                    for (int k = 0; k < platformOrgs; k++) {
                        specs.add(new Roster.Spec("platform-" + k, platformUsersPerOrg, false, true));
                    }
                }
                // SIP through Kamailio runs against the service only (the floor has no SIP credentials)
                if (sip && !t.floor) {
                    specs.add(new Roster.Spec("sip-calls", opts.integer("sip-phones", 200), false, true));
                    for (int k = 0; k < (opts.flag("sip-skip-storm") ? 0 : opts.integer("sip-orgs", 20)); k++) {
                        specs.add(new Roster.Spec("sip-storm-" + k, opts.integer("sip-users-per-org", 200), false, true));
                    }
                }
                // Seeding is set-up: the service and PostgreSQL may use every CPU meanwhile, then go back to
                // the server CPU before anything is measured. The JVM sized its pools for one CPU at start.
                boolean widen = !t.floor && !serverCpus.isBlank() && !Proc.cpuSet(seedCpus).equals(Proc.cpuSet(serverCpus));
                if (widen) {
                    pinServer(t, seedCpus);
                }
                List<Roster.Org> orgs;
                try {
                    orgs = t.roster.createAll(specs, seedConcurrency);
                    List<Roster.Org> fleetOrgs = new ArrayList<>();
                    List<Roster.Org> sipCallOrgs = new ArrayList<>();
                    List<Roster.Org> sipStormOrgs = new ArrayList<>();
                    for (int i = 0; i < specs.size(); i++) {
                        String label = specs.get(i).label();
                        (label.startsWith("platform-") ? fleetOrgs : label.equals("sip-calls") ? sipCallOrgs
                                : label.startsWith("sip-storm-") ? sipStormOrgs : new ArrayList<Roster.Org>()).add(orgs.get(i));
                    }
                    if (!sipCallOrgs.isEmpty()) {
                        // registered over SIP in the scenario, not here: one phone per member, and many per member for the storm
                        t.sipCalls = Platform.setUp(t.http, sipCallOrgs, 1, seedConcurrency, System.getenv("SWITCHBOARD_PLATFORM_CLIENT_ID"),
                                System.getenv("SWITCHBOARD_PLATFORM_CLIENT_SECRET"), false);
                        t.sipStorm = sipStormOrgs.isEmpty() ? new Platform.Fleet(List.of(), List.of(), null, 0) : Platform.setUp(t.http, sipStormOrgs, opts.integer("sip-devices-per-user", 5), seedConcurrency,
                                System.getenv("SWITCHBOARD_PLATFORM_CLIENT_ID"), System.getenv("SWITCHBOARD_PLATFORM_CLIENT_SECRET"), false);
                    }
                    if (platformFleet) {
                        t.platformFleet = Platform.setUp(t.http, fleetOrgs, platformDevicesPerUser, seedConcurrency,
                                System.getenv("SWITCHBOARD_PLATFORM_CLIENT_ID"), System.getenv("SWITCHBOARD_PLATFORM_CLIENT_SECRET"), true);
                    }
                } finally {
                    if (widen) {
                        pinServer(t, serverCpus);
                    }
                }
                int users = 0;
                for (int i = 0; i < specs.size(); i++) {
                    Roster.Org org = orgs.get(i);
                    String label = specs.get(i).label();
                    users += org.size() + (org.adminToken() == null ? 0 : 1);
                    if (label.startsWith("fanout-")) {
                        t.fanoutOrgs.put(org.size(), org);
                    } else if (label.startsWith("sustained-")) {
                        t.sustainedOrg = org;
                    } else if (label.startsWith("fleet-")) {
                        t.fleet.add(org);
                    } else if (label.equals("rest")) {
                        t.restOrg = org;
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("  %s: %,d users created (and logged in where needed) in %.1f s (%.0f/s, %d requests in flight%s)%n",
                        t.name, users, secs, users / secs, seedConcurrency,
                        widen ? "; service and PostgreSQL on CPUs " + seedCpus + " meanwhile, back on " + serverCpus + " now" : "");
                if (t.sipStorm != null) {
                    System.out.printf("  %s: of which %,d + %,d VoIP accounts for SIP (calls, storm), not registered%n", t.name,
                            t.sipCalls.devices().size(), t.sipStorm.devices().size());
                }
                if (t.platformFleet != null) {
                    System.out.printf("  %s: of which %,d VoIP accounts created, their owners' destinations set and all registered in %.1f s%n",
                            t.name, t.platformFleet.devices().size(), t.platformFleet.setUpSeconds());
                }
            }

            // 1. fan-out
            if (scenarios.contains("fanout")) {
                section("fan-out latency");
                JsonObject f = new JsonObject();
                scen.put("fanout", f);
                for (Target t : targets) {
                    f.put(t.name, new JsonObject().put("latency", new JsonObject()));
                }
                for (int size : sizes) {
                    for (Target t : targets) {
                        Fanout fan = fanout(t);
                        Fanout.Session s = fan.open(t.fanoutOrgs.get(size), "127.0.0." + (sessionAddress++), opts.integer("resume-above", 1000));
                        int measured = (int) Math.min(changes, Math.max(1, maxDeliveries / Math.max(1, size - 1)));
                        int warm = (int) Math.min(measured, Math.ceil((double) warmup * measured / Math.max(1, changes)));
                        Fanout.Sink sink = fan.sequential(s, measured, warm);
                        JsonObject r = Fanout.latencyResult(sink, s).put("warmupChanges", warm);
                        f.getJsonObject(t.name).getJsonObject("latency").put(Integer.toString(size), r);
                        plot.put(t.name + " " + size, sink.deliveries);
                        JsonObject d = r.getJsonObject("deliveries");
                        System.out.printf("  %-7s %,6d members: p50 %s p99 %s p99.9 %s max %s ms (%,d deliveries, %d incomplete, %d errors; "
                                + "REST p99 %s, socket p99 %s; connect %.1f s)%n", t.name, size, d.getValue("p50Ms"), d.getValue("p99Ms"),
                                d.getValue("p999Ms"), d.getValue("maxMs"), d.getLong("count"), sink.incomplete, sink.errors,
                                r.getJsonObject("rest").getValue("p99Ms"), r.getJsonObject("socket").getValue("p99Ms"), s.connectSeconds);
                        if (size == sustainedSize) {
                            sustained(t, fan, s, f);
                        }
                        Http.await(s.close(), 120);
                    }
                }
                if (sustainedSize > 0 && !sizes.contains(sustainedSize)) {
                    for (Target t : targets) {
                        Fanout fan = fanout(t);
                        Fanout.Session s = fan.open(t.sustainedOrg, "127.0.0." + (sessionAddress++), opts.integer("resume-above", 1000));
                        sustained(t, fan, s, f);
                        Http.await(s.close(), 120);
                    }
                }
            }

            // 2 + 3. idle cost and connect rate
            if (scenarios.contains("idle") || scenarios.contains("connect")) {
                section("idle connections and connect rate");
                JsonObject idle = new JsonObject();
                JsonObject connect = new JsonObject();
                for (Target t : targets) {
                    List<String> tokens = new ArrayList<>();
                    outer:
                    for (int rep = 0; rep < socketsPerUser; rep++) {
                        for (Roster.Org org : t.fleet) {
                            for (Roster.Member m : org.members()) {
                                if (tokens.size() == idleConnections) {
                                    break outer;
                                }
                                tokens.add(m.token());
                            }
                        }
                    }
                    JsonObject[] r = Idle.run(t.name, t.proc, t::heapBytes, tokens,
                            new Idle.Config(opts.integer("workers", 4), opts.integer("connect-concurrency", 128),
                                    opts.integer("idle-cpu-seconds", 30), opts.integer("baseline-cpu-seconds", 10), clientCpus, benchJar,
                                    out, t.floor ? -1 : dbPid));
                    idle.put(t.name, r[0]);
                    connect.put(t.name, r[1]);
                }
                scen.put("idle", idle);
                scen.put("connect", connect);
            }

            // 4. REST mix
            if (scenarios.contains("rest")) {
                section("REST mix");
                JsonObject rest = new JsonObject();
                for (Target t : targets) {
                    RestMix mix = new RestMix(vertx, t.proc.port, t.restOrg, opts.integer("rest-connections", 128));
                    mix.cpu = new Cpu(t.proc.pid, t.floor ? -1 : dbPid);
                    rest.put(t.name, mix.steps(opts.ints("rest-rates", "50,100,200,300,400,500,750,1000,1500,2000,3000,5000,8000,12000,20000"),
                            opts.dbl("rest-step-seconds", 5), 50, t.name,
                            opts.integer("rest-warmup-rate", 150), opts.dbl("rest-warmup-seconds", 10),
                            opts.dbl("rest-warmup-max-seconds", 90)));
                }
                scen.put("rest", rest);
            }

            // 6. platform mix
            if (scenarios.contains("platform")) {
                section("platform mix");
                JsonObject platform = new JsonObject();
                for (Target t : targets) {
                    Platform p = platformLoad(t);
                    platform.put(t.name, p.ladder(opts.ints("platform-rates", "250,500,1000,1500,2000,3000,5000,8000,12000,20000"),
                            opts.dbl("platform-step-seconds", 5), 50, 5, t.name, opts.integer("platform-warmup-rate", 300),
                            opts.dbl("platform-warmup-seconds", 10), opts.dbl("platform-warmup-max-seconds", 45),
                            opts.integer("platform-refresh-percent", 70), opts.integer("platform-route-percent", 15)));
                    platform.getJsonObject(t.name).put("setUpSeconds", t.platformFleet.setUpSeconds());
                }
                scen.put("platform", platform);
            }

            // 7. registration storm
            if (scenarios.contains("storm")) {
                section("registration storm");
                JsonObject storm = new JsonObject();
                for (Target t : targets) {
                    Platform p = platformLoad(t);
                    // without the platform mix before it, the routing path would be measured cold
                    JsonObject stormWarmup = scenarios.contains("platform") ? null : p.warmUp(opts.integer("platform-warmup-rate", 300),
                            opts.dbl("platform-warmup-seconds", 10), opts.dbl("platform-warmup-max-seconds", 45), t.name);
                    storm.put(t.name, p.storm(opts.dbl("storm-seconds", 10), opts.dbl("storm-route-rate", 50),
                            opts.dbl("storm-unregistered-share", 0.1), opts.integer("seed-concurrency", 64), t.name).put("warmup", stormWarmup)
                            .put("setUpSeconds", t.platformFleet.setUpSeconds()));
                }
                scen.put("storm", storm);
            }

            // 8. SIP through Kamailio (the service only)
            if (sip && t(targets, service)) {
                section("SIP through Kamailio");
                Sip run = new Sip(new Sip.Config(Path.of(opts.str("repo", ".")).toAbsolutePath(), out.resolve("sip"), serverCpus, clientCpus,
                        servicePort, serviceManagementPort, service.proc.pid, service.proc.log, dbPid, System.getenv("SWITCHBOARD_PLATFORM_CLIENT_ID"),
                        System.getenv("SWITCHBOARD_PLATFORM_CLIENT_SECRET"), System.getenv().getOrDefault("SWITCHBOARD_SIP_REALM", "switchboard"),
                        opts.integer("sip-children", 16), opts.integer("sip-route-workers", 4), opts.integer("sip-report-workers", 16),
                        opts.integer("sip-call-rate", 10), opts.dbl("sip-call-seconds", 30), opts.integer("sip-rounds", 4),
                        opts.dbl("sip-warmup-seconds", 20), opts.integer("sip-storm-rate", 2000), opts.dbl("sip-settle-seconds", 60)), service.http);
                JsonObject r = new JsonObject().put("kamailio", new JsonObject().put("children", opts.integer("sip-children", 16))
                        .put("routeWorkers", opts.integer("sip-route-workers", 4)).put("reportWorkers", opts.integer("sip-report-workers", 16)));
                if (!opts.flag("sip-skip-calls")) {
                    r.put("calls", run.callSetup(service.sipCalls));
                }
                if (!opts.flag("sip-skip-storm")) {
                    r.put("storm", run.storm(service.sipStorm, seedConcurrency));
                }
                scen.put("sip", r);
            }
        } finally {
            for (Target t : targets) {
                if (t.proc != null) {
                    t.proc.stop();
                }
            }
        }
        pgStats(null);
        if (opts.flag("jfr")) {
            Path jfr = out.resolve("service.jfr");
            if (Files.exists(jfr)) {
                Files.writeString(out.resolve("jfr-top.txt"), JfrTop.report(jfr, 60, null) + "\n"
                        + JfrTop.report(jfr, 60, "dev.switchboard"));
            }
        }
        Instant finished = Instant.now();
        results.getJsonObject("run").put("finishedAt", finished.toString())
                .put("durationSeconds", Duration.between(started, finished).toSeconds()).put("loadAverageAtEnd", loadAverage());
        Files.writeString(out.resolve("results.json"), results.encodePrettily());
        String md = Report.markdown(results);
        Files.writeString(out.resolve("results.md"), md);
        try {
            Report.plot(plot, out.resolve("latency.png"));
        } catch (Throwable e) {
            System.out.println("(latency.png not drawn: " + e + ")");
        }
        System.out.println();
        System.out.println(md);
        System.out.println("results: " + out.toAbsolutePath());
    }

    private Fanout fanout(Target t) {
        Fanout fan = new Fanout(vertx, t.http, t.proc.port);
        fan.cpu = new Cpu(t.proc.pid, t.floor ? -1 : dbPid);
        return fan;
    }

    private Platform platformLoad(Target t) {
        Platform p = new Platform(vertx, t.proc.port, t.platformFleet, opts.integer("platform-connections", 128));
        p.cpu = new Cpu(t.proc.pid, t.floor ? -1 : dbPid);
        return p;
    }

    /** Sets the CPUs of the service and of PostgreSQL (postmaster and backends). */
    private void pinServer(Target t, String cpus) {
        Proc.pin(t.proc.pid, false, cpus);
        if (dbPid > 0) {
            Proc.pin(dbPid, true, cpus);
        }
    }

    /** The open-model delivery-rate steps on an open session; stops at the first failing step. */
    private void sustained(Target t, Fanout fan, Fanout.Session s, JsonObject f) {
        System.out.printf("  %s sustained deliveries/s, %,d members:%n", t.name, s.size);
        f.getJsonObject(t.name).put("sustained", fan.sustained(s, opts.ints("delivery-rates",
                "20000,40000,60000,80000,100000,125000,150000,200000,250000,300000,400000,500000,700000,1000000"),
                opts.dbl("step-seconds", 5), 50, new StringBuilder()));
        // A failing step may leave frames queued on the server: let it drain before the next session.
        fan.settle();
    }

    private static boolean t(List<Target> targets, Target t) {
        return targets.contains(t);
    }

    // --- processes ---------------------------------------------------------------------------------

    private void start(Target t, boolean jfr) throws Exception {
        start(t, jfr, false);
    }

    private void start(Target t, boolean jfr, boolean startupRun) throws Exception {
        startCount++;
        List<String> cmd = new ArrayList<>();
        cmd.add(t.java);
        cmd.addAll(t.jvmFlags);
        // A fixed heap (no resizing between the idle readings, so RSS deltas are memory the sockets need).
        String javaOpts = opts.str(t.floor ? "floor-java-opts" : "service-java-opts", startupRun ? "" : DEFAULT_JAVA_OPTS);
        for (String o : javaOpts.split("\\s+")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        if (jfr) {
            cmd.add("-XX:StartFlightRecording=filename=" + out.resolve("service.jfr").toAbsolutePath() + ",settings=profile,dumponexit=true");
        }
        if (!startupRun) {
            // every pause, so a latency spike can be told apart from a collection (a few lines per run)
            cmd.add("-Xlog:gc:file=" + out.resolve("gc-" + (t.floor ? "floor" : "service") + "-" + startCount + ".log").toAbsolutePath()
                    + ":uptime,tags");
        }
        Map<String, String> env = new HashMap<>();
        Path log;
        if (t.floor) {
            cmd.addAll(List.of("-cp", benchJar, "dev.switchboard.bench.Main", "floor", "--port", Integer.toString(floorPort)));
            log = out.resolve("floor-" + startCount + ".log");
        } else {
            cmd.addAll(List.of("-jar", serviceJar.toString()));
            env.put("QUARKUS_HTTP_PORT", Integer.toString(servicePort));
            env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(serviceManagementPort));
            log = out.resolve("service-" + startCount + ".log");
        }
        t.proc = Proc.start(t.name, serverCpus, cmd, env, log, t.floor ? floorPort : servicePort,
                t.floor ? floorPort : serviceManagementPort);
        t.proc.awaitHttp200("/q/health/ready", Duration.ofSeconds(120));
    }

    private JsonObject startup(Target t, int runs) throws Exception {
        JsonArray all = new JsonArray();
        List<Double> later = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            start(t, false, true);
            long ready = t.proc.awaitHttp200("/q/health/ready", Duration.ofSeconds(120));
            double ms = (ready - t.proc.startNanos) / 1e6;
            Thread.sleep(200);
            long rss = t.proc.rssKb();
            Double reported = null;
            Matcher m = STARTED.matcher(Files.readString(t.proc.log));
            if (m.find()) {
                reported = Double.parseDouble(m.group(1));
            }
            all.add(new JsonObject().put("toFirstReadyMs", Math.round(ms)).put("rssKb", rss).put("selfReportedSeconds", reported));
            System.out.printf("  %-7s run %d: ready after %,.0f ms, RSS %,d KB%s%n", t.name, i + 1, ms, rss,
                    reported == null ? "" : " (says started in " + reported + " s)");
            if (i > 0 || runs == 1) {
                later.add(ms);
            }
            t.proc.stop();
            t.proc = null;
        }
        later.sort(Double::compare);
        double median = later.get(later.size() / 2);
        return new JsonObject().put("runs", all).put("medianMs", Math.round(median))
                .put("note", "median of runs after the first; the service's first run also applies the schema migrations");
    }

    // --- machine ---------------------------------------------------------------------------------------

    private JsonObject machine() {
        JsonObject m = new JsonObject();
        try {
            m.put("cpus", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count());
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpuModel", l.substring(l.indexOf(':') + 1).trim()));
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .ifPresent(l -> m.put("memoryKb", Long.parseLong(l.replaceAll("\\D", ""))));
            Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files")).findFirst()
                    .ifPresent(l -> m.put("openFilesLimit", l.substring(26).trim().split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            m.put("error", e.toString());
        }
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static final long T0 = System.nanoTime();

    private static final String PG_TOP_STATEMENTS = "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, "
            + "round(mean_exec_time::numeric, 3) AS mean_ms, plans, round(total_plan_time::numeric, 1) AS plan_ms, "
            + "rows, round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct, "
            + "left(regexp_replace(query, '\\s+', ' ', 'g'), 220) AS query FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 25";

    private void pgStats(String next) {
        if (!opts.flag("pg-stats")) {
            return;
        }
        try {
            if (statsSection != null) {
                String file = "pg-statements-" + statsSection.replaceAll("[^a-z0-9]+", "-") + ".txt";
                Files.writeString(out.resolve(file), psql(PG_TOP_STATEMENTS));
            }
            psql("SELECT pg_stat_statements_reset()");
        } catch (Exception e) {
            System.out.println("NOTE: PostgreSQL statement statistics not read: " + e);
        }
        statsSection = next == null ? null : next.toLowerCase(java.util.Locale.ROOT);
    }

    /** Runs {@code sql} with psql as the postgres user in the bench database (run.sh set up pg_stat_statements there). */
    private String psql(String sql) throws Exception {
        Process p = new ProcessBuilder("runuser", "-u", "postgres", "--", "psql", "-p", opts.str("pg-port", "5433"), "-d",
                "switchboard_bench", "-X", "-c", sql).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(text);
        }
        return text;
    }

    /** The scenario whose PostgreSQL statement statistics are being collected (--pg-stats), or null. */
    private String statsSection;

    /**
     * Starts a section of the output. With {@code --pg-stats} the statement statistics of the
     * section before are written to {@code pg-statements-<section>.txt} and reset for this one.
     */
    private void section(String name) {
        pgStats(name);
        System.out.println();
        System.out.printf("== %s (at %.0f s; load average %s)%n", name, (System.nanoTime() - T0) / 1e9, loadAverage());
    }
}
