package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.HdrHistogram.Histogram;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Scenario 4, REST mix at a constant arrival rate (open model): requests are scheduled by their
 * intended start time and the latency is taken from it, so a server that falls behind is charged
 * for the queueing (no coordinated omission). Steps up the rate until p99 exceeds the limit.
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

    private static final class Step {
        final Histogram latency = Fanout.histogram();
        final Histogram[] byOp = new Histogram[6];
        long sent, completed, errors;
        final List<String> errorSamples = new ArrayList<>();
        long firstIntended, lastCompletion;

        Step() {
            for (int i = 0; i < byOp.length; i++) {
                byOp[i] = Fanout.histogram();
            }
        }
    }

    static final String[] OPS = {"createUser", "renameUser", "getUser", "listUsers", "getAvailability", "setAvailability"};

    private void issue(Step step, long intended) {
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
        step.sent++;
        int want = expected;
        http.call(method, uri, org.adminToken(), body).onComplete(ar -> {
            long now = System.nanoTime();
            long us = Math.min(Math.max(0, (now - intended) / 1000), 120_000_000L);
            step.latency.recordValue(us);
            step.byOp[op].recordValue(us);
            step.completed++;
            step.lastCompletion = Math.max(step.lastCompletion, now);
            if (ar.failed() || ar.result().status() != want) {
                step.errors++;
                if (step.errorSamples.size() < 3) {
                    step.errorSamples.add(OPS[op] + ": " + (ar.failed() ? String.valueOf(ar.cause())
                            : ar.result().status() + " " + ar.result().body().toString().substring(0,
                                    Math.min(200, ar.result().body().length()))));
                }
            } else if (op == 0) {
                users.add(ar.result().json().getString("id"));
            }
        });
    }

    private Step run(double rate, double seconds) {
        Step step = new Step();
        Promise<Void> finished = Promise.promise();
        long total = Math.max(1, Math.round(rate * seconds));
        double intervalNs = 1e9 / rate;
        long start = System.nanoTime() + 20_000_000L;
        step.firstIntended = start;
        long[] k = {0};
        vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (k[0] < total && start + (long) (k[0] * intervalNs) <= now) {
                issue(step, start + (long) (k[0] * intervalNs));
                k[0]++;
            }
            if (k[0] >= total) {
                vertx.cancelTimer(id);
                long deadline = now + 30_000_000_000L;
                vertx.setPeriodic(5, id2 -> {
                    if (step.completed >= step.sent || System.nanoTime() > deadline) {
                        vertx.cancelTimer(id2);
                        finished.tryComplete();
                    }
                });
            }
        }));
        Http.await(finished.future(), 3600);
        return step;
    }

    /**
     * Unmeasured load until the JIT has settled: {@code minSeconds}, then 5 s more at a time while
     * the server's compiler threads used more than 5 % of a core (at most {@code maxSeconds} in
     * all). On one shared core a busy C2 takes its CPU from the requests, so a ladder started
     * earlier measures compilation, not the service.
     */
    JsonObject warmUp(int rate, double minSeconds, double maxSeconds) {
        long start = System.nanoTime();
        long pid = cpu == null ? -1 : cpu.serverPid();
        run(rate, minSeconds);
        double compilerCores = -1;
        while (pid > 0 && (System.nanoTime() - start) / 1e9 + 5 <= maxSeconds) {
            long t0 = Proc.compilerTicks(pid);
            long n0 = System.nanoTime();
            run(rate, 5);
            long t1 = Proc.compilerTicks(pid);
            if (t0 < 0 || t1 < 0) {
                break;
            }
            compilerCores = (t1 - t0) / (double) Proc.CLK_TCK / ((System.nanoTime() - n0) / 1e9);
            if (compilerCores <= 0.05) {
                break;
            }
        }
        return new JsonObject().put("rate", rate).put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0)
                .put("compilerCoresLast5s", compilerCores < 0 ? null : Math.round(compilerCores * 100) / 100.0);
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
            Step s = run(rate, stepSeconds);
            JsonObject cpuUse = cpu == null ? null : Cpu.between(c0, cpu.snap());
            if (cpuUse != null && s.completed > 0) {
                cpuUse.put("serverMillisPerRequest", Math.round(cpuUse.getDouble("serverCores") * stepSeconds * 1e3 / s.completed * 1000) / 1000.0)
                        .put("dbMillisPerRequest", Math.round(cpuUse.getDouble("dbCores") * stepSeconds * 1e3 / s.completed * 1000) / 1000.0);
            }
            double span = Math.max(stepSeconds, (s.lastCompletion - s.firstIntended) / 1e9);
            double achieved = s.completed / span;
            long p99 = s.latency.getValueAtPercentile(99);
            boolean pass = s.completed == s.sent && s.errors <= s.sent / 1000 && p99 <= p99LimitMs * 1000 && achieved >= 0.95 * rate;
            JsonObject byOp = new JsonObject();
            for (int i = 0; i < OPS.length; i++) {
                byOp.put(OPS[i], Fanout.summary(s.byOp[i]));
            }
            JsonObject o = new JsonObject().put("targetPerSec", rate).put("achievedPerSec", Math.round(achieved))
                    .put("sent", s.sent).put("completed", s.completed).put("errors", s.errors)
                    .put("latency", Fanout.summary(s.latency)).put("byOperation", byOp).put("cpu", cpuUse).put("pass", pass);
            if (!s.errorSamples.isEmpty()) {
                o.put("errorSamples", new JsonArray(new ArrayList<>(s.errorSamples)));
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
