package dev.switchboard.presence;

import java.util.concurrent.Executor;

/**
 * One socket as {@link PeerSync} sees it: frames written in call order, and the event loop that
 * owns the socket, where everything about the socket happens. {@link SocketWire} in production; a
 * test can stand in for the socket without a network or Quarkus.
 */
interface Wire {

    /** The socket's event loop: a task given to it runs after every task given before (sockets are grouped by it). */
    Executor loop();

    /** Runs {@code task} on the socket's event loop: at once when already there, else queued on it. */
    void execute(Runnable task);

    /** A text frame. */
    void text(String text);

    /** An org event: a text frame wrapping its already encoded bytes. */
    void encoded(StoredEvent event);

    /** Set once: runs on the socket's event loop after each write is done (written or failed). */
    void onWritten(Runnable written);

    void close(int code, String reason);
}
