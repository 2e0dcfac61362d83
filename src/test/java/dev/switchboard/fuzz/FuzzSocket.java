package dev.switchboard.fuzz;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import dev.switchboard.support.RawSocket;

/**
 * A WebSocket client for fuzzing {@code /ws/presence}: sends raw frames exactly as given (one
 * frame, fragments, binary), keeps every text frame as received (not parsed), and records the
 * close code ({@code -1} when the connection ended without a close frame).
 */
final class FuzzSocket implements AutoCloseable {

    final LinkedBlockingQueue<String> texts;
    final CompletableFuture<Integer> closeCode;
    private final RawSocket socket;

    private FuzzSocket(RawSocket socket, LinkedBlockingQueue<String> texts) {
        this.socket = socket;
        this.texts = texts;
        this.closeCode = socket.closeCode;
    }

    static FuzzSocket connect(URI base, String token) {
        LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        RawSocket socket = RawSocket.open(RawSocket.uri(base, "/ws/presence", null), RawSocket.bearer(token), Duration.ofSeconds(10),
                RawSocket.Options.DEFAULTS, texts::add, binary -> texts.add("<binary " + binary.length + " bytes>"));
        return new FuzzSocket(socket, texts);
    }

    /** The reason the server gave with its close frame (null: none yet). */
    String closeReason() {
        return socket.closeReason();
    }

    /** One final text frame, whatever its size. */
    void text(String text) {
        socket.sendText(text, true);
    }

    /** A text message split into fragments of {@code fragment} characters. */
    void fragmented(String text, int fragment) {
        socket.sendFragmented(text, fragment);
    }

    void binary(byte[] bytes) {
        socket.sendBinary(bytes);
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        socket.close();
    }
}
