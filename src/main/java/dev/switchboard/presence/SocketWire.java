package dev.switchboard.presence;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.netty.channel.EventLoop;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.impl.ContextInternal;

/**
 * Writes frames to one presence socket, below websockets-next's {@code sendText}.
 * <p>
 * The fan-out writes the same org event to every socket of an org. Through {@code sendText(String)}
 * each of those writes builds a Mutiny {@code Uni}, a {@code CompletionStage} and re-encodes the
 * String to UTF-8; here the event is encoded once ({@link StoredEvent#utf8()}) and each socket gets
 * a text frame wrapping those same bytes, with one completion callback and no other allocation.
 * websockets-next exposes the Vert.x socket only package-privately, so it is looked up once by
 * method handle; if a future Quarkus moves it, every socket falls back to {@code sendText} (and
 * {@code SocketWireTest} fails, so the regression is noticed). Traffic logging and
 * websockets-next's send metrics do not see these frames.
 * <p>
 * All writes of a socket — these and any made through websockets-next — go through the same
 * Vert.x socket, which keeps them in call order even across threads.
 */
@RegisterForReflection(classNames = SocketWire.CONNECTION_BASE, methods = true, fields = false)
final class SocketWire implements Wire {

    static final String CONNECTION_BASE = "io.quarkus.websockets.next.runtime.WebSocketConnectionBase";
    private static final Logger LOG = Logger.getLogger(SocketWire.class);
    private static final MethodHandle WEB_SOCKET = webSocketAccessor();

    private final WebSocketConnection connection;
    private final WebSocketBase socket;
    /** The event loop that owns the socket, or null when unknown (then a lock stands in for it). */
    private final EventLoop eventLoop;
    private final Executor loop;
    /** One completion callback for every write of this socket, not one per write. */
    private Handler<AsyncResult<Void>> done = ignored -> { };

    private SocketWire(WebSocketConnection connection, WebSocketBase socket, EventLoop eventLoop) {
        this.connection = connection;
        this.socket = socket;
        this.eventLoop = eventLoop;
        this.loop = eventLoop != null ? eventLoop : this::locked;
    }

    /** Called on the socket's own context (e.g. in {@code @OnOpen}), so the event loop is known. */
    static SocketWire of(WebSocketConnection connection) {
        Context context = Vertx.currentContext();
        EventLoop loop = context instanceof ContextInternal internal && context.isEventLoopContext()
                ? internal.nettyEventLoop()
                : null;
        return new SocketWire(connection, rawSocket(connection), loop);
    }

    /** Whether frames bypass websockets-next (false only if its internals changed). */
    static boolean direct() {
        return WEB_SOCKET != null;
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
        if (socket != null) {
            socket.writeTextMessage(text, done);
        } else {
            connection.sendText(text).subscribe().with(ok -> done.handle(null), failure -> done.handle(null));
        }
    }

    @Override
    public void encoded(StoredEvent event) {
        if (socket != null) {
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, event.utf8(), true), done);
        } else {
            text(event.text());
        }
    }

    @Override
    public void close(int code, String reason) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> { }, failure -> { });
        }
    }

    private static WebSocketBase rawSocket(WebSocketConnection connection) {
        if (WEB_SOCKET == null) {
            return null;
        }
        try {
            return (WebSocketBase) WEB_SOCKET.invoke(connection);
        } catch (Throwable e) {
            LOG.debugf("No direct socket access for %s: %s", connection.getClass().getName(), e);
            return null;
        }
    }

    private static MethodHandle webSocketAccessor() {
        try {
            Class<?> base = Class.forName(CONNECTION_BASE, false, WebSocketConnection.class.getClassLoader());
            return MethodHandles.privateLookupIn(base, MethodHandles.lookup())
                    .findVirtual(base, "webSocket", MethodType.methodType(WebSocketBase.class))
                    .asType(MethodType.methodType(Object.class, WebSocketConnection.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warnf("Presence fan-out falls back to sendText (no direct socket access: %s)", e.toString());
            return null;
        }
    }
}
