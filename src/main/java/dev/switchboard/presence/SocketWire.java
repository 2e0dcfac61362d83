package dev.switchboard.presence;

import java.util.concurrent.Executor;

import io.netty.channel.EventLoop;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.impl.ContextInternal;

/**
 * Writes frames to one presence socket, the Vert.x {@link ServerWebSocket} itself.
 * <p>
 * The fan-out writes the same org event to every socket of an org: the event is encoded once
 * ({@link StoredEvent#utf8()}) and each socket gets a text frame wrapping those same bytes, with
 * one completion callback per socket and no other allocation. Vert.x keeps a socket's writes in
 * call order even across threads.
 */
final class SocketWire implements Wire {

    private final ServerWebSocket socket;
    /** The event loop that owns the socket, or null when unknown (then a lock stands in for it). */
    private final EventLoop eventLoop;
    private final Executor loop;
    /** One completion callback for every write of this socket, not one per write. */
    private Handler<AsyncResult<Void>> done = ignored -> { };

    private SocketWire(ServerWebSocket socket, EventLoop eventLoop) {
        this.socket = socket;
        this.eventLoop = eventLoop;
        this.loop = eventLoop != null ? eventLoop : this::locked;
    }

    /** Called on the socket's own context (its upgrade), so the event loop is known. */
    static SocketWire of(ServerWebSocket socket) {
        Context context = Vertx.currentContext();
        EventLoop loop = context instanceof ContextInternal internal && context.isEventLoopContext()
                ? internal.nettyEventLoop()
                : null;
        return new SocketWire(socket, loop);
    }

    /**
     * Another wire on the same socket and event loop, with its own completion callback: a platform
     * feed socket has one {@link PeerSync} per subscribed org, each counting its own writes.
     */
    SocketWire sibling() {
        return new SocketWire(socket, eventLoop);
    }

    @Override
    public Executor loop() {
        return loop;
    }

    @Override
    public void execute(Runnable task) {
        if (eventLoop == null) {
            locked(task);
        } else if (eventLoop.inEventLoop()) {
            task.run();
        } else {
            eventLoop.execute(task);
        }
    }

    private synchronized void locked(Runnable task) {
        task.run();
    }

    @Override
    public void onWritten(Runnable written) {
        this.done = ignored -> execute(written);
    }

    @Override
    public void text(String text) {
        socket.writeTextMessage(text, done);
    }

    @Override
    public void encoded(StoredEvent event) {
        socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, event.utf8(), true), done);
    }

    @Override
    public void close(int code, String reason) {
        if (!socket.isClosed()) {
            socket.close((short) code, reason);
        }
    }

    /** A server ping (keeps proxies from idling the socket out); the client's pong is not awaited. */
    void ping() {
        if (!socket.isClosed()) {
            socket.writePing(Buffer.buffer(0));
        }
    }
}
