package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A client process holding a share of the idle connections (one process may hold at most ~20,000
 * files, and each uses its own source address 127.0.0.x). Driven over stdin/stdout, one JSON line
 * per answer: {@code connect C}, {@code reconnect C} (with {@code since}), {@code close}, {@code quit}.
 */
public final class Worker {

    private static final class Conn {
        final String token;
        WebSocket ws;
        long lastSeq = -1;
        long started;

        Conn(String token) {
            this.token = token;
        }
    }

    private final Vertx vertx;
    private final WebSocketClient client;
    private final int port;
    private final List<Conn> conns = new ArrayList<>();

    private Worker(Vertx vertx, int port, String localAddress) {
        this.vertx = vertx;
        this.port = port;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                .setMaxFrameSize(8 * 1024 * 1024).setMaxMessageSize(64 * 1024 * 1024).setConnectTimeout(60_000)
                .setLocalAddress(localAddress));
    }

    public static void main(String[] args) throws Exception {
        Opts opts = new Opts(args);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(false)
                .setBlockedThreadCheckInterval(60_000));
        Worker w = new Worker(vertx, opts.integer("port", 8181), opts.str("local", "127.0.0.1"));
        for (String token : Files.readAllLines(Path.of(opts.str("tokens", "tokens.txt")))) {
            if (!token.isBlank()) {
                w.conns.add(new Conn(token.trim()));
            }
        }
        System.out.println(new JsonObject().put("event", "ready").put("connections", w.conns.size()).encode());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split("\\s+");
            JsonObject answer = switch (cmd[0]) {
                case "connect" -> w.connect(Integer.parseInt(cmd[1]), false);
                case "reconnect" -> w.connect(Integer.parseInt(cmd[1]), true);
                case "close" -> w.closeAll();
                case "quit" -> null;
                default -> new JsonObject().put("event", "error").put("message", "unknown command " + cmd[0]);
            };
            if (answer == null) {
                break;
            }
            System.out.println(answer.encode());
            System.out.flush();
        }
        vertx.close();
        System.exit(0);
    }

    /** Opens every connection, at most {@code concurrency} upgrades in flight; answers when all have their first frame. */
    private JsonObject connect(int concurrency, boolean resume) throws Exception {
        CompletableFuture<JsonObject> result = new CompletableFuture<>();
        Histogram latency = Fanout.histogram();
        int n = conns.size();
        int[] next = {0}, done = {0}, failed = {0}, snapshots = {0}, resumed = {0};
        JsonArray errors = new JsonArray();
        long start = System.nanoTime();
        Runnable[] launch = new Runnable[1];
        Runnable finish = () -> {
            if (++done[0] == n) {
                result.complete(new JsonObject().put("event", resume ? "reconnected" : "connected").put("ok", n - failed[0])
                        .put("failed", failed[0]).put("snapshots", snapshots[0]).put("resumed", resumed[0])
                        .put("start", start).put("end", System.nanoTime()).put("errors", errors)
                        .put("latency", encode(latency)));
            } else {
                launch[0].run();
            }
        };
        launch[0] = () -> {
            if (next[0] >= n) {
                return;
            }
            Conn c = conns.get(next[0]++);
            c.started = System.nanoTime();
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/ws/presence" + (resume && c.lastSeq >= 0 ? "?since=" + c.lastSeq : ""))
                    .addHeader("Authorization", "Bearer " + c.token).setTimeout(120_000);
            // Handlers go on before connecting: a first frame that arrives with the 101 is not lost.
            ClientWebSocket ws = client.webSocket();
            boolean[] first = {false}, over = {false};
            Consumer<String> end = error -> {
                if (over[0]) {
                    return;
                }
                over[0] = true;
                if (error != null) {
                    failed[0]++;
                    if (errors.size() < 5) {
                        errors.add(error);
                    }
                }
                finish.run();
            };
            long watchdog = vertx.setTimer(120_000, id -> end.accept("no first frame within 120 s"));
            ws.exceptionHandler(e -> { });
            ws.frameHandler(frame -> {
                if (frame.isContinuation() || !frame.isText()) {
                    return;
                }
                var b = frame.binaryData();
                char type = Wire.type(b);
                if (type == Wire.SNAPSHOT || type == Wire.RESUMED || type == Wire.PRESENCE || type == Wire.COLLEAGUE) {
                    c.lastSeq = Wire.seq(b);
                }
                if (!first[0] && (type == Wire.SNAPSHOT || type == Wire.RESUMED)) {
                    first[0] = true;
                    vertx.cancelTimer(watchdog);
                    latency.recordValue(Math.min((System.nanoTime() - c.started) / 1000, 100_000_000L));
                    if (type == Wire.SNAPSHOT) {
                        snapshots[0]++;
                    } else {
                        resumed[0]++;
                    }
                    end.accept(null);
                }
            });
            ws.closeHandler(v -> {
                if (!first[0]) { // closed before its first frame: a refusal after the upgrade
                    vertx.cancelTimer(watchdog);
                    end.accept("closed before first frame: " + ws.closeStatusCode() + " " + ws.closeReason());
                }
            });
            ws.connect(options).onComplete(ar -> {
                if (ar.failed()) {
                    vertx.cancelTimer(watchdog);
                    end.accept(String.valueOf(ar.cause()));
                } else {
                    c.ws = ws;
                }
            });
        };
        vertx.runOnContext(v -> {
            if (n == 0) {
                result.complete(new JsonObject().put("event", "connected").put("ok", 0).put("failed", 0));
                return;
            }
            for (int i = 0; i < Math.min(concurrency, n); i++) {
                launch[0].run();
            }
        });
        return result.get();
    }

    private JsonObject closeAll() throws Exception {
        CompletableFuture<JsonObject> result = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            long start = System.nanoTime();
            List<Future<Void>> closing = new ArrayList<>();
            for (Conn c : conns) {
                if (c.ws != null && !c.ws.isClosed()) {
                    closing.add(c.ws.close());
                }
            }
            Future.join(closing).onComplete(ar -> result.complete(new JsonObject().put("event", "closed")
                    .put("closed", closing.size()).put("start", start).put("end", System.nanoTime())));
        });
        return result.get();
    }

    static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), len));
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
