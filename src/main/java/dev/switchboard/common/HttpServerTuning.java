package dev.switchboard.common;

import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Optional kernel socket send buffer for every connection. A smaller buffer bounds the memory a
 * stalled WebSocket client can pin in the kernel and makes the hub's own per-socket queue limit
 * (switchboard.ws.max-queued-frames) take effect sooner. Unset: the OS default.
 */
@ApplicationScoped
public class HttpServerTuning implements HttpServerOptionsCustomizer {

    private final OptionalInt sendBufferBytes;

    public HttpServerTuning(SwitchboardConfig config) {
        this.sendBufferBytes = config.http().sendBufferBytes();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        sendBufferBytes.ifPresent(options::setSendBufferSize);
    }
}
