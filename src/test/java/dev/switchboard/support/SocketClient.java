package dev.switchboard.support;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

/**
 * A real WebSocket client (Vert.x, over loopback) that records every frame and the close code,
 * so tests can assert the protocol exactly as a browser or app would see it.
 */
public final class SocketClient implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    private static final String PRESENCE = "/ws/presence";
    private static final String PLATFORM_FEED = "/ws/platform";
    // Generous: a test machine running other builds can take seconds for a first frame; a frame that
    // never comes still fails, only later.
    private static final Duration WAIT = Duration.ofSeconds(20);

    public final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** The type of every frame received, in order: a stalled test says what did arrive. */
    private final List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
    /** What the client's socket reported as failures (a frame it could not take in would show here). */
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final WebSocket socket;
    private final WebSocketClient client;

    private SocketClient(WebSocketClient client, ClientWebSocket socket) {
        this.client = client;
        this.socket = socket;
        // Handlers go on before connecting: a server may close right after the upgrade.
        socket.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            received.add(frame.getString("type"));
            frames.add(frame);
        });
        socket.exceptionHandler(failure -> failures.add(failure.toString() + " on " + Thread.currentThread().getName()));
        socket.closeHandler(ignored -> closeCode.complete(socket.closeStatusCode() == null ? -1 : (int) socket.closeStatusCode()));
    }

    /** Opens {@code /ws/presence?query} with a bearer token (null: none). */
    public static SocketClient connect(URI base, String token, String query) {
        return connect(base, token, query, new WebSocketClientOptions().setMaxMessageSize(4 * 1024 * 1024));
    }

    public static SocketClient connect(URI base, String token, String query, WebSocketClientOptions options) {
        return connectTo(base, PRESENCE, token, query, options);
    }

    /** Opens the platform's line feed {@code /ws/platform} with a bearer token (null: none). */
    public static SocketClient platformFeed(URI base, String token) {
        return platformFeed(base, token, null);
    }

    /** {@code /ws/platform?query} (e.g. {@code ticket=…}). */
    public static SocketClient platformFeed(URI base, String token, String query) {
        return connectTo(base, PLATFORM_FEED, token, query, new WebSocketClientOptions().setMaxMessageSize(4 * 1024 * 1024));
    }

    private static SocketClient connectTo(URI base, String path, String token, String query, WebSocketClientOptions options) {
        WebSocketClient client = VERTX.createWebSocketClient(options.setMaxFrameSize(4 * 1024 * 1024));
        try {
            ClientWebSocket socket = client.webSocket();
            SocketClient result = new SocketClient(client, socket);
            try {
                socket.connect(connectOptions(base, path, token, query)).toCompletionStage().toCompletableFuture()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!result.closedDuringUpgrade()) {
                    throw e;
                }
            }
            return result;
        } catch (Exception e) {
            client.close();
            throw new IllegalStateException("could not connect: " + e, e);
        }
    }

    /**
     * Vert.x 4.5 installs the handlers given before {@code connect} only once the upgrade has
     * completed; when the server's close frame arrived first (a server that turns the socket away
     * at once, e.g. 4403), that fails the connect with "WebSocket is closed" and no close handler
     * runs. The upgrade did succeed, so record the close code the socket already holds.
     */
    private boolean closedDuringUpgrade() {
        try {
            if (!socket.isClosed()) {
                return false;
            }
        } catch (IllegalStateException notConnected) {
            return false; // the upgrade itself failed
        }
        Short code = socket.closeStatusCode();
        closeCode.complete(code == null ? -1 : (int) code);
        return true;
    }

    /** The HTTP status of a refused upgrade (e.g. 401). */
    public static int rejectedStatus(URI base, String token, String query) {
        return rejectedStatusOf(base, PRESENCE, token, query);
    }

    /** The HTTP status of a refused upgrade of {@code /ws/platform}. */
    public static int rejectedPlatformFeedStatus(URI base, String token) {
        return rejectedStatusOf(base, PLATFORM_FEED, token, null);
    }

    private static int rejectedStatusOf(URI base, String path, String token, String query) {
        WebSocketClient client = VERTX.createWebSocketClient();
        try {
            client.connect(connectOptions(base, path, token, query)).toCompletionStage().toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS).close();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            client.close();
        }
    }

    private static WebSocketConnectOptions connectOptions(URI base, String path, String token, String query) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                .setURI(path + (query == null || query.isEmpty() ? "" : "?" + query));
        if (token != null) {
            options.addHeader("Authorization", "Bearer " + token);
        }
        return options;
    }

    public void send(String text) {
        socket.writeTextMessage(text);
    }

    public void sendBinary(byte[] bytes) {
        socket.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(bytes));
    }

    /** One text message as several frames of at most {@code fragmentSize} characters. */
    public void sendFragmented(String text, int fragmentSize) {
        for (int start = 0; start < text.length(); start += fragmentSize) {
            String part = text.substring(start, Math.min(text.length(), start + fragmentSize));
            boolean last = start + fragmentSize >= text.length();
            socket.writeFrame(start == 0 ? WebSocketFrame.textFrame(part, last) : WebSocketFrame.continuationFrame(
                    io.vertx.core.buffer.Buffer.buffer(part), last));
        }
    }

    public void send(Map<String, Object> frame) {
        send(new JsonObject(frame).encode());
    }

    /** Stops reading from the socket (the server's writes pile up) / resumes. */
    public void pause() {
        socket.pause();
    }

    public void resume() {
        socket.resume();
    }

    /** The next frame, failing after a few seconds. */
    public JsonObject next() {
        try {
            JsonObject frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (frame == null) {
                // Say whether the server closed the socket meanwhile: that tells a refusal from a stall.
                throw new AssertionError("no frame within " + WAIT + (closeCode.isDone()
                        ? "; the socket was closed with " + closeCode.getNow(null) + " (" + socket.closeReason() + ")"
                        : "; the socket is still open") + "; received so far " + lastReceived()
                        + " (local address " + socket.localAddress() + ")");
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String lastReceived() {
        synchronized (received) {
            int from = Math.max(0, received.size() - 20);
            return received.size() + " frames" + (received.isEmpty() ? "" : ", the last " + received.subList(from, received.size()))
                    + (failures.isEmpty() ? "" : "; client socket failures " + failures);
        }
    }

    /** Skips frames until one matches; answers it. */
    public JsonObject next(Predicate<JsonObject> wanted) {
        while (true) {
            JsonObject frame = next();
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    public JsonObject next(String type) {
        return next(frame -> type.equals(frame.getString("type")));
    }

    /**
     * The first frame of each type, in whichever order they arrive (frames outside the org
     * sequence, like {@code me}, are not ordered against org events); skips other frames.
     */
    public Map<String, JsonObject> nextOfEach(String... types) {
        Map<String, JsonObject> found = new HashMap<>();
        Set<String> wanted = Set.of(types);
        while (found.size() < wanted.size()) {
            JsonObject frame = next();
            String type = frame.getString("type");
            if (wanted.contains(type)) {
                found.putIfAbsent(type, frame);
            }
        }
        return found;
    }

    /**
     * Holds for the whole {@code window} that no frame matching {@code unwanted} arrives; frames
     * read meanwhile are consumed.
     */
    public void assertNoneFor(Duration window, Predicate<JsonObject> unwanted) {
        List<JsonObject> seen = new ArrayList<>();
        Awaitility.await().during(window).atMost(window.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            frames.drainTo(seen);
            return seen.stream().noneMatch(unwanted);
        });
    }

    /** Everything received so far, without waiting. */
    public List<JsonObject> drain() {
        List<JsonObject> all = new ArrayList<>();
        frames.drainTo(all);
        return all;
    }

    public int awaitClose() {
        try {
            return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("socket not closed within " + WAIT, e);
        }
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
        client.close();
    }
}
