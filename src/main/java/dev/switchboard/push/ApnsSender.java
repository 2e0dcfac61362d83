package dev.switchboard.push;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Apple Push Notification service, token-based, over HTTP/2: {@code POST {endpoint}/3/device/{token}}
 * with an ES256 provider token ({@code {alg: ES256, kid}.{iss: teamId, iat}}) that is reused for
 * every push and replaced after {@code switchboard.push.apns.token-refresh} (Apple: at most every
 * 20, at least every 60 minutes), or at once when APNs calls it expired.
 */
final class ApnsSender {

    private static final Logger LOG = Logger.getLogger(ApnsSender.class);
    static final Duration MIN_REFRESH = Duration.ofMinutes(20);
    static final Duration MAX_REFRESH = Duration.ofMinutes(60);

    private final WebClient client;
    private final String teamId;
    private final String keyId;
    private final PrivateKey key;
    private final String endpoint;
    private final String sandboxEndpoint;
    private final Duration refresh;
    private final long timeoutMillis;

    // guarded by this
    private String providerToken;
    private Instant issuedAt = Instant.EPOCH;

    ApnsSender(WebClient client, String teamId, String keyId, PrivateKey key, String endpoint, String sandboxEndpoint,
            Duration refresh, Duration timeout) {
        this.client = client;
        this.teamId = teamId;
        this.keyId = keyId;
        this.key = key;
        this.endpoint = FcmSender.trimSlash(endpoint);
        this.sandboxEndpoint = FcmSender.trimSlash(sandboxEndpoint);
        this.refresh = refresh;
        this.timeoutMillis = timeout.toMillis();
    }

    String describe() {
        return "APNs team " + teamId + ", key " + keyId + " at " + endpoint + " (sandbox " + sandboxEndpoint + ")";
    }

    Uni<PushResult> send(PushTarget target, PushMessage message) {
        boolean call = message.kind() == PushMessage.Kind.CALL;
        String token = providerToken();
        var request = client.postAbs((target.sandbox() ? sandboxEndpoint : endpoint) + "/3/device/" + target.token())
                .putHeader("authorization", "bearer " + token)
                .putHeader("apns-topic", call ? target.appId() + ".voip" : target.appId())
                .putHeader("apns-push-type", call ? "voip" : "alert")
                .putHeader("apns-priority", "10")
                .putHeader("apns-expiration", Long.toString(message.expiresAt().getEpochSecond()))
                .putHeader("content-type", "application/json")
                .timeout(timeoutMillis);
        if (message.collapseId() != null) {
            request.putHeader("apns-collapse-id", message.collapseId());
        }
        return request.sendBuffer(Buffer.buffer(payload(message).encode()))
                .map(response -> classify(token, response))
                .onFailure().recoverWithItem(failure -> new PushResult.Retry("APNs unreachable: " + failure, null));
    }

    static JsonObject payload(PushMessage message) {
        JsonObject aps = new JsonObject();
        if (message.title() != null) {
            aps.put("alert", new JsonObject().put("title", message.title()).put("body", message.body())).put("sound", "default");
        }
        JsonObject payload = new JsonObject().put("aps", aps);
        message.data().forEach(payload::put);
        return payload;
    }

    private PushResult classify(String token, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 200) {
            return new PushResult.Delivered();
        }
        String reason = reasonOf(response);
        String summary = "APNs " + status + " " + reason;
        if (status == 410 || status == 400 && "BadDeviceToken".equals(reason)) {
            return new PushResult.Stale(reason.isEmpty() ? "Unregistered" : reason);
        }
        if (status == 403 && "ExpiredProviderToken".equals(reason)) {
            expired(token);
            return new PushResult.Retry(summary, null);
        }
        if (status == 403 && "InvalidProviderToken".equals(reason)) {
            LOG.errorf("APNs refuses the provider token: check switchboard.push.apns.team-id/key-id/private-key");
            return new PushResult.Retry(summary, null);
        }
        if (status == 429 || status >= 500) {
            return new PushResult.Retry(summary, FcmSender.retryAfter(response));
        }
        return new PushResult.Failed(summary);
    }

    private static String reasonOf(HttpResponse<Buffer> response) {
        try {
            JsonObject body = response.bodyAsJsonObject();
            return body == null ? "" : body.getString("reason", "");
        } catch (RuntimeException notJson) {
            return "";
        }
    }

    /** The current provider token, signed anew when older than the refresh interval. */
    synchronized String providerToken() {
        Instant now = Instant.now();
        if (providerToken == null || !now.isBefore(issuedAt.plus(refresh))) {
            JsonObject header = new JsonObject().put("kid", keyId);
            JsonObject claims = new JsonObject().put("iss", teamId).put("iat", now.getEpochSecond());
            providerToken = Jws.es256(header, claims, key);
            issuedAt = now;
        }
        return providerToken;
    }

    private synchronized void expired(String rejected) {
        if (rejected.equals(providerToken)) {
            providerToken = null;
        }
    }
}
