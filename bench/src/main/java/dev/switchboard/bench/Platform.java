package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Scenarios 6 and 7, the SIP platform's path with the platform's own token: the platform mix
 * (registration refreshes, routing decisions, call events at constant arrival rates, a ladder)
 * and the registration storm (every device re-registers within a few seconds while routing
 * decisions go on). Both run on one fleet of VoIP accounts made through the public API.
 */
final class Platform {

    /** One VoIP account of the fleet, with the SIP password of its creation answer (the SIP scenario's phones use it). */
    record Device(String id, String sipUsername, int org, String internalNumber, String sipPassword) {
    }

    /** The fleet: orgs (an admin each), their members' numbers, every device, the platform's token. */
    record Fleet(List<Roster.Org> orgs, List<Device> devices, String platformToken, double setUpSeconds) {
    }

    static final String USER_AGENT = "BenchPhone/1.0";
    /** Long enough that nothing lapses during a run: a refresh then only moves the expiry forward. */
    static final int EXPIRES_IN = 3600;
    static final String[] MIX_OPS = {"refresh", "route", "callEvent"};
    static final String[] STORM_OPS = {"registration", "route"};
    /** Calls in progress at once in the mix: the three events of one call are this many call events apart. */
    private static final int CALL_SLOTS = 64;
    /** Connections of the routing decisions: at about 1 ms a route, far more than the mix's highest step sends. */
    private static final int ROUTE_CONNECTIONS = 16;
    private static final String[] CALL_STATES = {"ringing", "answered", "ended"};

    /**
     * Logs the platform in, gives every member {@code devicesPerUser} devices (a desk phone, then
     * softphones; explicit internal numbers), gives each member a call plan whose first step is their
     * desk phone (so a call to them walks the plan, and its registration is a presence change), and registers every
     * device once when {@code register} (the SIP scenario's phones register over SIP instead) — all through the public API, {@code concurrency} requests in flight, the orgs
     * interleaved (creating a device serializes on its org's numbers).
     */
    static Fleet setUp(Http http, List<Roster.Org> orgs, int devicesPerUser, int concurrency, String clientId, String clientSecret,
            boolean register) {
        long t0 = System.nanoTime();
        String platform = Http.await(http.expect(200, HttpMethod.POST, "/api/auth/token", null,
                new JsonObject().put("clientId", clientId).put("clientSecret", clientSecret).encode())).getString("accessToken");
        List<int[]> order = new ArrayList<>(); // {org, member, device of member}
        int maxMembers = orgs.stream().mapToInt(Roster.Org::size).max().orElse(0);
        for (int i = 0; i < maxMembers; i++) {
            for (int j = 0; j < devicesPerUser; j++) {
                for (int o = 0; o < orgs.size(); o++) {
                    if (i < orgs.get(o).size()) {
                        order.add(new int[] {o, i, j});
                    }
                }
            }
        }
        List<Device> devices = Http.await(Http.parallel(http.vertx, order.size(), concurrency, k -> {
            int[] t = order.get(k);
            Roster.Org org = orgs.get(t[0]);
            Roster.Member m = org.members().get(t[1]);
            JsonObject body = new JsonObject().put("kind", t[2] == 0 ? "desk_phone" : "softphone").put("description", "Bench device " + t[2])
                    .put("internalNumber", Integer.toString(3_000_000 + t[1] * devicesPerUser + t[2])).put("userId", m.id());
            return http.expect(201, HttpMethod.POST, "/api/orgs/" + org.id() + "/voip-accounts", org.adminToken(), body.encode())
                    .map(j -> new Device(j.getString("id"), j.getString("sipUsername"), t[0], j.getString("internalNumber"),
                            j.getString("sipPassword")));
        }), 3600);
        // Every member's devices, in creation order (desk phone first), for their call plans.
        Map<String, List<Device>> byMember = new HashMap<>();
        for (int k = 0; k < order.size(); k++) {
            int[] t = order.get(k);
            byMember.computeIfAbsent(t[0] + "/" + t[1], key -> new ArrayList<>()).add(devices.get(k));
        }
        List<int[]> members = order.stream().filter(t -> t[2] == 0).toList();
        Http.await(Http.parallel(http.vertx, members.size(), concurrency, k -> {
            int[] t = members.get(k);
            Roster.Org org = orgs.get(t[0]);
            Roster.Member m = org.members().get(t[1]);
            Roster.Member colleague = org.members().get((t[1] + 1) % org.size());
            return http.expect(200, HttpMethod.PUT, "/api/orgs/" + org.id() + "/users/" + m.id() + "/call-plan", org.adminToken(),
                    callPlan(byMember.get(t[0] + "/" + t[1]), colleague.id().equals(m.id()) ? null : colleague.id()).encode());
        }), 3600);
        if (register) {
            register(http, platform, devices, true, concurrency);
        }
        return new Fleet(orgs, devices, platform, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A plan like a real user's, so every routing decision walks one: the desk phone rings 20 s,
     * then the other devices together 30 s; busy → voicemail, no answer → a colleague,
     * unreachable → voicemail. A plan whose first step is the desk phone alone keeps it the
     * member's destination, so its registration stays a presence change.
     */
    private static JsonObject callPlan(List<Device> own, String colleagueId) {
        JsonArray steps = new JsonArray().add(new JsonObject().put("ringSeconds", 20)
                .put("targets", new JsonArray().add(target(own.get(0)))));
        if (own.size() > 1) {
            JsonArray rest = new JsonArray();
            own.subList(1, Math.min(own.size(), 6)).forEach(d -> rest.add(target(d)));
            steps.add(new JsonObject().put("ringSeconds", 30).put("targets", rest));
        }
        JsonObject voicemail = new JsonObject().put("type", "voicemail");
        JsonObject noAnswer = colleagueId == null ? voicemail : new JsonObject().put("type", "user").put("id", colleagueId);
        return new JsonObject().put("steps", steps).put("callWaiting", false).put("fallbacks", new JsonObject()
                .put("busy", voicemail).put("noAnswer", noAnswer).put("unreachable", voicemail));
    }

    private static JsonObject target(Device device) {
        return new JsonObject().put("type", "voip_account").put("id", device.id());
    }

    /** Sets the registration of each device (not measured) and checks every answer says so. */
    static void register(Http http, String platform, List<Device> devices, boolean registered, int concurrency) {
        Http.await(Http.parallel(http.vertx, devices.size(), concurrency, k -> http.expect(200, HttpMethod.PUT,
                "/api/platform/registrations/" + devices.get(k).sipUsername(), platform, registrationBody(registered))
                .compose(state -> state.getBoolean("registered") == registered ? Future.succeededFuture(state)
                        : Future.failedFuture("registration of " + devices.get(k).sipUsername() + " answered " + state.encode()))), 3600);
    }

    private static String registrationBody(boolean registered) {
        return registered ? "{\"registered\":true,\"expiresIn\":" + EXPIRES_IN + ",\"userAgent\":\"" + USER_AGENT + "\"}"
                : "{\"registered\":false}";
    }

    // --- load ------------------------------------------------------------------------------------------

    private final Vertx vertx;
    private final Http http;
    /**
     * Routing decisions have connections of their own, as a proxy asks for them from workers of
     * their own (Kamailio's route group, apart from the report group): a route never waits in the
     * client for a connection that a registration report holds.
     */
    private final Http routes;
    private final Fleet fleet;
    private final SplittableRandom random = new SplittableRandom(14);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String[] callIds = new String[CALL_SLOTS];
    private final Device[] callDevices = new Device[CALL_SLOTS];
    private long callEvents;
    /** The mix, in percent: refreshes, routing decisions; the rest are call events. */
    private int refreshPct = 70;
    private int routePct = 15;
    Cpu cpu;

    Platform(Vertx vertx, int port, Fleet fleet, int connections) {
        this.vertx = vertx;
        this.http = new Http(vertx, port, connections, "127.0.0.4");
        this.routes = new Http(vertx, port, ROUTE_CONNECTIONS, "127.0.0.5");
        this.fleet = fleet;
    }

    private String token() {
        return fleet.platformToken();
    }

    /** A registration: answered 200 with {@code registered: true} in the device's state. */
    private void registration(OpenModel.Step step, int op, long intended, Device d, Runnable applied) {
        step.track(op, intended, http.call(HttpMethod.PUT, "/api/platform/registrations/" + d.sipUsername(), token(), registrationBody(true)),
                r -> {
                    String wrong = OpenModel.unexpected(r, 200);
                    if (wrong == null && !Boolean.TRUE.equals(r.json().getBoolean("registered"))) {
                        wrong = "state " + r.body();
                    }
                    if (wrong == null) {
                        applied.run();
                    }
                    return wrong;
                });
    }

    /** A routing decision to a random member of a random org, from a colleague or from outside (half each). */
    private void route(OpenModel.Step step, int op, long intended) {
        Roster.Org org = fleet.orgs().get(random.nextInt(fleet.orgs().size()));
        String to = org.members().get(random.nextInt(org.size())).number();
        String from = random.nextBoolean() ? org.members().get(random.nextInt(org.size())).number()
                : "+3120" + (1_000_000 + random.nextInt(9_000_000));
        step.track(op, intended, routes.call(HttpMethod.POST, "/api/orgs/" + org.id() + "/calls/route", token(),
                "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}"), r -> {
                    String wrong = OpenModel.unexpected(r, 200);
                    return wrong == null && r.json().getString("action") == null ? "no action: " + r.body() : wrong;
                });
    }

    /** The next event of one of {@link #CALL_SLOTS} calls in progress: ringing, answered, ended, then a new call on another device. */
    private void callEvent(OpenModel.Step step, int op, long intended) {
        long c = callEvents++;
        int slot = (int) (c % CALL_SLOTS);
        int phase = (int) (c / CALL_SLOTS % 3);
        if (phase == 0) {
            callIds[slot] = "bench-" + suffix + "-" + c;
            callDevices[slot] = fleet.devices().get(random.nextInt(fleet.devices().size()));
        }
        step.track(op, intended, http.call(HttpMethod.POST, "/api/platform/call-events", token(),
                "{\"callId\":\"" + callIds[slot] + "\",\"sipUsername\":\"" + callDevices[slot].sipUsername() + "\",\"state\":\""
                        + CALL_STATES[phase] + "\"}"), r -> OpenModel.unexpected(r, 200));
    }

    private void mixed(OpenModel.Step step, long intended) {
        int r = random.nextInt(100);
        if (r < refreshPct) {
            registration(step, 0, intended, fleet.devices().get(random.nextInt(fleet.devices().size())), () -> { });
        } else if (r < refreshPct + routePct) {
            route(step, 1, intended);
        } else {
            callEvent(step, 2, intended);
        }
    }

    private OpenModel.Step runMix(double rate, double seconds) {
        return OpenModel.run(vertx, MIX_OPS, seconds, List.of(new OpenModel.Stream(rate, this::mixed)));
    }

    /** Unmeasured mix until the server's JIT compiler has settled (see {@link OpenModel#warmUp}). */
    JsonObject warmUp(int rate, double minSeconds, double maxSeconds, String label) {
        JsonObject warmup = OpenModel.warmUp(seconds -> runMix(rate, seconds), cpu, rate, minSeconds, maxSeconds);
        System.out.printf("    %s platform warm-up: %s%n", label, warmup.encode());
        return warmup;
    }

    /**
     * The platform mix's ladder after a warm-up: steps up while the mix holds p99 ≤ {@code p99LimitMs}
     * (and no errors beyond 0.1 %, ≥ 95 % of the rate achieved); a step passes when moreover the
     * routing decisions' own p99 is ≤ {@code routeP99LimitMs}.
     */
    JsonObject ladder(List<Integer> rates, double stepSeconds, double p99LimitMs, double routeP99LimitMs, String label, int warmupRate,
            double warmupSeconds, double warmupMaxSeconds, int refreshPercent, int routePercent) {
        this.refreshPct = refreshPercent;
        this.routePct = routePercent;
        JsonObject warmup = warmUp(warmupRate, warmupSeconds, warmupMaxSeconds, label);
        JsonArray out = new JsonArray();
        JsonObject best = null;
        JsonObject bestWithinP99 = null;
        for (int rate : rates) {
            long[] c0 = cpu == null ? null : cpu.snap();
            OpenModel.Step s = runMix(rate, stepSeconds);
            JsonObject cpuUse = OpenModel.perRequest(cpu == null ? null : Cpu.between(c0, cpu.snap()), stepSeconds, s.completed);
            double achieved = s.achieved(stepSeconds);
            long p99 = s.latency.getValueAtPercentile(99);
            long routeP99 = s.byOp[1].getValueAtPercentile(99);
            boolean holds = s.completed == s.sent && s.errors <= s.sent / 1000 && p99 <= p99LimitMs * 1000 && achieved >= 0.95 * rate;
            boolean pass = holds && routeP99 <= routeP99LimitMs * 1000;
            JsonObject o = new JsonObject().put("targetPerSec", rate).put("achievedPerSec", Math.round(achieved))
                    .put("sent", s.sent).put("completed", s.completed).put("errors", s.errors)
                    .put("latency", Fanout.summary(s.latency)).put("routeP99Ms", Fanout.ms(routeP99)).put("byOperation", s.byOperation())
                    .put("cpu", cpuUse).put("withinP99", holds).put("pass", pass);
            if (s.samples() != null) {
                o.put("errorSamples", s.samples());
            }
            out.add(o);
            System.out.printf("    %s platform %,6d req/s: achieved %,.0f/s p50 %.2f ms p99 %.2f ms route p99 %.2f ms errors %d %s %s%n", label,
                    rate, achieved, s.latency.getValueAtPercentile(50) / 1000.0, p99 / 1000.0, routeP99 / 1000.0, s.errors,
                    cpuUse == null ? "" : cpuUse.encode(), pass ? "ok" : holds ? "route p99 over" : "FAIL");
            if (!holds) {
                break;
            }
            bestWithinP99 = o;
            if (pass) {
                best = o;
            }
            Fanout.pause(1000);
        }
        return new JsonObject().put("warmup", warmup).put("mixPercent", new JsonObject().put("refresh", refreshPct).put("route", routePct)
                .put("callEvent", 100 - refreshPct - routePct)).put("stepSeconds", stepSeconds).put("p99LimitMs", p99LimitMs)
                .put("routeP99LimitMs", routeP99LimitMs).put("devices", fleet.devices().size()).put("steps", out)
                .put("bestPerSec", best == null ? 0 : best.getInteger("targetPerSec"))
                .put("bestWithinP99PerSec", bestWithinP99 == null ? 0 : bestWithinP99.getInteger("targetPerSec"));
    }

    /**
     * The registration storm: a share of the devices is unregistered first (set-up, not measured),
     * then every device re-registers in a random order at devices ÷ {@code seconds} per second while
     * routing decisions arrive at {@code routeRate}; afterwards every org's device list is read back
     * to check that all are registered.
     */
    JsonObject storm(double seconds, double routeRate, double unregisteredShare, int setUpConcurrency, String label) {
        List<Device> all = new ArrayList<>(fleet.devices());
        Collections.shuffle(all, new Random(7));
        int lapsed = (int) Math.round(all.size() * unregisteredShare);
        register(http, token(), all.subList(0, lapsed), false, setUpConcurrency);
        Collections.shuffle(all, new Random(8));
        Fanout.pause(1000);
        long[] applied = {0};
        long[] lastApplied = {0};
        int[] next = {0};
        double rate = all.size() / seconds;
        long[] c0 = cpu == null ? null : cpu.snap();
        OpenModel.Step s = OpenModel.run(vertx, STORM_OPS, seconds, List.of(
                new OpenModel.Stream(rate, (step, intended) -> registration(step, 0, intended, all.get(next[0]++ % all.size()), () -> {
                    applied[0]++;
                    lastApplied[0] = System.nanoTime();
                })),
                new OpenModel.Stream(routeRate, (step, intended) -> route(step, 1, intended))));
        JsonObject cpuUse = OpenModel.perRequest(cpu == null ? null : Cpu.between(c0, cpu.snap()), seconds, s.completed);
        long verified = readBack(http, fleet, null).registered();
        double toApply = applied[0] == 0 ? -1 : (lastApplied[0] - s.firstIntended) / 1e9;
        JsonObject o = new JsonObject().put("devices", all.size()).put("unregisteredFirst", lapsed).put("seconds", seconds)
                .put("registrationsPerSec", Math.round(rate)).put("routeRatePerSec", routeRate)
                .put("sent", s.byOp[0].getTotalCount()).put("applied", applied[0]).put("errors", s.opErrors[0])
                .put("secondsToApplyAll", applied[0] == all.size() ? Math.round(toApply * 100) / 100.0 : null)
                .put("registration", Fanout.summary(s.byOp[0])).put("route", Fanout.summary(s.byOp[1])).put("routeErrors", s.opErrors[1])
                .put("verifiedRegistered", verified).put("cpu", cpuUse);
        boolean pass = applied[0] == all.size() && verified == all.size() && s.errors == 0
                && s.byOp[1].getValueAtPercentile(99) <= 20_000;
        o.put("pass", pass);
        if (s.samples() != null) {
            o.put("errorSamples", s.samples());
        }
        System.out.printf("    %s storm: %,d devices (%,d unregistered first) at %,.0f/s: %,d applied in %.2f s, %d errors, registration p50 %.2f p99 %.2f ms,"
                + " route p99 %.2f ms (%d errors), %,d registered on read-back %s %s%n", label, all.size(), lapsed, rate, applied[0], toApply,
                s.opErrors[0], s.byOp[0].getValueAtPercentile(50) / 1000.0, s.byOp[0].getValueAtPercentile(99) / 1000.0,
                s.byOp[1].getValueAtPercentile(99) / 1000.0, s.opErrors[1], verified, cpuUse == null ? "" : cpuUse.encode(), pass ? "ok" : "FAIL");
        return o;
    }

    /**
     * What the read-back found: the fleet's devices registered, the latest {@code lastSeen} among
     * them (ISO time or null), and every one of those {@code lastSeen} times (epoch ms).
     */
    record ReadBack(long registered, String latestLastSeen, long[] lastSeenMillis) {
    }

    /**
     * Reads every org's device list (pages of 200, the org admin's token): how many of the fleet's
     * devices say registered — with {@code userAgent} only those whose last registration came from
     * that user agent — and the latest {@code lastSeen} among them.
     */
    static ReadBack readBack(Http http, Fleet fleet, String userAgent) {
        Set<String> fleetIds = new HashSet<>();
        fleet.devices().forEach(d -> fleetIds.add(d.id()));
        long registered = 0;
        String latest = null;
        List<Long> seen = new ArrayList<>();
        for (Roster.Org org : fleet.orgs()) {
            for (int page = 0;; page++) {
                JsonObject list = Http.await(http.expect(200, HttpMethod.GET, "/api/orgs/" + org.id() + "/voip-accounts?page=" + page + "&size=200",
                        org.adminToken(), null));
                JsonArray items = list.getJsonArray("items");
                for (int i = 0; i < items.size(); i++) {
                    JsonObject d = items.getJsonObject(i);
                    JsonObject state = d.getJsonObject("state");
                    if (fleetIds.contains(d.getString("id")) && state.getBoolean("registered")
                            && (userAgent == null || userAgent.equals(state.getString("userAgent")))) {
                        registered++;
                        String last = state.getString("lastSeen");
                        if (last != null) {
                            seen.add(java.time.Instant.parse(last).toEpochMilli());
                            if (latest == null || java.time.Instant.parse(last).isAfter(java.time.Instant.parse(latest))) {
                                latest = last;
                            }
                        }
                    }
                }
                if (items.isEmpty() || (page + 1) * 200 >= list.getInteger("total")) {
                    break;
                }
            }
        }
        return new ReadBack(registered, latest, seen.stream().mapToLong(Long::longValue).toArray());
    }
}
