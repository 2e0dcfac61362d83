package dev.switchboard.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

/**
 * One signed POST to a webhook's URL, on the Vert.x web client (never blocking): the address is
 * checked and resolved first ({@link WebhookAddresses}), the request goes to that address with the
 * URL's host as Host header and TLS name, and the response body is discarded unread (a receiver
 * cannot make us buffer anything). No redirects are followed. Never fails: every outcome is a
 * {@link Sent}.
 */
@ApplicationScoped
public class WebhookSender {

    /** The outcome of one request: {@code statusCode} null when none came back. */
    record Sent(Integer statusCode, String error, int durationMs, Duration retryAfter) {

        boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }

        String describe() {
            return error != null ? error : "HTTP " + statusCode;
        }
    }

    private final WebhookAddresses addresses;
    private final WebClient client;
    private final long timeoutMillis;

    public WebhookSender(Vertx vertx, WebhookAddresses addresses, SwitchboardConfig config) {
        this.addresses = addresses;
        this.timeoutMillis = config.webhooks().timeout().toMillis();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("switchboard-webhooks")
                .setFollowRedirects(false)
                .setKeepAlive(true)
                .setForceSni(true)
                .setVerifyHost(true)
                .setConnectTimeout((int) timeoutMillis)
                .setMaxPoolSize(4));
    }

    void stop(@Observes ShutdownEvent event) {
        client.close();
    }

    Uni<Sent> send(String url, String secret, String messageId, String body) {
        long started = System.nanoTime();
        return addresses.resolve(url).flatMap(target -> {
            long timestamp = Instant.now().getEpochSecond();
            return client.request(HttpMethod.POST, SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()),
                    target.port(), target.host(), target.pathAndQuery())
                    .ssl(target.https())
                    .timeout(timeoutMillis)
                    .putHeader("content-type", "application/json")
                    .putHeader("webhook-id", messageId)
                    .putHeader("webhook-timestamp", Long.toString(timestamp))
                    .putHeader("webhook-signature", WebhookSignature.sign(secret, messageId, timestamp, body))
                    .as(BodyCodec.none())
                    .sendBuffer(Buffer.buffer(body))
                    .map(response -> new Sent(response.statusCode(),
                            response.statusCode() >= 200 && response.statusCode() < 300 ? null : "HTTP " + response.statusCode(),
                            elapsed(started), retryAfter(response.getHeader("retry-after"))));
        })
                // the client's timeout counts idle time: this bounds a receiver that answers drop by drop
                .ifNoItem().after(Duration.ofMillis(timeoutMillis + 1000))
                .failWith(() -> new TimeoutException("no complete answer within " + timeoutMillis + " ms")).onFailure().recoverWithItem(failure -> new Sent(null, failure instanceof WebhookAddresses.Refused
                ? "refused: the URL " + failure.getMessage() : describe(failure), elapsed(started), null));
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName().replace("Exception", "") + (message == null ? "" : ": " + message);
    }

    private static int elapsed(long started) {
        return (int) Duration.ofNanos(System.nanoTime() - started).toMillis();
    }

    /** Seconds only (an HTTP date is rare from a receiver, and the backoff applies anyway). */
    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds > 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
