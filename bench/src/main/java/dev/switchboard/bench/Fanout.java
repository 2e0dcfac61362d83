package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Scenario 1, fan-out: one socket per member of an org, a member changes status (REST
 * {@code PUT /api/me/availability} or the socket's {@code set_availability}) and the time until
 * each colleague's socket receives the resulting {@code presence} frame is recorded.
 *
 * <p>Everything runs on the driver's single event loop: no locks, and the receive timestamps
 * come from the same clock as the send times. Times are taken from the <em>intended</em> send
 * time (coordinated-omission free): a late send counts against the latency.
 */
final class Fanout {

    static final int MODE_REST = 0, MODE_SOCKET = 1;
    private static final long HIGHEST_US = 120_000_000L;

    private final Vertx vertx;
    private final Http http;
    private final int port;
    Cpu cpu;

    Fanout(Vertx vertx, Http http, int port) {
        this.vertx = vertx;
        this.http = http;
        this.port = port;
    }

    static Histogram histogram() {
        return new Histogram(HIGHEST_US, 3);
    }

    /** Where one change's measurements go. */
    static final class Sink {
        final Histogram deliveries = histogram();
        final Histogram perChange = histogram();
        final Histogram[] byMode = {histogram(), histogram()};
        long changes, completed, incomplete, errors, deliveryCount;
        long firstSend = Long.MAX_VALUE, lastReceipt;
    }

    private static final class Change {
        final int subject;
        final int mode;
        final long t0;
        final Sink sink;
        int received;
        long timer = -1;
        Promise<Boolean> done = Promise.promise();

        Change(int subject, int mode, long t0, Sink sink) {
            this.subject = subject;
            this.mode = mode;
            this.t0 = t0;
            this.sink = sink;
        }
    }

    private static final Change UNTRACKED = new Change(-1, 0, 0, null);

    private static final class Conn {
        final int member;
        WebSocket ws;
        long lastSeq = -1;
        boolean first;

        Conn(int member) {
            this.member = member;
        }
    }

    /** An org with all its members connected. */
    final class Session {
        final Roster.Org org;
        final int size;
        final Conn[] conns;
        final Map<String, Integer> index = new HashMap<>();
        final Change[] pending;
        final boolean[] dnd;
        final Map<Long, Change> bySeq = new HashMap<>();
        final WebSocketClient client;
        long resyncs, untracked, commandErrors;
        int commandId;
        Promise<Void> allFirst = Promise.promise();
        int firstCount;
        double connectSeconds;

        Session(Roster.Org org, String localAddress) {
            this.org = org;
            this.size = org.size();
            this.conns = new Conn[size];
            this.pending = new Change[size];
            this.dnd = new boolean[size];
            for (int i = 0; i < size; i++) {
                index.put(org.members().get(i).id(), i);
                conns[i] = new Conn(i);
            }
            this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                    .setMaxFrameSize(8 * 1024 * 1024).setMaxMessageSize(256 * 1024 * 1024).setConnectTimeout(30_000)
                    .setLocalAddress(localAddress));
        }

        Future<WebSocket> connect(int i, Long since) {
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/ws/presence" + (since == null ? "" : "?since=" + since))
                    .addHeader("Authorization", "Bearer " + org.members().get(i).token()).setTimeout(60_000);
            // Handlers go on before connecting: a first frame that arrives with the 101 is not lost.
            ClientWebSocket ws = client.webSocket();
            Conn conn = conns[i];
            ws.frameHandler(frame -> onFrame(conn, frame));
            ws.exceptionHandler(e -> { });
            return ws.connect(options).map(connected -> {
                conn.ws = connected;
                return connected;
            });
        }

        private void onFrame(Conn conn, WebSocketFrame frame) {
            if (frame.isContinuation() || !frame.isText()) {
                return;
            }
            var b = frame.binaryData();
            char type = Wire.type(b);
            switch (type) {
                case Wire.PRESENCE -> {
                    long seq = Wire.seq(b);
                    conn.lastSeq = seq;
                    onPresence(conn, seq, b);
                }
                case Wire.SNAPSHOT, Wire.RESUMED -> {
                    conn.lastSeq = Wire.seq(b);
                    if (!conn.first) {
                        conn.first = true;
                        if (++firstCount == size) {
                            allFirst.tryComplete();
                        }
                    } else {
                        resyncs++;
                    }
                }
                case Wire.COLLEAGUE -> conn.lastSeq = Wire.seq(b);
                case Wire.ERROR -> {
                    commandErrors++;
                    Change ch = pending[conn.member];
                    if (ch != null && ch.mode == MODE_SOCKET) {
                        fail(ch);
                    }
                }
                default -> {
                }
            }
        }

        private void onPresence(Conn conn, long seq, io.vertx.core.buffer.Buffer b) {
            long now = System.nanoTime();
            Change ch = bySeq.get(seq);
            if (ch == null) {
                Integer subject = index.get(Wire.userId(b));
                ch = subject == null ? null : pending[subject];
                if (ch == null) {
                    untracked++;
                    bySeq.put(seq, UNTRACKED);
                    return;
                }
                pending[subject] = null;
                bySeq.put(seq, ch);
            }
            if (ch == UNTRACKED || conn.member == ch.subject) {
                return;
            }
            long us = Math.max(0, (now - ch.t0) / 1000);
            Sink sink = ch.sink;
            if (sink != null) {
                sink.deliveries.recordValue(Math.min(us, HIGHEST_US));
                sink.byMode[ch.mode].recordValue(Math.min(us, HIGHEST_US));
                sink.deliveryCount++;
                sink.lastReceipt = Math.max(sink.lastReceipt, now);
            }
            if (++ch.received == size - 1) {
                bySeq.remove(seq);
                if (sink != null) {
                    sink.perChange.recordValue(Math.min(us, HIGHEST_US));
                    sink.completed++;
                }
                if (ch.timer >= 0) {
                    vertx.cancelTimer(ch.timer);
                }
                ch.done.tryComplete(true);
            }
        }

        private void fail(Change ch) {
            if (pending[ch.subject] == ch) {
                pending[ch.subject] = null;
                dnd[ch.subject] = !dnd[ch.subject];
            }
            if (ch.sink != null) {
                ch.sink.errors++;
            }
            ch.done.tryComplete(false);
        }

        /** Sends one change of {@code subject}'s status; {@code t0} is its intended send time. */
        Change send(int subject, int mode, long t0, Sink sink) {
            Change ch = new Change(subject, mode, t0, sink);
            if (sink != null) {
                sink.changes++;
                sink.firstSend = Math.min(sink.firstSend, t0);
            }
            pending[subject] = ch;
            String status = dnd[subject] ? "available" : "do_not_disturb";
            dnd[subject] = !dnd[subject];
            if (mode == MODE_REST) {
                http.call(HttpMethod.PUT, "/api/me/availability", org.members().get(subject).token(),
                        "{\"status\":\"" + status + "\"}").onComplete(ar -> {
                            if (ar.failed() || ar.result().status() != 200) {
                                fail(ch);
                            }
                        });
            } else {
                conns[subject].ws.writeTextMessage("{\"type\":\"set_availability\",\"id\":\"c" + (++commandId)
                        + "\",\"status\":\"" + status + "\"}");
            }
            return ch;
        }

        /** Drops a change that did not reach everyone in time. */
        void abandon(Change ch) {
            if (ch.done.future().isComplete()) {
                return;
            }
            if (ch.sink != null) {
                ch.sink.incomplete++;
            }
            if (pending[ch.subject] == ch) {
                pending[ch.subject] = null;
            }
            bySeq.values().removeIf(c -> c == ch);
            ch.done.tryComplete(false);
        }

        Future<Void> close() {
            List<Future<Void>> closes = new ArrayList<>();
            for (Conn c : conns) {
                if (c.ws != null && !c.ws.isClosed()) {
                    closes.add(c.ws.close());
                }
            }
            return Future.join(closes).otherwiseEmpty().compose(v -> client.close()).mapEmpty();
        }
    }

    /**
     * Connects every member. Members of orgs above {@code resumeAbove} resume at the current seq
     * instead of each downloading the whole org (a 10,000-member snapshot is ~2.5 MB; 10,000 of
     * them would measure snapshot transfer, not fan-out): the first socket takes the snapshot.
     */
    Session open(Roster.Org org, String localAddress, int resumeAbove) {
        Session s = new Session(org, localAddress);
        long t0 = System.nanoTime();
        Http.await(Http.parallel(vertx, 1, 1, i -> s.connect(0, null)));
        Http.await(Future.succeededFuture().compose(v -> waitFirst(s, 0)), 120);
        Long since = org.size() > resumeAbove ? s.conns[0].lastSeq : null;
        Http.await(Http.parallel(vertx, org.size() - 1, 256, i -> s.connect(i + 1, since)), 900);
        Http.await(s.allFirst.future(), 900);
        s.connectSeconds = (System.nanoTime() - t0) / 1e9;
        return s;
    }

    private Future<Void> waitFirst(Session s, int member) {
        Promise<Void> p = Promise.promise();
        long[] timer = new long[1];
        timer[0] = vertx.setPeriodic(2, id -> {
            if (s.conns[member].first) {
                vertx.cancelTimer(id);
                p.tryComplete();
            }
        });
        return p.future();
    }

    /**
     * Latency at no load: {@code warmup + count} changes one after the other, each sent once the
     * previous one reached every colleague, alternating REST and socket.
     */
    Sink sequential(Session s, int count, int warmup) {
        Sink sink = new Sink();
        Promise<Void> finished = Promise.promise();
        int[] i = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (i[0] == warmup + count) {
                finished.tryComplete();
                return;
            }
            int k = i[0]++;
            Change ch = s.send(k % s.size, k % 2 == 0 ? MODE_REST : MODE_SOCKET, System.nanoTime(), k >= warmup ? sink : null);
            ch.timer = vertx.setTimer(10_000, id -> s.abandon(ch));
            ch.done.future().onComplete(ar -> vertx.setTimer(1, id -> next[0].run()));
        };
        vertx.runOnContext(v -> next[0].run());
        Http.await(finished.future(), 3600);
        return sink;
    }

    /** One open-model step: {@code rate} changes/s for {@code seconds}, socket commands, round-robin subjects. */
    Sink step(Session s, double rate, double seconds) {
        Sink sink = new Sink();
        Promise<Void> finished = Promise.promise();
        long total = Math.max(1, Math.round(rate * seconds));
        long intervalNs = (long) (1e9 / rate);
        long start = System.nanoTime() + 20_000_000L;
        long[] k = {0};
        int[] cursor = {0};
        List<Change> sent = new ArrayList<>();
        vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (k[0] < total && start + k[0] * intervalNs <= now) {
                long intended = start + k[0] * intervalNs;
                k[0]++;
                int subject = -1;
                for (int tries = 0; tries < s.size; tries++) {
                    int c = cursor[0];
                    cursor[0] = (c + 1) % s.size;
                    if (s.pending[c] == null) {
                        subject = c;
                        break;
                    }
                }
                if (subject < 0) {
                    sink.errors++; // no idle member to change: counts as a failed change
                    continue;
                }
                sent.add(s.send(subject, MODE_SOCKET, intended, sink));
            }
            if (k[0] >= total) {
                vertx.cancelTimer(id);
                List<Future<Boolean>> all = new ArrayList<>();
                sent.forEach(c -> all.add(c.done.future()));
                long drainTimer = vertx.setTimer(10_000, t -> sent.forEach(c -> {
                    if (!c.done.future().isComplete()) {
                        s.abandon(c);
                    }
                }));
                Future.join(all).onComplete(ar -> {
                    vertx.cancelTimer(drainTimer);
                    finished.tryComplete();
                });
            }
        }));
        Http.await(finished.future(), 3600);
        return sink;
    }

    // --- reporting ---------------------------------------------------------------------------

    static JsonObject summary(Histogram h) {
        JsonObject o = new JsonObject().put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return o;
        }
        return o.put("p50Ms", ms(h.getValueAtPercentile(50))).put("p99Ms", ms(h.getValueAtPercentile(99)))
                .put("p999Ms", ms(h.getValueAtPercentile(99.9))).put("maxMs", ms(h.getMaxValue()))
                .put("meanMs", Math.round(h.getMean()) / 1000.0);
    }

    static double ms(long us) {
        return Math.round(us / 10.0) / 100.0;
    }

    static JsonObject latencyResult(Sink sink, Session s) {
        return new JsonObject().put("members", s.size).put("changes", sink.changes).put("completed", sink.completed)
                .put("incomplete", sink.incomplete).put("errors", sink.errors)
                .put("deliveries", summary(sink.deliveries))
                .put("rest", summary(sink.byMode[MODE_REST])).put("socket", summary(sink.byMode[MODE_SOCKET]))
                .put("allColleaguesReached", summary(sink.perChange))
                .put("resyncSnapshots", s.resyncs).put("untrackedEvents", s.untracked)
                .put("connectSeconds", Math.round(s.connectSeconds * 100) / 100.0);
    }

    /** Steps up the delivery rate on an open model until p99 exceeds {@code p99LimitMs}. */
    JsonObject sustained(Session s, List<Integer> deliveryRates, double stepSeconds, double p99LimitMs, StringBuilder log) {
        JsonArray steps = new JsonArray();
        long best = 0;
        JsonObject bestStep = null;
        int colleagues = s.size - 1;
        step(s, Math.max(1, 2000.0 / colleagues), 2); // warm-up
        for (int target : deliveryRates) {
            double rate = (double) target / colleagues;
            long[] c0 = cpu == null ? null : cpu.snap();
            Sink sink = step(s, rate, stepSeconds);
            JsonObject cpuUse = cpu == null ? null : Cpu.between(c0, cpu.snap());
            if (cpuUse != null && sink.deliveryCount > 0) {
                // CPU per delivery: comparable across runs even when the machine is shared
                cpuUse.put("serverMicrosPerDelivery", Math.round(cpuUse.getDouble("serverCores") * stepSeconds * 1e6 / sink.deliveryCount * 100) / 100.0);
            }
            double span = Math.max(stepSeconds, (sink.lastReceipt - sink.firstSend) / 1e9);
            double achieved = sink.deliveryCount / span;
            long p99us = sink.deliveries.getTotalCount() == 0 ? Long.MAX_VALUE : sink.deliveries.getValueAtPercentile(99);
            boolean complete = sink.incomplete == 0 && sink.errors == 0 && sink.completed == sink.changes;
            boolean pass = complete && p99us <= p99LimitMs * 1000 && achieved >= 0.9 * target;
            JsonObject o = new JsonObject().put("targetDeliveriesPerSec", target)
                    .put("changesPerSec", Math.round(rate * 100) / 100.0).put("achievedDeliveriesPerSec", Math.round(achieved))
                    .put("changes", sink.changes).put("incomplete", sink.incomplete).put("errors", sink.errors)
                    .put("latency", summary(sink.deliveries)).put("cpu", cpuUse).put("pass", pass);
            steps.add(o);
            log.append(String.format("    step %,9d deliveries/s (%.1f changes/s): achieved %,.0f/s p99 %s ms %s %s%n", target, rate,
                    achieved, p99us == Long.MAX_VALUE ? "-" : ms(p99us), cpuUse == null ? "" : cpuUse.encode(), pass ? "ok" : "FAIL"));
            System.out.print(log.substring(log.lastIndexOf("    step")));
            if (!pass) {
                break;
            }
            best = Math.round(achieved);
            bestStep = o;
            pause(1000);
        }
        return new JsonObject().put("members", s.size).put("stepSeconds", stepSeconds).put("p99LimitMs", p99LimitMs)
                .put("steps", steps).put("sustainedDeliveriesPerSec", best).put("bestStep", bestStep)
                .put("resyncSnapshots", s.resyncs);
    }

    /**
     * Waits (at most 15 s) until the server and its database use less than a tenth of a core over
     * 200 ms, so frames still queued after an overloaded step do not spill into the next measurement.
     */
    void settle() {
        if (cpu == null) {
            return;
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            long[] c0 = cpu.snap();
            pause(200);
            JsonObject use = Cpu.between(c0, cpu.snap());
            if (use.getDouble("serverCores") + use.getDouble("dbCores") < 0.1) {
                return;
            }
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
