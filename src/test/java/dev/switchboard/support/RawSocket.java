package dev.switchboard.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The tests' one WebSocket client, on the JDK's {@link WebSocket}: its listener is in place before
 * the handshake and sees {@code onOpen} before any message, so a frame that arrives with the 101
 * response is delivered like any other (Vert.x 4.5's {@code ClientWebSocket} attached its handlers
 * only after the upgrade completed and could lose such a frame). It hands whole messages, in
 * order, to its consumers, sends one frame at a time in call order, and reads only while not
 * paused: a paused client stops reading the TCP socket, so the server sees real back-pressure.
 */
public final class RawSocket implements AutoCloseable {

    /**
     * Per-socket choices. {@code receiveBufferBytes}: the kernel receive buffer of the connection
     * (0: the OS default); a small one makes a paused client push back on the server at once.
     */
    public record Options(int receiveBufferBytes) {
        public static final Options DEFAULTS = new Options(0);
    }

    private static final String RECEIVE_BUFFER_PROPERTY = "jdk.httpclient.receiveBufferSize";
    private static final Object RECEIVE_BUFFER_LOCK = new Object();
    private static final int ABNORMAL_CLOSURE = 1006;
    // One client for every socket: each WebSocket still gets its own connection.
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** How long a closing client waits for the server's close reply before dropping the connection. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** The server's close code; {@code -1} when the connection ended without a close frame. */
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason;
    /** What the client reported as failures (a frame it could not take in would show here). */
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Consumer<String> texts;
    private final Consumer<byte[]> binaries;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile WebSocket socket;
    private volatile Instant openedAt;
    private boolean paused;
    /** A message was handled while paused: one request(1) is owed on resume. */
    private boolean owed;
    /** The JDK allows one outstanding send: each one starts when the previous has finished. */
    private CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);

    private RawSocket(Consumer<String> texts, Consumer<byte[]> binaries) {
        this.texts = texts;
        this.binaries = binaries;
    }

    /**
     * Opens {@code uri} (ws://…) with these request headers and waits for the upgrade; every text
     * and binary message then goes to its consumer, on the client's thread. A server that closes
     * right after the upgrade gives an open client whose {@link #closeCode} completes.
     *
     * @throws IllegalStateException naming the status when the upgrade is refused
     */
    public static RawSocket open(URI uri, Map<String, String> headers, Duration wait, Options options, Consumer<String> texts,
            Consumer<byte[]> binaries) {
        RawSocket result = new RawSocket(texts, binaries);
        if (options.receiveBufferBytes() <= 0) {
            result.socket = await(uri, handshake(uri, headers, wait, result.new Listener()), wait);
            return result;
        }
        // The JDK client has no per-client socket options, but reads this property for every new
        // connection (HttpClientImpl#getReceiveBufferSize): set only while this one is made.
        synchronized (RECEIVE_BUFFER_LOCK) {
            System.setProperty(RECEIVE_BUFFER_PROPERTY, Integer.toString(options.receiveBufferBytes()));
            try {
                result.socket = await(uri, handshake(uri, headers, wait, result.new Listener()), wait);
            } finally {
                System.clearProperty(RECEIVE_BUFFER_PROPERTY);
            }
        }
        return result;
    }

    private static WebSocket await(URI uri, CompletableFuture<WebSocket> opening, Duration wait) {
        try {
            return opening.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not connect to " + uri + ": " + describe(e.getCause()), e.getCause());
        } catch (Exception e) {
            opening.thenAccept(WebSocket::abort); // should the upgrade still complete
            throw new IllegalStateException("could not connect to " + uri + ": " + e, e);
        }
    }

    /** The HTTP status of the upgrade: 101 when accepted (the socket is closed again), else the refusal's. */
    public static int upgradeStatus(URI uri, Map<String, String> headers, Duration wait) {
        CompletableFuture<WebSocket> opening = handshake(uri, headers, wait, new WebSocket.Listener() { });
        try {
            WebSocket accepted = opening.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            accepted.sendClose(WebSocket.NORMAL_CLOSURE, "");
            dropUnlessClosed(accepted);
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new IllegalStateException("upgrade of " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            opening.thenAccept(WebSocket::abort);
            throw new IllegalStateException("upgrade of " + uri + " failed: " + e, e);
        }
    }

    /** {@code ws://} on the test server's host and port: {@code path?query} (query null or empty: none). */
    public static URI uri(URI base, String path, String query) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + path + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /** The header of a bearer token (null: no header). */
    public static Map<String, String> bearer(String token) {
        return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
    }

    private static CompletableFuture<WebSocket> handshake(URI uri, Map<String, String> headers, Duration wait,
            WebSocket.Listener listener) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(wait);
        headers.forEach(builder::header);
        return builder.buildAsync(uri, listener);
    }

    private static String describe(Throwable failure) {
        return failure instanceof WebSocketHandshakeException refused ? "upgrade refused with " + refused.getResponse().statusCode()
                : String.valueOf(failure);
    }

    /** One text frame; {@code last} false: a fragment, continued by the next call. */
    public void sendText(String part, boolean last) {
        // As Vert.x did, and as a browser does: a lone surrogate goes out as '?' (the JDK would refuse the whole frame).
        String wire = new String(part.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        enqueue(ws -> ws.sendText(wire, last));
    }

    /** One text message as several frames of at most {@code fragmentSize} characters. */
    public void sendFragmented(String text, int fragmentSize) {
        for (int start = 0; start < text.length(); start += fragmentSize) {
            sendText(text.substring(start, Math.min(text.length(), start + fragmentSize)), start + fragmentSize >= text.length());
        }
    }

    public void sendBinary(byte[] bytes) {
        enqueue(ws -> ws.sendBinary(ByteBuffer.wrap(bytes), true));
    }

    private synchronized void enqueue(Function<WebSocket, CompletableFuture<WebSocket>> send) {
        sending = sending.thenCompose(ignored -> {
            CompletableFuture<WebSocket> sent;
            try {
                sent = send.apply(socket);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            return sent.handle((ok, failure) -> {
                if (failure != null) {
                    failures.add("send: " + failure);
                }
                return null;
            });
        });
    }

    /** Stops reading (the server's writes pile up in its queue and the kernel's buffers) / reads again. */
    public synchronized void pause() {
        paused = true;
    }

    public void resume() {
        boolean request;
        synchronized (this) {
            paused = false;
            request = owed;
            owed = false;
        }
        if (request) {
            socket.request(1);
        }
    }

    /** Asks for the next message unless paused; called once per message handled. */
    private void demand(WebSocket ws) {
        synchronized (this) {
            if (paused) {
                owed = true;
                return;
            }
        }
        ws.request(1);
    }

    public boolean isClosed() {
        WebSocket ws = socket;
        return closeCode.isDone() || ws != null && (ws.isInputClosed() || ws.isOutputClosed());
    }

    public String closeReason() {
        return closeReason;
    }

    /** When the socket opened, and what the client reported as failures: for a stalled test's message. */
    public String diagnostics() {
        synchronized (failures) {
            return "opened at " + openedAt + (failures.isEmpty() ? "" : "; client socket failures " + failures);
        }
    }

    /** Sends a normal close after whatever is being sent; drops the connection if the server does not answer. */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws == null || ws.isInputClosed() && ws.isOutputClosed()) {
            return;
        }
        resume(); // the server's close reply must be read for the connection to end
        if (!ws.isOutputClosed()) {
            enqueue(open -> open.isOutputClosed() ? CompletableFuture.completedFuture(open) : open.sendClose(WebSocket.NORMAL_CLOSURE, ""));
        }
        dropUnlessClosed(ws);
    }

    /** Aborts the connection if the server has not answered a close within the grace period. */
    private static void dropUnlessClosed(WebSocket ws) {
        CompletableFuture.delayedExecutor(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!ws.isInputClosed()) {
                ws.abort();
            }
        });
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket ws) {
            openedAt = Instant.now();
            demand(ws);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                deliver(() -> texts.accept(message));
            }
            demand(ws);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                byte[] message = binary.toByteArray();
                binary.reset();
                deliver(() -> binaries.accept(message));
            }
            demand(ws);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            demand(ws); // the JDK answers the pong itself
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            demand(ws);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeReason = reason;
            // The JDK reports a connection that ended without a close frame as 1006, a code no
            // close frame may carry (RFC 6455 7.4.1): -1 says "no close frame", as before.
            closeCode.complete(statusCode == ABNORMAL_CLOSURE ? -1 : statusCode);
            return null; // the JDK echoes the close at once
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            failures.add(error + " on " + Thread.currentThread().getName());
            closeCode.complete(-1);
        }

        private void deliver(Runnable handler) {
            try {
                handler.run();
            } catch (RuntimeException e) {
                failures.add("receiver: " + e);
            }
        }
    }
}
