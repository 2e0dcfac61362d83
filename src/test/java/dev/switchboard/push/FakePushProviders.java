package dev.switchboard.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;

/**
 * A local stand-in for Google's OAuth token endpoint, FCM HTTP v1 and APNs: one HTTPS server with a
 * certificate made for this run (keytool), speaking HTTP/2 via ALPN (and HTTP/1.1 as fallback, which
 * the APNs routes refuse, as Apple does). It checks what the real services check — the service
 * account's RS256 assertion (signature, iss, scope, aud, iat/exp), the OAuth bearer on every send,
 * the ES256 provider token (signature, kid, iss, iat), the APNs headers and the payload shapes — and
 * answers like them. Tests script per-token answers (unregistered, invalid) and outages.
 *
 * <p>Started by Quarkus as a test resource; the running instance is {@link #current()}.
 */
public class FakePushProviders implements QuarkusTestResourceLifecycleManager {

    public static final String PROJECT_ID = "switchboard-test";
    public static final String CLIENT_EMAIL = "push@switchboard-test.iam.gserviceaccount.com";
    public static final String PRIVATE_KEY_ID = "fake-key-1";
    public static final String TEAM_ID = "TEAM123456";
    public static final String KEY_ID = "KEY1234567";
    private static final String STORE_PASSWORD = "fake-provider";
    private static final Pattern FCM_SEND = Pattern.compile("^/v1/projects/([^/]+)/messages:send$");
    private static final Pattern APNS_SEND = Pattern.compile("^(/sandbox)?/3/device/([^/]+)$");

    private static volatile FakePushProviders current;

    /** One request as the fake saw it, and how it answered. */
    public record Received(String provider, String token, boolean sandbox, int status, HttpVersion version,
            Map<String, String> headers, JsonObject body, Instant at) {

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        /** FCM: message.data; APNs: the top-level payload. */
        public JsonObject data() {
            return "fcm".equals(provider) ? body.getJsonObject("message").getJsonObject("data") : body;
        }
    }

    public enum Answer {
        OK, UNREGISTERED, INVALID_TOKEN, SERVER_ERROR
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    /** Violations of the providers' rules by the service; every test asserts this stays empty. */
    public final List<String> problems = new CopyOnWriteArrayList<>();
    public final AtomicInteger tokenRequests = new AtomicInteger();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    /** Sends are refused with 503 before this instant. */
    private volatile Instant outageUntil = Instant.MIN;

    private Vertx vertx;
    private HttpServer server;
    private Path dir;
    private KeyPair serviceAccount;
    private KeyPair apnsKey;
    private String base;

    public static FakePushProviders current() {
        return current;
    }

    // --- scripting ------------------------------------------------------------------------------

    public void answer(String deviceToken, Answer answer) {
        answers.put(deviceToken, answer);
    }

    /**
     * Every send (not the token endpoint) answers 503 from now until {@code length} has passed;
     * then the providers are back by themselves. Answers when the outage ends: a send answered
     * 200 was checked at or after that instant.
     */
    public Instant outageFor(Duration length) {
        Instant until = Instant.now().plus(length);
        outageUntil = until;
        return until;
    }

    /** Ends an outage now (tests reset the fake with it). */
    public void endOutage() {
        outageUntil = Instant.MIN;
    }

    private boolean down() {
        return Instant.now().isBefore(outageUntil);
    }

    public List<Received> to(String deviceToken) {
        return received.stream().filter(r -> deviceToken.equals(r.token())).toList();
    }

    public List<Received> where(Predicate<Received> filter) {
        return received.stream().filter(filter).toList();
    }

    // --- lifecycle --------------------------------------------------------------------------------

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("fake-push");
            Path keystore = dir.resolve("tls.p12");
            Path ca = dir.resolve("ca.pem");
            keytool("-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "fake", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                    "-file", ca.toString());

            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            serviceAccount = rsa.generateKeyPair();
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            apnsKey = ec.generateKeyPair();

            vertx = Vertx.vertx();
            server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setUseAlpn(true).setHost("127.0.0.1").setPort(0)
                    .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword(STORE_PASSWORD)))
                    .requestHandler(this::handle);
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            base = "https://localhost:" + server.actualPort();

            Path accountFile = dir.resolve("service-account.json");
            Files.writeString(accountFile, new JsonObject().put("type", "service_account").put("project_id", PROJECT_ID)
                    .put("private_key_id", PRIVATE_KEY_ID).put("private_key", pem(serviceAccount.getPrivate().getEncoded()))
                    .put("client_email", CLIENT_EMAIL).put("token_uri", base + "/token").encodePrettily());
            Path p8 = dir.resolve("AuthKey_" + KEY_ID + ".p8");
            Files.writeString(p8, pem(apnsKey.getPrivate().getEncoded()));

            current = this;
            Map<String, String> config = new HashMap<>();
            config.put("switchboard.push.tls.trust-certificate-file", ca.toString());
            config.put("switchboard.push.fcm.service-account-file", accountFile.toString());
            config.put("switchboard.push.fcm.endpoint", base);
            config.put("switchboard.push.apns.team-id", TEAM_ID);
            config.put("switchboard.push.apns.key-id", KEY_ID);
            config.put("switchboard.push.apns.private-key-file", p8.toString());
            config.put("switchboard.push.apns.endpoint", base);
            config.put("switchboard.push.apns.sandbox-endpoint", base + "/sandbox");
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the fake push providers: " + e, e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            try {
                String path = request.path();
                Matcher fcm = FCM_SEND.matcher(path);
                Matcher apns = APNS_SEND.matcher(path);
                if (path.equals("/token")) {
                    token(request, body);
                } else if (fcm.matches()) {
                    fcm(request, fcm.group(1), body);
                } else if (apns.matches()) {
                    apns(request, apns.group(1) != null, apns.group(2), body);
                } else {
                    problem("unknown path " + request.method() + " " + path);
                    request.response().setStatusCode(404).end();
                }
            } catch (RuntimeException e) {
                problem("fake failed on " + request.path() + ": " + e);
                request.response().setStatusCode(500).end();
            }
        });
    }

    // --- Google OAuth 2.0 token endpoint ----------------------------------------------------------

    private void token(HttpServerRequest request, Buffer body) {
        tokenRequests.incrementAndGet();
        Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
        String failure = null;
        if (!"POST".equals(request.method().name())) {
            failure = "token endpoint needs POST";
        } else if (!String.valueOf(request.getHeader("content-type")).startsWith("application/x-www-form-urlencoded")) {
            failure = "token request must be a form";
        } else if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            failure = "grant_type must be jwt-bearer, was " + form.get("grant_type");
        } else {
            failure = checkJwt(form.get("assertion"), "RS256", serviceAccount.getPublic(), (header, claims) -> {
                long now = Instant.now().getEpochSecond();
                if (!PRIVATE_KEY_ID.equals(header.getString("kid"))) {
                    return "assertion kid " + header.getString("kid");
                }
                if (!CLIENT_EMAIL.equals(claims.getString("iss"))) {
                    return "assertion iss " + claims.getString("iss");
                }
                if (!String.valueOf(claims.getString("scope")).contains("https://www.googleapis.com/auth/firebase.messaging")) {
                    return "assertion scope " + claims.getString("scope");
                }
                if (!(base + "/token").equals(claims.getString("aud"))) {
                    return "assertion aud " + claims.getString("aud");
                }
                Long iat = claims.getLong("iat");
                Long exp = claims.getLong("exp");
                if (iat == null || exp == null || iat > now + 60 || exp <= now || exp - iat > 3600) {
                    return "assertion iat/exp " + iat + "/" + exp;
                }
                return null;
            });
        }
        if (failure != null) {
            problem(failure);
            json(request, 400, new JsonObject().put("error", "invalid_grant").put("error_description", failure));
            return;
        }
        String accessToken = "ya29.fake-" + UUID.randomUUID();
        accessTokens.put(accessToken, Instant.now().plusSeconds(3599));
        json(request, 200, new JsonObject().put("access_token", accessToken).put("expires_in", 3599).put("token_type", "Bearer"));
    }

    // --- FCM HTTP v1 --------------------------------------------------------------------------------

    private void fcm(HttpServerRequest request, String project, Buffer body) {
        JsonObject json = parse(body);
        JsonObject message = json == null ? null : json.getJsonObject("message");
        String deviceToken = message == null ? null : message.getString("token");
        String auth = String.valueOf(request.getHeader("authorization"));
        String bearer = auth.startsWith("Bearer ") ? auth.substring(7) : null;
        Instant validUntil = bearer == null ? null : accessTokens.get(bearer);
        int status;
        JsonObject answer;
        if (!PROJECT_ID.equals(project)) {
            status = 404;
            answer = fcmError(404, "NOT_FOUND", "Requested entity was not found.", null);
            problem("FCM project " + project);
        } else if (validUntil == null || validUntil.isBefore(Instant.now())) {
            status = 401;
            answer = fcmError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", null);
            problem("FCM bearer " + auth);
        } else if (message == null || deviceToken == null) {
            status = 400;
            answer = badRequest("message.token", "a message with a token is required");
            problem("FCM body " + body);
        } else if (fcmShape(message) != null) {
            status = 400;
            answer = badRequest("message", fcmShape(message));
            problem("FCM payload: " + fcmShape(message));
        } else if (down()) {
            status = 503;
            answer = fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE");
        } else {
            switch (answers.getOrDefault(deviceToken, Answer.OK)) {
                case UNREGISTERED -> {
                    status = 404;
                    answer = fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
                }
                case INVALID_TOKEN -> {
                    status = 400;
                    answer = fcmError(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token",
                            "INVALID_ARGUMENT");
                }
                case SERVER_ERROR -> {
                    status = 500;
                    answer = fcmError(500, "INTERNAL", "Internal error.", "INTERNAL");
                }
                default -> {
                    status = 200;
                    answer = new JsonObject().put("name", "projects/" + PROJECT_ID + "/messages/" + UUID.randomUUID());
                }
            }
        }
        record(request, "fcm", deviceToken, false, status, json);
        json(request, status, answer);
    }

    /** What FCM's schema would refuse in what we send. */
    private static String fcmShape(JsonObject message) {
        JsonObject data = message.getJsonObject("data");
        if (data != null) {
            for (Map.Entry<String, Object> entry : data) {
                if (!(entry.getValue() instanceof String)) {
                    return "data." + entry.getKey() + " must be a string";
                }
            }
        }
        JsonObject android = message.getJsonObject("android");
        if (android != null) {
            String priority = android.getString("priority");
            if (priority != null && !Set.of("NORMAL", "HIGH", "normal", "high").contains(priority)) {
                return "android.priority " + priority;
            }
            String ttl = android.getString("ttl");
            if (ttl != null && !ttl.matches("^\\d+(\\.\\d{1,9})?s$")) {
                return "android.ttl " + ttl;
            }
        }
        for (String key : message.fieldNames()) {
            if (!Set.of("token", "data", "notification", "android", "apns", "webpush", "fcm_options", "name").contains(key)) {
                return "unknown field message." + key;
            }
        }
        return null;
    }

    private static JsonObject fcmError(int code, String status, String message, String errorCode) {
        JsonObject error = new JsonObject().put("code", code).put("message", message).put("status", status);
        if (errorCode != null) {
            error.put("details", new JsonArray().add(new JsonObject()
                    .put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError").put("errorCode", errorCode)));
        }
        return new JsonObject().put("error", error);
    }

    private static JsonObject badRequest(String field, String description) {
        return new JsonObject().put("error", new JsonObject().put("code", 400).put("message", description)
                .put("status", "INVALID_ARGUMENT").put("details", new JsonArray().add(new JsonObject()
                        .put("@type", "type.googleapis.com/google.rpc.BadRequest")
                        .put("fieldViolations", new JsonArray().add(new JsonObject().put("field", field).put("description", description))))));
    }

    // --- APNs ---------------------------------------------------------------------------------------

    private void apns(HttpServerRequest request, boolean sandbox, String deviceToken, Buffer body) {
        JsonObject json = parse(body);
        String failure = apnsRequestProblem(request, json, body);
        int status;
        JsonObject answer = null;
        if (request.version() != HttpVersion.HTTP_2) {
            status = 505;
            failure = "APNs needs HTTP/2, got " + request.version();
        } else if (failure != null && failure.startsWith("token:")) {
            status = 403;
            answer = new JsonObject().put("reason", failure.contains("expired") ? "ExpiredProviderToken" : "InvalidProviderToken");
        } else if (failure != null) {
            status = 400;
            answer = new JsonObject().put("reason", failure.substring(0, failure.indexOf(':')));
        } else if (down()) {
            status = 503;
            answer = new JsonObject().put("reason", "ServiceUnavailable");
        } else if (wrongTopicFor(deviceToken, request.getHeader("apns-push-type"))) {
            status = 400;
            answer = new JsonObject().put("reason", "DeviceTokenNotForTopic");
            failure = "DeviceTokenNotForTopic: " + request.getHeader("apns-push-type") + " push to token " + deviceToken;
        } else {
            switch (answers.getOrDefault(deviceToken, Answer.OK)) {
                case UNREGISTERED -> {
                    status = 410;
                    answer = new JsonObject().put("reason", "Unregistered").put("timestamp", System.currentTimeMillis());
                }
                case INVALID_TOKEN -> {
                    status = 400;
                    answer = new JsonObject().put("reason", "BadDeviceToken");
                }
                case SERVER_ERROR -> {
                    status = 500;
                    answer = new JsonObject().put("reason", "InternalServerError");
                }
                default -> status = 200;
            }
        }
        if (failure != null) {
            problem(failure);
        }
        record(request, "apns", deviceToken, sandbox, status, json);
        request.response().putHeader("apns-id", UUID.randomUUID().toString());
        if (answer == null) {
            request.response().setStatusCode(status).end();
        } else {
            json(request, status, answer);
        }
    }

    /**
     * A PushKit VoIP token only takes voip pushes and an ordinary token only the others; the tests'
     * tokens say which they are by their first hex digits ({@code f0f0} VoIP, {@code a1e7} alert).
     */
    private static boolean wrongTopicFor(String deviceToken, String pushType) {
        return deviceToken.startsWith("f0f0") && !"voip".equals(pushType) || deviceToken.startsWith("a1e7") && "voip".equals(pushType);
    }

    /** "Reason: detail" as APNs would refuse it, or null. */
    private String apnsRequestProblem(HttpServerRequest request, JsonObject json, Buffer body) {
        String auth = String.valueOf(request.getHeader("authorization"));
        if (!auth.startsWith("bearer ")) {
            return "token: MissingProviderToken " + auth;
        }
        String tokenProblem = checkJwt(auth.substring(7), "ES256", apnsKey.getPublic(), (header, claims) -> {
            long now = Instant.now().getEpochSecond();
            if (!KEY_ID.equals(header.getString("kid"))) {
                return "kid " + header.getString("kid");
            }
            if (!TEAM_ID.equals(claims.getString("iss"))) {
                return "iss " + claims.getString("iss");
            }
            Long iat = claims.getLong("iat");
            if (iat == null || iat > now + 60) {
                return "iat " + iat;
            }
            if (iat < now - 3600) {
                return "expired iat " + iat;
            }
            return null;
        });
        if (tokenProblem != null) {
            return "token: " + tokenProblem;
        }
        String type = request.getHeader("apns-push-type");
        String topic = request.getHeader("apns-topic");
        if (!Set.of("alert", "voip").contains(String.valueOf(type))) {
            return "InvalidPushType: " + type;
        }
        if (topic == null || topic.isBlank()) {
            return "MissingTopic: no apns-topic";
        }
        if ("voip".equals(type) != topic.endsWith(".voip")) {
            return "TopicDisallowed: " + type + " push to topic " + topic;
        }
        if (!"10".equals(request.getHeader("apns-priority"))) {
            return "BadPriority: " + request.getHeader("apns-priority");
        }
        String expiration = request.getHeader("apns-expiration");
        if (expiration == null || !expiration.matches("^\\d+$")) {
            return "BadExpirationDate: " + expiration;
        }
        String collapse = request.getHeader("apns-collapse-id");
        if (collapse != null && collapse.getBytes(StandardCharsets.UTF_8).length > 64) {
            return "BadCollapseId: " + collapse;
        }
        if (json == null || json.getJsonObject("aps") == null) {
            return "PayloadEmpty: no aps dictionary in " + body;
        }
        if (body.length() > ("voip".equals(type) ? 5120 : 4096)) {
            return "PayloadTooLarge: " + body.length();
        }
        if ("alert".equals(type) && json.getJsonObject("aps").getJsonObject("alert") == null) {
            return "BadPayload: alert push without aps.alert";
        }
        return null;
    }

    // --- helpers ----------------------------------------------------------------------------------

    private interface ClaimsCheck {
        String check(JsonObject header, JsonObject claims);
    }

    /** Verifies a compact JWS (alg, signature) and then the claims; answers a problem or null. */
    private static String checkJwt(String jwt, String alg, PublicKey key, ClaimsCheck check) {
        if (jwt == null) {
            return "no JWT";
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return "not a compact JWS";
        }
        try {
            Base64.Decoder url = Base64.getUrlDecoder();
            JsonObject header = new JsonObject(new String(url.decode(parts[0]), StandardCharsets.UTF_8));
            JsonObject claims = new JsonObject(new String(url.decode(parts[1]), StandardCharsets.UTF_8));
            if (!alg.equals(header.getString("alg"))) {
                return "alg " + header.getString("alg");
            }
            Signature verifier = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(url.decode(parts[2]))) {
                return "bad signature";
            }
            return check.check(header, claims);
        } catch (GeneralSecurityException | RuntimeException e) {
            return "unreadable JWT: " + e;
        }
    }

    private void record(HttpServerRequest request, String provider, String token, boolean sandbox, int status, JsonObject body) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(entry -> headers.put(entry.getKey().toLowerCase(), entry.getValue()));
        received.add(new Received(provider, token, sandbox, status, request.version(), Map.copyOf(headers),
                body == null ? new JsonObject() : body, Instant.now()));
    }

    private void problem(String text) {
        problems.add(text);
    }

    private static JsonObject parse(Buffer body) {
        try {
            return body.length() == 0 ? null : new JsonObject(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void json(HttpServerRequest request, int status, JsonObject body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8").end(body.encode());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path keytool = javaHome.resolve("bin").resolve("keytool");
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(keytool) ? keytool.toString() : "keytool");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new UncheckedIOException(new IOException("keytool failed: " + output));
        }
    }
}
