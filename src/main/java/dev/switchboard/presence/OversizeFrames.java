package dev.switchboard.presence;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * A single frame above quarkus.websockets-next.server.max-frame-size is refused by Netty's frame
 * decoder before Vert.x sees it, and Vert.x (4.5, which turns off Netty's own close on protocol
 * violations) then drops the TCP connection without a close frame. On presence socket upgrades
 * this puts a handler in front of Vert.x's that answers such a frame the way every other oversize
 * message is answered: close 1009. Messages up to the frame size reach PresenceSocket (1009 too).
 *
 * <p>Uses Vert.x internals ({@link ConnectionBase#channel()}, the pipeline's "handler" name): if
 * they are not there, nothing is installed and such a frame just drops the connection.
 */
@ApplicationScoped
public class OversizeFrames {

    private static final Logger LOG = Logger.getLogger(OversizeFrames.class);
    private static final String VERTX_HANDLER = "handler";
    private static final String NAME = "switchboard-oversize-frames";
    /** Before the request ids (10 000) does not matter; ahead of the socket's upgrade route does. */
    private static final int PRIORITY = 9_000;
    /** How long a client that was sent 1009 may take to close its end before the connection is dropped. */
    private static final long CLIENT_CLOSE_WAIT_SECONDS = 10;

    void register(@Observes Filters filters) {
        filters.register(OversizeFrames::install, PRIORITY);
    }

    static void install(RoutingContext context) {
        if (PresenceSocket.PATH.equals(context.normalizedPath())
                && "websocket".equalsIgnoreCase(context.request().getHeader("Upgrade"))) {
            HttpConnection connection = context.request().connection();
            if (connection instanceof ConnectionBase base) {
                ChannelPipeline pipeline = base.channel().pipeline();
                if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
                    pipeline.addBefore(VERTX_HANDLER, NAME, new CloseWith1009());
                }
            }
        }
        context.next();
    }

    static final class CloseWith1009 extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof CorruptedWebSocketFrameException corrupted
                    && corrupted.closeStatus() != null
                    && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
                LOG.debugf("Presence socket frame too large: %s", cause.getMessage());
                // Ended from here, below Vert.x. A channel.close() would pass Vert.x's handler,
                // which starts a close handshake of its own and waits for the client's answer;
                // the decoder (which now discards every byte) never lets that answer through, so
                // the socket would count as open, against its user's limit, for Vert.x's closing
                // timeout (10 s) and then end with 1006. Instead the server ends its side after the
                // close frame, keeps reading (and discarding) what the client still sends, so that
                // it sees no reset, and the connection ends as soon as the client closes its side.
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "frame too large"))
                        .addListener(written -> endAfterClient(ctx, written.isSuccess()));
                return;
            }
            ctx.fireExceptionCaught(cause);
        }

        private static void endAfterClient(ChannelHandlerContext ctx, boolean closeFrameWritten) {
            if (closeFrameWritten && ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), CLIENT_CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } else {
                ctx.close();
            }
        }
    }
}
