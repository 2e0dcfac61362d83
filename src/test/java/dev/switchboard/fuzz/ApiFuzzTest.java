package dev.switchboard.fuzz;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.fuzz.RequestGenerator.Case;
import dev.switchboard.fuzz.RequestGenerator.Fixture;
import dev.switchboard.support.ErrorLogCapture;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import dev.switchboard.support.TestApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;

/**
 * Fuzzes every operation of the service's own OpenAPI document with malformed requests (wrong
 * types, huge, empty and control-character strings, deep nesting, out-of-range numbers and dates,
 * unknown and missing fields, wrong content types, odd paths and query strings, bad credentials),
 * sent with tokens of the roles the operation names, and real ids so bodies are validated deeply.
 *
 * <p>Every answer must be below 500; every 4xx with a body must be {@code application/problem+json}
 * whose {@code status} is the HTTP status and which names no implementation type; a 413 must carry
 * that body too. Requests the API must refuse (control characters, strings over their bound, dates
 * over a year ahead, JSON bodies over 64 KiB, which get 413) must not succeed. No ERROR may be
 * logged, and the service must be ready at the end. All broken checks are collected and reported
 * together with the seed.
 *
 * <p>Reproduce: {@code -Dfuzz.seed=<seed>} (the whole run), add {@code -Dfuzz.case=<n>} for one
 * case; {@code -Dfuzz.requests=<n>} changes the number of cases (default 10,400).
 */
@QuarkusTest
class ApiFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IN_FLIGHT = 8;
    private static final int BATCH = 400;
    private static final List<String> IMPLEMENTATION_NAMES = List.of("dev.switchboard", "java.lang", "java.util", "java.time",
            "com.fasterxml", "io.vertx", "io.quarkus", "io.smallrye", "org.hibernate", "org.jboss", "Exception", "\tat ");

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource(value = "openapi", management = true)
    String managementOpenApi;

    @TestHTTPResource(value = "health/ready", management = true)
    String managementReady;

    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private Member admin;
    private Member user;
    private HttpClient http;

    @Test
    void malformedRequestsGetProblemAnswersAndNeverBreakTheService() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime() ^ System.currentTimeMillis());
        Integer onlyCase = Integer.getInteger("fuzz.case");
        int total = onlyCase != null ? 1 : Integer.getInteger("fuzz.requests", 10_400);
        System.out.println("[fuzz] REST fuzz seed=" + seed + " (reproduce: -Dfuzz.seed=" + seed + ")");
        Findings findings = new Findings(seed, "-Dfuzz.seed=" + seed + " [-Dfuzz.case=<n>] -Dtest=ApiFuzzTest");

        OpenApi api = OpenApi.locate(management(managementOpenApi), base);
        assertThat(api.operations).as("operations in the OpenAPI document").isNotEmpty();
        Fixture fixture = fixture();
        RequestGenerator generator = new RequestGenerator(seed, api, fixture);

        ExecutorService executor = Executors.newFixedThreadPool(4);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(executor).followRedirects(HttpClient.Redirect.NEVER).build();
        Map<String, AtomicInteger> byStatus = new TreeMap<>();
        Map<String, AtomicInteger> byOperation = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        long started = System.nanoTime();
        try (ErrorLogCapture errors = ErrorLogCapture.install()) {
            Semaphore slots = new Semaphore(IN_FLIGHT);
            for (int from = 0; from < total; from += BATCH) {
                List<CompletableFuture<Void>> batch = new ArrayList<>();
                for (int i = from; i < Math.min(total, from + BATCH); i++) {
                    Case c = generator.generate(onlyCase != null ? onlyCase : i);
                    slots.acquire();
                    batch.add(send(c).handle((answer, failure) -> {
                        slots.release();
                        sent.incrementAndGet();
                        byOperation.computeIfAbsent(c.operation(), k -> new AtomicInteger()).incrementAndGet();
                        String klass = failure != null ? "no answer" : (answer.statusCode() / 100) + "xx";
                        synchronized (byStatus) {
                            byStatus.computeIfAbsent(klass, k -> new AtomicInteger()).incrementAndGet();
                        }
                        check(c, answer, failure, findings);
                        return null;
                    }));
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
                keepTokensValid();
            }
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            System.out.printf(Locale.ROOT, "[fuzz] REST: %d requests over %d operations in %d ms; by status class %s%n",
                    sent.get(), byOperation.size(), millis, byStatus);
            System.out.println("[fuzz] REST requests per operation: " + new TreeMap<>(byOperation));
            checkReady(findings);
            errors.describeAll().forEach(e -> findings.add("ERROR logged during the fuzz run", e.getKey(), e.getValue()));
        } finally {
            executor.shutdownNow();
        }

        report("rest", seed, findings);
        if (onlyCase == null) {
            assertThat(sent.get()).as("requests sent (seed=%d)", seed).isGreaterThanOrEqualTo(10_000);
            assertThat(byOperation.keySet()).as("every documented operation was fuzzed (seed=%d)", seed)
                    .hasSize(api.operations.size());
        }
        assertThat(findings.isEmpty()).as("seed=%d%n%s", seed, findings.summary(30_000)).isTrue();
    }

    // --- sending -------------------------------------------------------------------------------

    private CompletableFuture<HttpResponse<byte[]>> send(Case c) {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + c.target()))
                    .timeout(Duration.ofSeconds(30));
            HttpRequest.BodyPublisher publisher = c.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : c.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()))
                    : HttpRequest.BodyPublishers.ofByteArray(c.body());
            builder.method(c.method(), publisher);
            c.headers().forEach(builder::header);
            String authorization = authorization(c);
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            request = builder.build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("test could not build the request: " + e.getMessage(), e));
        }
        // A connection the server closed after an earlier answer may be picked from the pool just
        // then; only a request that gets no answer twice counts as unanswered.
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((answer, failure) -> failure == null ? CompletableFuture.completedFuture(answer)
                        : http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()))
                .thenCompose(f -> f);
    }

    private String authorization(Case c) {
        if (c.rawAuthorization() != null) {
            if (c.rawAuthorization().startsWith("TOKEN:")) {
                return "Bearer " + tokens.get(c.rawAuthorization().substring(6));
            }
            return c.rawAuthorization();
        }
        return c.role() == null ? null : "Bearer " + tokens.get(c.role());
    }

    // --- checks --------------------------------------------------------------------------------

    private void check(Case c, HttpResponse<byte[]> answer, Throwable failure, Findings findings) {
        if (failure != null) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof IllegalArgumentException && String.valueOf(cause.getMessage()).startsWith("test could not")) {
                findings.add("TEST BUG: request could not be built", c.describe() + " → " + cause.getMessage());
                return;
            }
            if (c.body() != null && c.body().length > 10 * 1024 * 1024) {
                // The HTTP layer refuses such a body by closing the connection while it is being sent.
                findings.add("body over 10 MiB: connection closed before an answer could be read (a problem+json 413 expected)",
                        c.operation(), c.describe() + " → " + cause);
                return;
            }
            findings.add("no HTTP answer (" + cause.getClass().getSimpleName() + ", also when sent again)", c.operation(),
                    c.describe() + " → " + cause);
            return;
        }
        int status = answer.statusCode();
        String contentType = answer.headers().firstValue("Content-Type").orElse("");
        byte[] body = answer.body() == null ? new byte[0] : answer.body();
        String text = new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8);
        String shown = c.describe() + " → " + status + " " + contentType + " " + RequestGenerator.abbreviate(text, 300);
        if (status >= 500) {
            findings.add("5xx: " + status + (body.length == 0 ? " with an empty body" : ""), c.operation(), shown);
        }
        if (status >= 400 && status < 500) {
            boolean head = c.method().equals("HEAD");
            if (body.length == 0 && !head && status == 413) {
                findings.add("413 without a problem+json body", c.operation(), shown);
            } else if (body.length > 0) {
                if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
                    findings.add("4xx not application/problem+json: " + status + " '" + contentType.split(";")[0] + "'",
                            c.operation(), shown);
                } else {
                    checkProblem(c, status, body, shown, findings);
                }
            }
        }
        if (status >= 200 && status < 300 && !c.mustRefuse().isEmpty()) {
            findings.add("accepted (2xx) although it must be refused: " + category(c.mustRefuse().get(0)), c.operation(),
                    shown + " — must refuse: " + c.mustRefuse());
        }
        // Authentication, routing, content negotiation, an over-long request line or headers, and a
        // path or query that is refused by itself may be judged before the body.
        boolean targetRefused = c.mutations().stream().anyMatch(m -> m.startsWith("path ") || m.startsWith("query "))
                && status == 400;
        if (c.bodyOverLimit() && !targetRefused && !Set.of(401, 403, 404, 405, 406, 413, 414, 415, 431).contains(status)
                && status < 500) {
            findings.add("JSON body over 64 KiB answered " + status + " instead of 413", c.operation(), shown);
        }
    }

    private static void checkProblem(Case c, int status, byte[] body, String shown, Findings findings) {
        JsonNode problem;
        try {
            problem = JSON.readTree(body);
        } catch (IOException e) {
            findings.add("problem+json body is not JSON (" + status + ")", c.operation(), shown);
            return;
        }
        if (problem == null || !problem.path("status").isInt() || problem.path("status").asInt() != status) {
            findings.add("problem 'status' differs from the HTTP status " + status, c.operation(), shown);
        }
        String text = problem == null ? "" : problem.toString();
        for (String name : IMPLEMENTATION_NAMES) {
            if (text.contains(name)) {
                findings.add("problem names an implementation type ('" + name.trim() + "')", c.operation(), shown);
                break;
            }
        }
    }

    /** The kind of rule, without the case's numbers and field: "control characters in a string". */
    private static String category(String reason) {
        return reason.replaceAll("\\(.*\\)$", "").replaceAll(" U\\+[0-9A-F]{4}", "").replaceAll("[0-9]+", "N")
                .replaceAll(" outside \\[.*", " outside the allowed values").trim();
    }

    private void checkReady(Findings findings) throws InterruptedException {
        List<String> tried = new ArrayList<>();
        for (String url : new String[] { management(managementReady), base.resolve("/q/health/ready").toString() }) {
            if (url == null) {
                continue;
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
                tried.add(url + " → " + ready.statusCode() + " " + ready.body());
                if (ready.statusCode() == 503) {
                    break;
                }
            } catch (IOException e) {
                tried.add(url + " → " + e);
            }
        }
        findings.add("service not ready after the fuzz run", String.join("; ", tried));
    }

    /**
     * The management URL when this application has a management interface, else null: without one,
     * the URL's port (9001 by default) may belong to another test JVM on the machine.
     */
    private static String management(String url) {
        boolean enabled = ConfigProvider.getConfig().getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false);
        return enabled ? url : null;
    }

    private static void report(String name, long seed, Findings findings) throws IOException {
        if (findings.isEmpty()) {
            System.out.println("[fuzz] " + name + ": no broken checks (seed=" + seed + ")");
            return;
        }
        Path file = Path.of("target", "fuzz-" + name + "-" + seed + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, findings.fullReport());
        System.out.println("[fuzz] " + name + " findings (also in " + file + "):\n" + findings.summary());
    }

    // --- the entities the cases point at --------------------------------------------------------

    private Fixture fixture() {
        UUID org = createOrg();
        UUID victimOrg = createOrg();
        admin = Fixtures.admin(org);
        user = Fixtures.user(org);
        Member other = Fixtures.user(org);
        Member colleague = Fixtures.user(org);
        Member victim = Fixtures.user(org);
        Response desk = TestApi.createVoipAccount(org, "desk_phone", user.id);
        Response app = TestApi.createVoipAccount(org, "app", user.id);
        UUID victimVoip = Fixtures.voip(org, "softphone", null);
        UUID fixedDestination = Fixtures.fixedDestination(org, user.id, "+31612345678");
        UUID victimFixedDestination = Fixtures.fixedDestination(org, user.id, "+31687654321");
        String pushDevice = as(user.token()).body(Map.of("voipAccountId", app.path("id"), "platform", "fcm", "token",
                "fuzz-" + UUID.randomUUID(), "appId", "dev.switchboard.fuzz", "name", "fuzz phone"))
                .post("/api/me/push-devices").then().statusCode(201).extract().path("id");
        String watch = as(user.token()).body(Map.of("userId", colleague.id.toString())).post("/api/me/watches")
                .then().statusCode(201).extract().path("id");

        tokens.put("operator", operator());
        tokens.put("platform", platform());
        tokens.put("admin", admin.token());
        tokens.put("user", user.token());
        long now = System.currentTimeMillis() / 1000;
        tokens.put("expired", Jwt.subject(user.id.toString()).upn(user.email).groups(Set.of("user"))
                .claim("org", org.toString()).issuedAt(now - 7200).expiresAt(now - 60).sign());
        tokens.put("ghost", Jwt.subject(UUID.randomUUID().toString()).upn("ghost@example.test").groups(Set.of("admin"))
                .claim("org", org.toString()).expiresAt(now + 3600).sign());
        String valid = user.token();
        char last = valid.charAt(valid.length() - 2);
        tokens.put("tampered", valid.substring(0, valid.length() - 2) + (last == 'A' ? 'B' : 'A') + valid.charAt(valid.length() - 1));

        return new Fixture(org, victimOrg, user.id, other.id, colleague.id, victim.id, user.internalNumber,
                colleague.internalNumber, UUID.fromString(desk.path("id")), desk.path("sipUsername"), UUID.fromString(app.path("id")),
                app.path("sipUsername"), victimVoip, fixedDestination, victimFixedDestination, UUID.fromString(pushDevice),
                UUID.fromString(watch));
    }

    /**
     * A case the service wrongly accepted may have changed the user's password or email, which
     * revokes their tokens: reset them through the operator and log in again, so later cases keep
     * reaching the validation behind authentication.
     */
    private void keepTokensValid() {
        for (Member member : List.of(admin, user)) {
            String role = member == admin ? "admin" : "user";
            if (as(tokens.get(role)).get("/api/me").statusCode() == 200) {
                continue;
            }
            int reset = as(operator()).body(Map.of("email", member.email, "password", TestApi.PASSWORD)).patch(member.path()).statusCode();
            assertThat(reset).as("the fuzz fixture's %s could not be restored (did a case delete it?)", role).isEqualTo(200);
            tokens.put(role, TestApi.login(member.email, TestApi.PASSWORD));
            System.out.println("[fuzz] " + role + " token no longer valid after a batch: password and email reset, logged in again");
        }
    }
}
