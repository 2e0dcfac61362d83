package dev.switchboard.presence;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.switchboard.support.ReplicaSteps;
import dev.switchboard.support.Replicas;
import dev.switchboard.support.Replicas.Replica;
import dev.switchboard.support.SocketClient;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged service as it runs in production, several replicas sharing one PostgreSQL ({@link Replicas}): the
 * presence stream crosses replicas, survives a replica's kill -9 and a database restart, and a
 * replica that is asked to stop (SIGTERM) drains its sockets to another one and finishes its
 * requests.
 *
 * <p>Not a {@code @QuarkusTest}: it starts one embedded PostgreSQL and {@code java -jar
 * target/quarkus-app/quarkus-run.jar} child processes itself (failsafe runs it after
 * {@code package}). Each replica's output goes to {@code target/multi-replica-<n>.log}; the tails
 * are printed when a step fails. The steps build on each other and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiReplicaIT {

    private static final String PASSWORD = "correct-horse-battery";

    /** Short device leases so a dead replica's devices lapse quickly. */
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** The leases' reaper ticks every 500 ms; leave room for a loaded 2-core machine. */
    private static final Duration TIMER_SLACK = Duration.ofSeconds(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(15);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Replicas cluster;

    private Replica a;
    private Replica b;
    private Replica a2;

    // Test data, created in step 1 through replica A.
    private UUID org;
    private Member walt; // watches from replica B all along
    private Member xena; // changes her status through replica A's REST
    private Member dora; // her webphone socket sits on replica A when it is killed
    private Member emil; // his webphone socket sits on replica B while the database restarts
    private Member gus; // his socket is drained from the stopping replica
    private String doraWebphone;
    private String emilWebphone;
    private View waltView;
    private View gusView;

    @RegisterExtension
    final ReplicaSteps steps = new ReplicaSteps(() -> cluster);

    // --- set-up and tear-down --------------------------------------------------------------------

    @BeforeAll
    void startDatabaseAndTwoReplicas() throws Exception {
        cluster = new Replicas("multi-replica");
        cluster.startPostgres();
        // Both replicas start at once against an empty database, as a fresh deployment would.
        a = cluster.start(1, "A", env(Map.of()));
        b = cluster.start(2, "B", env(Map.of()));
        a.awaitReady();
        b.awaitReady();
    }

    // --- the steps ---------------------------------------------------------------------------------

    @Test
    @Order(1)
    void changesThroughOneReplicaReachClientsOnTheOtherInOrder() {
        String operator = login(a, Replicas.OPERATOR_EMAIL, Replicas.OPERATOR_PASSWORD);
        org = UUID.fromString(api(a, operator).body(Map.of("name", "Multi replica " + UUID.randomUUID()))
                .post("/api/orgs").then().statusCode(201).extract().path("id"));
        walt = createMember(a, operator, "walt");
        xena = createMember(a, operator, "xena");
        dora = createMember(a, operator, "dora");
        emil = createMember(a, operator, "emil");
        gus = createMember(a, operator, "gus");
        doraWebphone = createWebphone(a, operator, dora);
        emilWebphone = createWebphone(a, operator, emil);

        waltView = new View(connect(b, walt, null));
        JsonObject snapshot = waltView.awaitFrame(f -> true);
        assertThat(snapshot.getString("type")).isEqualTo("snapshot");
        View xenaView = new View(connect(b, xena, null));
        assertThat(xenaView.awaitFrame(f -> true).getString("type")).isEqualTo("snapshot");
        long start = waltView.seq;

        List<String> statuses = List.of("do_not_disturb", "available_for_colleagues", "offline", "available");
        for (String status : statuses) {
            api(a, xena.token).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
        }

        for (View view : List.of(waltView, xenaView)) {
            for (int i = 0; i < statuses.size(); i++) {
                JsonObject frame = view.awaitFrame(f -> "presence".equals(f.getString("type")));
                assertThat(frame.getLong("seq")).as("presence event %d on replica B", i).isEqualTo(start + 1 + i);
                assertThat(frame.getJsonObject("colleague").getString("userId")).isEqualTo(xena.id.toString());
                assertThat(frame.getJsonObject("colleague").getString("userStatus")).isEqualTo(statuses.get(i));
            }
        }
        // Xena's own socket on B also gets the private 'me' with her latest status (before or after
        // the presence event about her: docs/presence-protocol.md, "Ordering").
        xenaView.awaitMe(me -> "available".equals(me.getString("status")));
        waltView.assertMatchesStoredPresence(b, walt.token);
    }

    /**
     * Both replicas' timers race for a scheduled window's start and end: each is applied exactly
     * once (every application raises the user's version by one), and the other replica's clients
     * see both.
     */
    @Test
    @Order(2)
    void aScheduledWindowIsAppliedOnceThoughBothReplicasRunTheTimers() {
        String operator = login(a, Replicas.OPERATOR_EMAIL, Replicas.OPERATOR_PASSWORD);
        Member hana = createMember(a, operator, "hana");
        long before = api(a, hana.token).get("/api/me").then().statusCode(200).extract().jsonPath().getLong("availability.version");
        java.time.LocalDateTime start = java.time.LocalDateTime.now(java.time.ZoneId.of("Europe/Amsterdam"))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(2);
        api(b, hana.token).body(Map.of("status", "do_not_disturb", "from", start.toString(), "until", start.plusSeconds(3).toString()))
                .post("/api/me/schedules").then().statusCode(201);
        waltView.awaitColleague(hana.id, c -> "do_not_disturb".equals(c.getString("userStatus")));
        waltView.awaitColleague(hana.id, c -> "available".equals(c.getString("userStatus")));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api(a, hana.token).get("/api/me/schedules").then()
                .extract().path("[0].next") == null);
        assertThat(api(b, hana.token).get("/api/me").then().extract().jsonPath().getLong("availability.version"))
                .as("applied once and restored once").isEqualTo(before + 2);
    }

    /**
     * The packaged service in the prod profile: health, metrics and OpenAPI only on the management
     * port (Swagger UI nowhere), and the JSON access log names the path without the query string.
     */
    @Test
    @Order(3)
    void managementEndpointsAreOffTheMainPortAndTheAccessLogHasNoQueryStrings() throws IOException {
        for (String path : List.of("/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi", "/q/swagger-ui")) {
            assertThat(Replicas.status(b.main(path))).as("main port %s", path).isEqualTo(404);
        }
        for (String path : List.of("/q/health/live", "/q/health/started", "/q/metrics", "/q/openapi")) {
            assertThat(Replicas.status(b.management(path))).as("management port %s", path).isEqualTo(200);
        }
        assertThat(Replicas.status(b.management("/q/swagger-ui"))).as("Swagger UI is dev-only").isEqualTo(404);

        String secret = "Secret" + UUID.randomUUID().toString().replace("-", "");
        String requestId = "multi-replica-" + UUID.randomUUID();
        api(b, walt.token).header("X-Request-Id", requestId).queryParam("ticket", secret)
                .get("/api/me").then().statusCode(200);
        Awaitility.await("replica B's access-log line").atMost(FRAME_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> b.logLines().stream().anyMatch(l -> l.contains(requestId) && l.contains("io.quarkus.http.access-log")));
        String line = b.logLines().stream().filter(l -> l.contains(requestId) && l.contains("io.quarkus.http.access-log"))
                .findFirst().orElseThrow();
        System.out.println("[multi-replica] access-log line: " + line);
        JsonObject record = new JsonObject(line);
        assertThat(record.getString("loggerName")).isEqualTo("io.quarkus.http.access-log");
        assertThat(record.getString("message")).contains("\"GET /api/me HTTP/1.1\" 200")
                .contains("requestId=" + requestId).doesNotContain("?");
        assertThat(b.logLines()).as("no log line has the query string's secret").noneMatch(l -> l.contains(secret));
        // The only /q/ lines are this step's refusals on the main port: probes (management port) are not logged.
        assertThat(b.logLines().stream().filter(l -> l.contains("io.quarkus.http.access-log") && l.contains(" /q/")))
                .as("access-log lines of /q/ paths").isNotEmpty().allMatch(l -> l.contains("\\\" 404 "));
    }

    @Test
    @Order(4)
    void aKilledReplicasDeviceGoesOfflineOnTheOtherWithinTheLease() {
        api(a, dora.token).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", doraWebphone)))
                .put("/api/me/availability").then().statusCode(200);
        SocketClient doraPage = connect(a, dora, "device=" + doraWebphone);
        assertThat(doraPage.next().getString("type")).isEqualTo("snapshot");
        assertThat(waltView.awaitPresence(dora.id).getString("availability")).isEqualTo("available");

        long killedAt = System.nanoTime();
        a.process.destroyForcibly(); // SIGKILL: no shutdown hook, the lease is left behind in the database
        // No request from here on: replica B's timers notice the lapsed lease by themselves.
        JsonObject offline = waltView.awaitFrame(f -> isPresenceOf(f, dora.id), LEASE.plus(TIMER_SLACK).plusSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(offline.getJsonObject("colleague").getString("availability")).isEqualTo("offline");
        System.out.printf("[multi-replica] Dora offline on B %d ms after the kill of A%n", took.toMillis());
        assertThat(took).as("offline after the kill").isLessThanOrEqualTo(LEASE.plus(TIMER_SLACK));
        assertThat(doraPage.awaitClose()).as("the killed replica's socket is just gone").isNotEqualTo(1000);
        waltView.assertMatchesStoredPresence(b, walt.token);
    }

    @Test
    @Order(5)
    void afterADatabaseRestartEveryReplicaResubscribesAndClientsConverge() throws IOException {
        a2 = cluster.start(3, "A2", env(Map.of(
                // Slow password checks on this replica only: step 4 needs a request that takes a while.
                "SWITCHBOARD_AUTH_BCRYPT_COST", "13")));
        a2.awaitReady();

        // Emil's webphone socket stays on B through the outage; he is available because of it.
        api(b, emil.token).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", emilWebphone)))
                .put("/api/me/availability").then().statusCode(200);
        SocketClient emilPage = connect(b, emil, "device=" + emilWebphone);
        assertThat(emilPage.next().getString("type")).isEqualTo("snapshot");
        assertThat(waltView.awaitPresence(emil.id).getString("availability")).isEqualTo("available");
        View gusOnA2 = new View(connect(a2, gus, null));
        assertThat(gusOnA2.awaitFrame(f -> true).getString("type")).isEqualTo("snapshot");

        long stoppedAt = System.nanoTime();
        cluster.stopPostgres();
        for (Replica replica : List.of(b, a2)) {
            Awaitility.await("readiness of " + replica.name + " DOWN").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> replica.readiness() == 503);
        }
        // Down for longer than a device lease: the leases of sockets that stayed open must not lapse.
        Duration outage = LEASE.plusSeconds(2);
        Awaitility.await("an outage longer than a lease").atMost(outage.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> Duration.ofNanos(System.nanoTime() - stoppedAt).compareTo(outage) >= 0);
        cluster.startPostgres();

        // A change right after the restart, while the replicas' listeners may still be reconnecting.
        Awaitility.await("a write on B succeeds again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> api(b, xena.token).body(Map.of("status", "do_not_disturb")).put("/api/me/availability")
                        .statusCode() == 200);
        String channelAfterWrite = presenceChannelStatus(b);
        System.out.println("[multi-replica] presence channel of B right after the first write: " + channelAfterWrite);

        for (Replica replica : List.of(b, a2)) {
            Awaitility.await("readiness of " + replica.name + " UP again").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> replica.readiness() == 200);
        }
        // Emil's socket never closed: he is still reachable, and never looked gone meanwhile
        // (his lease expired during the outage; the reapers give B time to renew it).
        assertThat(emilPage.isClosed()).isFalse();
        for (View view : List.of(waltView, gusOnA2)) {
            view.awaitColleague(emil.id, c -> "available".equals(c.getString("availability")));
            view.awaitColleague(xena.id, c -> "do_not_disturb".equals(c.getString("userStatus")));
        }
        waltView.awaitStoredPresence(b, walt.token);
        gusOnA2.awaitStoredPresence(a2, gus.token);
        assertThat(waltView.colleague(emil.id).getString("availability")).isEqualTo("available");
        assertThat(waltView.colleague(xena.id).getString("userStatus")).isEqualTo("do_not_disturb");
        assertThat(waltView.history(emil.id)).as("Emil's availability as Walt saw it, from his snapshot on")
                .containsExactly("offline", "available");

        // And the stream is live again on both replicas.
        api(a2, xena.token).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(200);
        assertThat(waltView.awaitPresence(xena.id).getString("userStatus")).isEqualTo("available");
        assertThat(gusOnA2.awaitPresence(xena.id).getString("userStatus")).isEqualTo("available");
        gusView = gusOnA2;
    }

    @Test
    @Order(6)
    void aStoppingReplicaDrainsSocketsToTheOtherAndFinishesItsRequests() throws Exception {
        String operator = login(b, Replicas.OPERATOR_EMAIL, Replicas.OPERATOR_PASSWORD);
        // Created through A2, so the password is hashed with A2's (slow) cost and checking it takes a while.
        Member slow = createMember(a2, operator, "slow");
        gusView.awaitFrame(f -> "colleague_added".equals(f.getString("type")));
        long lastSeq = gusView.seq;

        InFlight login = InFlight.send(a2.port, "/api/auth/token",
                new JsonObject().put("email", slow.email).put("password", PASSWORD).encode());
        long sigtermAt = System.nanoTime();
        a2.process.destroy(); // SIGTERM, as Kubernetes sends it

        assertThat(gusView.socket.awaitClose()).as("close code of the drained socket").isEqualTo(1001);
        System.out.printf("[multi-replica] socket closed with 1001 %d ms after SIGTERM%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermAt));
        // Something happens while gus is between replicas.
        api(b, xena.token).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);

        View resumed = new View(connect(b, gus, "since=" + lastSeq), gusView);
        JsonObject first = resumed.awaitFrame(f -> true);
        assertThat(first.getString("type")).isEqualTo("resumed");
        assertThat(first.getLong("seq")).isEqualTo(lastSeq);
        JsonObject missed = resumed.awaitFrame(f -> "presence".equals(f.getString("type")));
        assertThat(missed.getLong("seq")).isEqualTo(lastSeq + 1);
        assertThat(missed.getJsonObject("colleague").getString("userStatus")).isEqualTo("offline");
        resumed.awaitStoredPresence(b, gus.token);

        InFlight.Result result = login.result.get(60, TimeUnit.SECONDS);
        assertThat(result.status()).as("the request in flight at SIGTERM; answer: %s", result.body()).isEqualTo(200);
        assertThat(new JsonObject(result.body()).getString("accessToken")).isNotBlank();
        System.out.printf("[multi-replica] the in-flight login answered %d ms after SIGTERM%n",
                TimeUnit.NANOSECONDS.toMillis(result.answeredAt() - sigtermAt));
        assertThat(a2.process.waitFor(60, TimeUnit.SECONDS)).as("A2 exits after draining").isTrue();
        System.out.printf("[multi-replica] A2 exited with %d, %d ms after SIGTERM%n", a2.process.exitValue(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermAt));
        waltView.awaitStoredPresence(b, walt.token);
    }

    // --- replicas --------------------------------------------------------------------------------

    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SWITCHBOARD_WS_DEVICE_LEASE", LEASE.toSeconds() + "S");
        env.put("SWITCHBOARD_WS_DEVICE_GRACE", GRACE.toSeconds() + "S");
        // Drain quickly in the test; production keeps the defaults from application.properties.
        env.put("QUARKUS_SHUTDOWN_DELAY", "1S");
        env.put("QUARKUS_LOG_CATEGORY__DEV_SWITCHBOARD_PRESENCE__LEVEL", "DEBUG");
        env.putAll(extra);
        return cluster.env(env);
    }

    /** UP/DOWN of the "Presence event channel" readiness check, or what went wrong asking. */
    private static String presenceChannelStatus(Replica replica) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(replica.management("/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonArray checks = new JsonObject(response.body()).getJsonArray("checks");
            return checks.stream().map(JsonObject.class::cast).filter(c -> c.getString("name").equals("Presence event channel"))
                    .map(c -> c.getString("status")).findFirst().orElse("absent");
        } catch (Exception e) {
            return e.toString();
        }
    }

    // --- REST ----------------------------------------------------------------------------------------

    private record Member(UUID id, String email, String token) {
    }

    private static RequestSpecification api(Replica replica, String token) {
        return replica.api(token);
    }

    private static String login(Replica replica, String email, String password) {
        return replica.login(email, password);
    }

    private Member createMember(Replica replica, String operator, String name) {
        String email = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@multi-replica.test";
        Response response = api(replica, operator)
                .body(Map.of("email", email, "name", name, "role", "user", "password", PASSWORD))
                .post("/api/orgs/" + org + "/users");
        response.then().statusCode(201);
        return new Member(UUID.fromString(response.path("id")), email, login(replica, email, PASSWORD));
    }

    private String createWebphone(Replica replica, String operator, Member owner) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", "webphone");
        body.put("description", "webphone of " + owner.email);
        body.put("userId", owner.id.toString());
        return api(replica, operator).body(body).post("/api/orgs/" + org + "/voip-accounts")
                .then().statusCode(201).extract().path("id");
    }

    private SocketClient connect(Replica replica, Member member, String query) {
        SocketClient socket = SocketClient.connect(URI.create("http://127.0.0.1:" + replica.port), member.token, query);
        steps.closeAtEnd(socket);
        return socket;
    }

    /**
     * An HTTP/1.1 request written to the socket before the test goes on (so it is on its way
     * to the server for sure), its answer read in the background.
     */
    private static final class InFlight {
        record Result(int status, String body, long answeredAt) {
        }

        final CompletableFuture<Result> result = new CompletableFuture<>();

        static InFlight send(int port, String path, String json) throws IOException {
            InFlight request = new InFlight();
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(60_000);
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Thread reader = new Thread(() -> {
                try (socket; InputStream in = socket.getInputStream()) {
                    String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    int status = Integer.parseInt(raw.substring(9, 12));
                    int headersEnd = raw.indexOf("\r\n\r\n");
                    request.result.complete(new Result(status, headersEnd < 0 ? "" : dechunk(raw, headersEnd + 4), System.nanoTime()));
                } catch (Exception e) {
                    request.result.complete(new Result(-1, e.toString(), System.nanoTime()));
                }
            }, "in-flight-request");
            reader.setDaemon(true);
            reader.start();
            return request;
        }

        private static String dechunk(String raw, int bodyStart) {
            String headers = raw.substring(0, bodyStart).toLowerCase();
            String body = raw.substring(bodyStart);
            if (!headers.contains("transfer-encoding: chunked")) {
                return body;
            }
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    return out.toString();
                }
                out.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }

    // --- a client's view of the org ------------------------------------------------------------------

    private static boolean isPresenceOf(JsonObject frame, UUID userId) {
        return "presence".equals(frame.getString("type"))
                && userId.toString().equals(frame.getJsonObject("colleague").getString("userId"));
    }

    /**
     * What a client knows of its org, built from its frames exactly as a client would: the
     * snapshot, then every org event, each with the next seq (a gap fails the test).
     */
    private static final class View {
        final SocketClient socket;
        final Map<String, JsonObject> colleagues = new HashMap<>();
        final Map<String, List<String>> history = new HashMap<>();
        long seq = -1;
        /** The latest private {@code me} (no seq, so it may come before or after the event about the user). */
        JsonObject me;

        View(SocketClient socket) {
            this.socket = socket;
        }

        /** A reconnect of the same client: it keeps what it knew. */
        View(SocketClient socket, View before) {
            this.socket = socket;
            this.colleagues.putAll(before.colleagues);
            this.seq = before.seq;
        }

        JsonObject awaitFrame(Predicate<JsonObject> wanted) {
            return awaitFrame(wanted, FRAME_TIMEOUT);
        }

        JsonObject awaitFrame(Predicate<JsonObject> wanted, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonObject frame;
                try {
                    frame = left <= 0 ? null : socket.frames.poll(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (frame == null) {
                    throw new AssertionError("no matching frame within " + timeout + " (seq " + seq + ")");
                }
                apply(frame);
                if (wanted.test(frame)) {
                    return frame;
                }
            }
        }

        /** The next presence event about {@code userId}; answers the colleague. */
        JsonObject awaitPresence(UUID userId) {
            return awaitFrame(f -> isPresenceOf(f, userId)).getJsonObject("colleague");
        }

        JsonObject colleague(UUID userId) {
            return colleagues.get(userId.toString());
        }

        /** Reads frames until the latest {@code me} satisfies {@code wanted} (it may have come already). */
        void awaitMe(Predicate<JsonObject> wanted) {
            if (me != null && wanted.test(me)) {
                return;
            }
            awaitFrame(f -> me != null && wanted.test(me));
        }

        /** Reads frames until the client's view of {@code userId} satisfies {@code wanted}. */
        void awaitColleague(UUID userId, Predicate<JsonObject> wanted) {
            if (colleague(userId) != null && wanted.test(colleague(userId))) {
                return;
            }
            awaitFrame(f -> colleague(userId) != null && wanted.test(colleague(userId)));
        }

        /** The availabilities this client was told about {@code userId}, in order. */
        List<String> history(UUID userId) {
            return history.getOrDefault(userId.toString(), List.of());
        }

        private void apply(JsonObject frame) {
            String type = frame.getString("type");
            switch (type) {
                case "snapshot" -> {
                    colleagues.clear();
                    frame.getJsonArray("colleagues").forEach(c -> put((JsonObject) c));
                    seq = frame.getLong("seq");
                }
                case "resumed" -> assertThat(frame.getLong("seq")).as("resumed where the client left").isEqualTo(seq);
                case "presence", "colleague_added", "colleague_removed" -> {
                    assertThat(frame.getLong("seq")).as("seq of %s after %d", frame, seq).isEqualTo(seq + 1);
                    seq = frame.getLong("seq");
                    if (type.equals("colleague_removed")) {
                        colleagues.remove(frame.getString("userId"));
                    } else {
                        put(frame.getJsonObject("colleague"));
                    }
                }
                case "me" -> me = frame.getJsonObject("me");
                default -> {
                    // ack, error, pong, watch_fired: not part of the org view
                }
            }
        }

        private void put(JsonObject colleague) {
            colleagues.put(colleague.getString("userId"), colleague);
            history.computeIfAbsent(colleague.getString("userId"), id -> new ArrayList<>()).add(colleague.getString("availability"));
        }

        /** Reads what has arrived and compares with {@code GET /api/orgs/{org}/presence}. */
        void assertMatchesStoredPresence(Replica replica, String token) {
            List<JsonObject> arrived = new ArrayList<>();
            socket.frames.drainTo(arrived);
            arrived.forEach(this::apply);
            JsonObject stored = new JsonObject(api(replica, token).get("/api/orgs/" + orgOf(token) + "/presence")
                    .then().statusCode(200).extract().asString());
            Map<String, JsonObject> expected = new HashMap<>();
            stored.getJsonArray("colleagues").forEach(c -> expected.put(((JsonObject) c).getString("userId"), (JsonObject) c));
            assertThat(seq).as("client's seq vs stored").isEqualTo(stored.getLong("seq"));
            assertThat(colleagues).as("client's view vs stored presence").isEqualTo(expected);
        }

        void awaitStoredPresence(Replica replica, String token) {
            Awaitility.await("client converges on the stored presence").atMost(FRAME_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertMatchesStoredPresence(replica, token));
        }

        private static String orgOf(String token) {
            String payload = token.split("\\.")[1];
            return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getString("org");
        }
    }
}
