package dev.switchboard.support;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import io.vertx.core.json.JsonObject;

/**
 * A real WebSocket client (over loopback, see {@link RawSocket}) that records every frame and the
 * close code, so tests can assert the protocol exactly as a browser or app would see it.
 */
public final class SocketClient implements AutoCloseable {

    private static final String PRESENCE = "/ws/presence";
    private static final String PLATFORM_FEED = "/ws/platform";
    // Generous: a test machine running other builds can take seconds for a first frame; a frame that
    // never comes still fails, only later.
    private static final Duration WAIT = Duration.ofSeconds(20);

    public final LinkedBlockingQueue<JsonObject> frames;
    /** The server's close code; {@code -1} when the connection ended without a close frame. */
    public final CompletableFuture<Integer> closeCode;
    /** The type of every frame received, in order: a stalled test says what did arrive. */
    private final List<String> received;
    private final RawSocket socket;

    private SocketClient(RawSocket socket, LinkedBlockingQueue<JsonObject> frames, List<String> received) {
        this.socket = socket;
        this.frames = frames;
        this.received = received;
        this.closeCode = socket.closeCode;
    }

    /** Opens {@code /ws/presence?query} with a bearer token (null: none). */
    public static SocketClient connect(URI base, String token, String query) {
        return connect(base, token, query, RawSocket.Options.DEFAULTS);
    }

    public static SocketClient connect(URI base, String token, String query, RawSocket.Options options) {
        return connectTo(base, PRESENCE, token, query, options);
    }

    /** Opens {@code /ws/presence?query} with a bearer token and further upgrade headers (e.g. {@code Accept-Language}). */
    public static SocketClient connect(URI base, String token, String query, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(RawSocket.bearer(token));
        all.putAll(headers);
        return connectTo(base, PRESENCE, all, query, RawSocket.Options.DEFAULTS);
    }

    /** Opens the platform's line feed {@code /ws/platform} with a bearer token (null: none). */
    public static SocketClient platformFeed(URI base, String token) {
        return platformFeed(base, token, null);
    }

    /** {@code /ws/platform?query} (e.g. {@code ticket=…}). */
    public static SocketClient platformFeed(URI base, String token, String query) {
        return connectTo(base, PLATFORM_FEED, token, query, RawSocket.Options.DEFAULTS);
    }

    private static SocketClient connectTo(URI base, String path, String token, String query, RawSocket.Options options) {
        return connectTo(base, path, RawSocket.bearer(token), query, options);
    }

    private static SocketClient connectTo(URI base, String path, Map<String, String> headers, String query, RawSocket.Options options) {
        LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        RawSocket socket = RawSocket.open(RawSocket.uri(base, path, query), headers, WAIT, options, text -> {
            JsonObject frame = new JsonObject(text);
            received.add(frame.getString("type"));
            frames.add(frame);
        }, binary -> received.add("<binary " + binary.length + " bytes>"));
        return new SocketClient(socket, frames, received);
    }

    /** The HTTP status of a refused upgrade (e.g. 401). */
    public static int rejectedStatus(URI base, String token, String query) {
        return RawSocket.upgradeStatus(RawSocket.uri(base, PRESENCE, query), RawSocket.bearer(token), WAIT);
    }

    /** The HTTP status of a refused upgrade of {@code /ws/platform}. */
    public static int rejectedPlatformFeedStatus(URI base, String token) {
        return RawSocket.upgradeStatus(RawSocket.uri(base, PLATFORM_FEED, null), RawSocket.bearer(token), WAIT);
    }

    public void send(String text) {
        socket.sendText(text, true);
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(bytes);
    }

    /** One text message as several frames of at most {@code fragmentSize} characters. */
    public void sendFragmented(String text, int fragmentSize) {
        socket.sendFragmented(text, fragmentSize);
    }

    public void send(Map<String, Object> frame) {
        send(new JsonObject(frame).encode());
    }

    /** Stops reading from the socket (the server's writes pile up, TCP pushes back) / resumes. */
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
                        : "; the socket is still open") + "; received so far " + lastReceived() + "; " + socket.diagnostics());
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
            return received.size() + " frames" + (received.isEmpty() ? "" : ", the last " + received.subList(from, received.size()));
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
        socket.close();
    }
}
