package dev.switchboard.push;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Firebase Cloud Messaging, HTTP v1 API: {@code POST {endpoint}/v1/projects/{projectId}/messages:send}
 * with an OAuth2 access token. The token comes from the service account: an RS256-signed JWT
 * assertion exchanged at the token endpoint (grant type jwt-bearer), cached until shortly before
 * it expires, fetched once at a time however many pushes wait for it.
 */
final class FcmSender {

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    private static final Logger LOG = Logger.getLogger(FcmSender.class);
    private static final String FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";

    /** What the service-account key file provides. */
    record ServiceAccount(String projectId, String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri) {

        static ServiceAccount parse(String json) {
            JsonObject file;
            try {
                file = new JsonObject(json);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the FCM service account is not valid JSON");
            }
            String email = file.getString("client_email");
            String key = file.getString("private_key");
            if (email == null || key == null) {
                throw new IllegalArgumentException("the FCM service account lacks client_email or private_key");
            }
            return new ServiceAccount(file.getString("project_id"), email, file.getString("private_key_id"),
                    Jws.privateKey(key, "RSA"), file.getString("token_uri"));
        }
    }

    private final WebClient client;
    private final ServiceAccount account;
    private final String projectId;
    private final String sendUrl;
    private final String tokenUrl;
    private final long timeoutMillis;

    // guarded by this
    private String accessToken;
    private Instant accessTokenExpires = Instant.EPOCH;
    private Uni<String> fetching;

    FcmSender(WebClient client, ServiceAccount account, String projectId, String endpoint, String tokenUrl, Duration timeout) {
        this.client = client;
        this.account = account;
        this.projectId = projectId;
        this.sendUrl = trimSlash(endpoint) + "/v1/projects/" + projectId + "/messages:send";
        this.tokenUrl = tokenUrl;
        this.timeoutMillis = timeout.toMillis();
    }

    String projectId() {
        return projectId;
    }

    String describe() {
        return "FCM project " + projectId + " at " + sendUrl + " (token endpoint " + tokenUrl + ")";
    }

    Uni<PushResult> send(PushTarget target, PushMessage message) {
        JsonObject body = new JsonObject().put("message", message(target, message));
        return accessToken().flatMap(token -> client.postAbs(sendUrl)
                .putHeader("Authorization", "Bearer " + token)
                .putHeader("Content-Type", "application/json; charset=UTF-8")
                .timeout(timeoutMillis)
                .sendBuffer(Buffer.buffer(body.encode()))
                .map(response -> classify(token, response)))
                .onFailure().recoverWithItem(failure -> new PushResult.Retry("FCM unreachable: " + failure, null));
    }

    static JsonObject message(PushTarget target, PushMessage message) {
        JsonObject data = new JsonObject();
        message.data().forEach(data::put);
        long ttl = Math.max(0, Duration.between(Instant.now(), message.expiresAt()).toSeconds());
        JsonObject android = new JsonObject().put("priority", "HIGH").put("ttl", ttl + "s");
        if (message.collapseId() != null) {
            android.put("collapse_key", message.collapseId());
        }
        JsonObject result = new JsonObject().put("token", target.token()).put("data", data).put("android", android);
        if (message.title() != null) {
            result.put("notification", new JsonObject().put("title", message.title()).put("body", message.body()));
        }
        return result;
    }

    private PushResult classify(String token, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 200) {
            return new PushResult.Delivered();
        }
        JsonObject error = errorOf(response);
        String errorCode = fcmErrorCode(error);
        String summary = "FCM " + status + " " + (errorCode != null ? errorCode : error.getString("status", ""))
                + (error.getString("message") != null ? ": " + error.getString("message") : "");
        if (status == 404 && ("UNREGISTERED".equals(errorCode) || "NOT_FOUND".equals(error.getString("status")))) {
            return new PushResult.Stale("UNREGISTERED");
        }
        // The same 400 INVALID_ARGUMENT also means a bad payload; only the FcmError detail without
        // a field violation elsewhere than the token says the token itself is invalid.
        if (status == 400 && "INVALID_ARGUMENT".equals(errorCode) && onlyTokenViolations(error)) {
            return new PushResult.Stale("INVALID_ARGUMENT (registration token)");
        }
        if (status == 401) {
            forget(token);
            return new PushResult.Retry(summary, null);
        }
        if (status == 429 || status >= 500) {
            return new PushResult.Retry(summary, retryAfter(response));
        }
        return new PushResult.Failed(summary);
    }

    private static JsonObject errorOf(HttpResponse<Buffer> response) {
        try {
            JsonObject body = response.bodyAsJsonObject();
            JsonObject error = body == null ? null : body.getJsonObject("error");
            return error == null ? new JsonObject() : error;
        } catch (RuntimeException notJson) {
            return new JsonObject();
        }
    }

    private static String fcmErrorCode(JsonObject error) {
        JsonArray details = error.getJsonArray("details", new JsonArray());
        for (Object detail : details) {
            if (detail instanceof JsonObject d && FCM_ERROR.equals(d.getString("@type"))) {
                return d.getString("errorCode");
            }
        }
        return null;
    }

    private static boolean onlyTokenViolations(JsonObject error) {
        for (Object detail : error.getJsonArray("details", new JsonArray())) {
            if (detail instanceof JsonObject d && BAD_REQUEST.equals(d.getString("@type"))) {
                for (Object violation : d.getJsonArray("fieldViolations", new JsonArray())) {
                    if (violation instanceof JsonObject v && !"message.token".equals(v.getString("field"))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    // --- OAuth2 access token -----------------------------------------------------------------------

    synchronized Uni<String> accessToken() {
        if (accessToken != null && Instant.now().isBefore(accessTokenExpires.minusSeconds(60))) {
            return Uni.createFrom().item(accessToken);
        }
        if (fetching == null) {
            fetching = fetchAccessToken()
                    .onItemOrFailure().invoke((token, failure) -> {
                        synchronized (this) {
                            fetching = null;
                        }
                    })
                    .memoize().indefinitely();
        }
        return fetching;
    }

    private synchronized void forget(String rejected) {
        if (rejected.equals(accessToken)) {
            accessToken = null;
        }
    }

    private Uni<String> fetchAccessToken() {
        long now = Instant.now().getEpochSecond();
        JsonObject header = new JsonObject().put("typ", "JWT");
        if (account.privateKeyId() != null) {
            header.put("kid", account.privateKeyId());
        }
        JsonObject claims = new JsonObject().put("iss", account.clientEmail()).put("scope", SCOPE).put("aud", tokenUrl)
                .put("iat", now).put("exp", now + 3600);
        String assertion = Jws.rs256(header, claims, account.privateKey());
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
                .add("assertion", assertion);
        return client.postAbs(tokenUrl).timeout(timeoutMillis).sendForm(form).map(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + response.statusCode() + " " + response.bodyAsString());
            }
            JsonObject token = response.bodyAsJsonObject();
            String value = token.getString("access_token");
            if (value == null) {
                throw new IllegalStateException("token endpoint answered no access_token");
            }
            long expiresIn = token.getLong("expires_in", 3600L);
            synchronized (this) {
                accessToken = value;
                accessTokenExpires = Instant.now().plusSeconds(expiresIn);
            }
            LOG.debugf("FCM access token obtained, valid for %d s", expiresIn);
            return value;
        });
    }

    static Duration retryAfter(HttpResponse<Buffer> response) {
        String value = response.getHeader("Retry-After");
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException httpDate) {
            return null;
        }
    }

    static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
