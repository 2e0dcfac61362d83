package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Scenario 4, REST mix at a constant arrival rate ({@link OpenModel}: latency from the intended
 * start, no coordinated omission). Steps up the rate until p99 exceeds the limit.
 *
 * <p>Mix (admin token): 10 % create user, 10 % rename user, 25 % get user, 15 % list users
 * (page of 50), 20 % get availability, 20 % set availability.
 */
final class RestMix {

    private static final String[] STATUSES = {"available", "do_not_disturb", "available_for_colleagues"};

    private final Vertx vertx;
    private final Http http;
    private final Roster.Org org;
    private final List<String> users = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(42);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private int created;
    Cpu cpu;

    RestMix(Vertx vertx, int port, Roster.Org org, int connections) {
        this.vertx = vertx;
        this.http = new Http(vertx, port, connections, "127.0.0.3");
        this.org = org;
        org.members().forEach(m -> users.add(m.id()));
    }

    static final String[] OPS = {"createUser", "renameUser", "getUser", "listUsers", "getAvailability", "setAvailability"};

    private void issue(OpenModel.Step step, long intended) {
        int r = random.nextInt(100);
        int op = r < 10 ? 0 : r < 20 ? 1 : r < 45 ? 2 : r < 60 ? 3 : r < 80 ? 4 : 5;
        String base = "/api/orgs/" + org.id() + "/users";
        String user = users.get(random.nextInt(users.size()));
        HttpMethod method;
        String uri;
        String body = null;
        int expected = 200;
        switch (op) {
            case 0 -> {
                method = HttpMethod.POST;
                uri = base;
                int n = created++;
                body = "{\"email\":\"r" + n + "." + suffix + "@bench.test\",\"name\":\"Rest user " + n + "\",\"internalNumber\":\"" + (200000 + n) + "\",\"role\":\"user\"}";
                expected = 201;
            }
            case 1 -> {
                method = HttpMethod.PATCH;
                uri = base + "/" + user;
                body = "{\"name\":\"Renamed " + random.nextInt(1_000_000) + "\"}";
            }
            case 2 -> {
                method = HttpMethod.GET;
                uri = base + "/" + user;
            }
            case 3 -> {
                method = HttpMethod.GET;
                uri = base + "?page=0&size=50";
            }
            case 4 -> {
                method = HttpMethod.GET;
                uri = base + "/" + user + "/availability";
            }
            default -> {
                method = HttpMethod.PUT;
                uri = base + "/" + user + "/availability";
                body = "{\"status\":\"" + STATUSES[random.nextInt(STATUSES.length)] + "\"}";
            }
        }
        int want = expected;
        step.track(op, intended, http.call(method, uri, org.adminToken(), body), resp -> {
            if (resp.status() == want && op == 0) {
                users.add(resp.json().getString("id"));
            }
            return OpenModel.unexpected(resp, want);
        });
    }

    private OpenModel.Step run(double rate, double seconds) {
        return OpenModel.run(vertx, OPS, seconds, List.of(new OpenModel.Stream(rate, this::issue)));
    }

    JsonObject warmUp(int rate, double minSeconds, double maxSeconds) {
        return OpenModel.warmUp(seconds -> run(rate, seconds), cpu, rate, minSeconds, maxSeconds);
    }

    /** The ladder, after {@link #warmUp}, at rates below what the service sustains so no backlog spills into the first step. */
    JsonObject steps(List<Integer> rates, double stepSeconds, double p99LimitMs, String label, int warmupRate, double warmupSeconds,
            double warmupMaxSeconds) {
        JsonObject warmup = warmUp(warmupRate, warmupSeconds, warmupMaxSeconds);
        System.out.printf("    %s REST warm-up: %s%n", label, warmup.encode());
        JsonArray out = new JsonArray();
        JsonObject best = null;
        for (int rate : rates) {
            long[] c0 = cpu == null ? null : cpu.snap();
            OpenModel.Step s = run(rate, stepSeconds);
            JsonObject cpuUse = OpenModel.perRequest(cpu == null ? null : Cpu.between(c0, cpu.snap()), stepSeconds, s.completed);
            double achieved = s.achieved(stepSeconds);
            long p99 = s.latency.getValueAtPercentile(99);
            boolean pass = s.completed == s.sent && s.errors <= s.sent / 1000 && p99 <= p99LimitMs * 1000 && achieved >= 0.95 * rate;
            JsonObject o = new JsonObject().put("targetPerSec", rate).put("achievedPerSec", Math.round(achieved))
                    .put("sent", s.sent).put("completed", s.completed).put("errors", s.errors)
                    .put("latency", Fanout.summary(s.latency)).put("byOperation", s.byOperation()).put("cpu", cpuUse).put("pass", pass);
            if (s.samples() != null) {
                o.put("errorSamples", s.samples());
            }
            out.add(o);
            System.out.printf("    %s REST %,6d req/s: achieved %,.0f/s p50 %.2f ms p99 %.2f ms errors %d %s %s%n", label, rate, achieved,
                    s.latency.getValueAtPercentile(50) / 1000.0, p99 / 1000.0, s.errors, cpuUse == null ? "" : cpuUse.encode(),
                    pass ? "ok" : "FAIL");
            if (!pass) {
                break;
            }
            best = o;
            Fanout.pause(1000);
        }
        return new JsonObject().put("warmup", warmup).put("stepSeconds", stepSeconds).put("p99LimitMs", p99LimitMs).put("steps", out)
                .put("bestPerSec", best == null ? 0 : best.getInteger("targetPerSec")).put("bestStep", best);
    }
}
