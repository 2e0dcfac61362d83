package dev.switchboard.fuzz;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;

/**
 * A WebSocket client for fuzzing {@code /ws/presence}: sends raw frames exactly as given (one
 * frame, fragments, binary), keeps every text frame as received (not parsed), and records the
 * close code ({@code -1} when the connection ended without a close frame).
 */
final class FuzzSocket implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();

    final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason;
    private final WebSocketClient client;
    private final ClientWebSocket socket;

    private FuzzSocket(WebSocketClient client, ClientWebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(texts::add);
        socket.binaryMessageHandler(buffer -> texts.add("<binary " + buffer.length() + " bytes>"));
        socket.exceptionHandler(e -> { });
        socket.closeHandler(ignored -> {
            closeReason = socket.closeReason();
            closeCode.complete(socket.closeStatusCode() == null ? -1 : (int) socket.closeStatusCode());
        });
    }

    static FuzzSocket connect(URI base, String token) {
        WebSocketClient client = VERTX.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(8 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
        try {
            ClientWebSocket socket = client.webSocket();
            FuzzSocket result = new FuzzSocket(client, socket);
            try {
                socket.connect(new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI("/ws/presence")
                        .addHeader("Authorization", "Bearer " + token)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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
     * Vert.x 4.5 installs the handlers only once the upgrade completed: a close frame that came
     * first fails the connect ("WebSocket is closed") without running the close handler. The
     * upgrade did succeed, so record what the socket already holds.
     */
    private boolean closedDuringUpgrade() {
        try {
            if (!socket.isClosed()) {
                return false;
            }
        } catch (IllegalStateException notConnected) {
            return false;
        }
        closeReason = socket.closeReason();
        closeCode.complete(socket.closeStatusCode() == null ? -1 : (int) socket.closeStatusCode());
        return true;
    }

    /** One final text frame, whatever its size. */
    void text(String text) {
        socket.writeFrame(WebSocketFrame.textFrame(text, true));
    }

    /** A text message split into fragments of {@code fragment} characters. */
    void fragmented(String text, int fragment) {
        for (int at = 0; at < text.length(); at += fragment) {
            String part = text.substring(at, Math.min(text.length(), at + fragment));
            boolean last = at + fragment >= text.length();
            socket.writeFrame(at == 0 ? WebSocketFrame.textFrame(part, last) : WebSocketFrame.continuationFrame(Buffer.buffer(part), last));
        }
    }

    void binary(byte[] bytes) {
        socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(bytes), true));
    }

    boolean isClosed() {
        return socket.isClosed() || closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
        client.close();
    }
}
