package dev.switchboard.presence;

import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.quarkus.websockets.next.runtime.config.WebSocketsServerRuntimeConfig;
import io.vertx.core.http.HttpServerOptions;

/**
 * The presence socket is a plain Vert.x WebSocket ({@link PresenceSocket}), so the frame and message
 * limits of quarkus.websockets-next.server.* are set on the HTTP server here; Vert.x enforces them
 * (a larger message fails the socket, which PresenceSocket answers with 1009).
 */
@Singleton
@Unremovable
public class SocketLimits implements HttpServerOptionsCustomizer {

    private final WebSocketsServerRuntimeConfig config;

    public SocketLimits(WebSocketsServerRuntimeConfig config) {
        this.config = config;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        customize(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        customize(options);
    }

    private void customize(HttpServerOptions options) {
        config.maxMessageSize().ifPresent(options::setMaxWebSocketMessageSize);
        config.maxFrameSize().ifPresent(options::setMaxWebSocketFrameSize);
    }
}
