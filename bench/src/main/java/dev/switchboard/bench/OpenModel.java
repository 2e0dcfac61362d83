package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

import org.HdrHistogram.Histogram;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Load at constant arrival rates (open model), shared by the REST mix, the platform mix and the
 * registration storm: every request has an intended start time on a fixed schedule and its
 * latency is taken from that time, so a server that falls behind is charged for the queueing
 * (no coordinated omission). Several streams (each its own rate) can run in one window.
 */
final class OpenModel {

    private OpenModel() {
    }

    /** What one step measured, overall and per operation. */
    static final class Step {
        final String[] ops;
        final Histogram latency = Fanout.histogram();
        final Histogram[] byOp;
        final long[] opErrors;
        long sent, completed, errors;
        final List<String> errorSamples = new ArrayList<>();
        long firstIntended, lastCompletion;

        Step(String[] ops) {
            this.ops = ops;
            this.byOp = new Histogram[ops.length];
            this.opErrors = new long[ops.length];
            for (int i = 0; i < ops.length; i++) {
                byOp[i] = Fanout.histogram();
            }
        }

        /**
         * Sends one request and records it when it completes: {@code check} returns null when the
         * answer is the one expected, otherwise a short description of what came back.
         */
        <T> void track(int op, long intended, Future<T> request, Function<T, String> check) {
            sent++;
            request.onComplete(ar -> {
                long now = System.nanoTime();
                long us = Math.min(Math.max(0, (now - intended) / 1000), 120_000_000L);
                latency.recordValue(us);
                byOp[op].recordValue(us);
                completed++;
                lastCompletion = Math.max(lastCompletion, now);
                String wrong = ar.failed() ? String.valueOf(ar.cause()) : check.apply(ar.result());
                if (wrong != null) {
                    errors++;
                    opErrors[op]++;
                    if (errorSamples.size() < 3) {
                        errorSamples.add(ops[op] + ": " + wrong);
                    }
                }
            });
        }

        /** Achieved rate: completions over the step, or over the time it really took when that was longer. */
        double achieved(double seconds) {
            return completed / Math.max(seconds, (lastCompletion - firstIntended) / 1e9);
        }

        JsonObject byOperation() {
            JsonObject o = new JsonObject();
            for (int i = 0; i < ops.length; i++) {
                o.put(ops[i], Fanout.summary(byOp[i]).put("errors", opErrors[i]));
            }
            return o;
        }

        JsonArray samples() {
            return errorSamples.isEmpty() ? null : new JsonArray(new ArrayList<>(errorSamples));
        }
    }

    /** One arrival stream: {@code rate} requests per second; {@code issue} sends the one intended at that time. */
    record Stream(double rate, Issuer issuer) {
    }

    interface Issuer {
        void issue(Step step, long intendedNanos);
    }

    /** The short description of an HTTP answer other than the expected status, for error samples. */
    static String unexpected(Http.Resp r, int expected) {
        return r.status() == expected ? null
                : r.status() + " " + r.body().toString().substring(0, Math.min(200, r.body().length()));
    }

    /**
     * Runs the streams for {@code seconds} (each sends rate × seconds requests, at least one), then
     * waits up to 30 s for the answers still outstanding.
     */
    static Step run(Vertx vertx, String[] ops, double seconds, List<Stream> streams) {
        Step step = new Step(ops);
        Promise<Void> finished = Promise.promise();
        int n = streams.size();
        long[] total = new long[n];
        double[] intervalNs = new double[n];
        for (int i = 0; i < n; i++) {
            total[i] = Math.max(1, Math.round(streams.get(i).rate() * seconds));
            intervalNs[i] = 1e9 / streams.get(i).rate();
        }
        long start = System.nanoTime() + 20_000_000L;
        step.firstIntended = start;
        long[] k = new long[n];
        vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            boolean done = true;
            for (int i = 0; i < n; i++) {
                while (k[i] < total[i] && start + (long) (k[i] * intervalNs[i]) <= now) {
                    streams.get(i).issuer().issue(step, start + (long) (k[i] * intervalNs[i]));
                    k[i]++;
                }
                done &= k[i] >= total[i];
            }
            if (done) {
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
    static JsonObject warmUp(DoubleConsumer runFor, Cpu cpu, int rate, double minSeconds, double maxSeconds) {
        long start = System.nanoTime();
        long pid = cpu == null ? -1 : cpu.serverPid();
        runFor.accept(minSeconds);
        double compilerCores = -1;
        while (pid > 0 && (System.nanoTime() - start) / 1e9 + 5 <= maxSeconds) {
            long t0 = Proc.compilerTicks(pid);
            long n0 = System.nanoTime();
            runFor.accept(5);
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

    /** Server and PostgreSQL CPU per request of a step, added to its CPU reading. */
    static JsonObject perRequest(JsonObject cpuUse, double seconds, long completed) {
        if (cpuUse != null && completed > 0) {
            cpuUse.put("serverMillisPerRequest", Math.round(cpuUse.getDouble("serverCores") * seconds * 1e3 / completed * 1000) / 1000.0)
                    .put("dbMillisPerRequest", Math.round(cpuUse.getDouble("dbCores") * seconds * 1e3 / completed * 1000) / 1000.0);
        }
        return cpuUse;
    }
}
