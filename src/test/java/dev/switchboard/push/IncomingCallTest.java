package dev.switchboard.push;

import static dev.switchboard.push.PushTestSupport.apnsToken;
import static dev.switchboard.push.PushTestSupport.fcmToken;
import static dev.switchboard.push.PushTestSupport.register;
import static dev.switchboard.push.PushTestSupport.registered;
import static dev.switchboard.push.PushTestSupport.select;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.push.FakePushProviders.Answer;
import dev.switchboard.push.FakePushProviders.Received;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * {@code POST /api/platform/incoming-call} against local FCM/APNs fakes: the request is held while
 * every push device is pushed each second, and answers ACK or NAK.
 */
@QuarkusTest
@TestProfile(PushProvidersProfile.class)
class IncomingCallTest {

    @Inject
    Pool pool;

    FakePushProviders fake;

    record App(TestUser owner, String id, String sipUsername) {
    }

    private static volatile boolean warm;

    @BeforeEach
    void fake() throws Exception {
        fake = FakePushProviders.current();
        assertThat(fake).as("the fake providers run in this JVM").isNotNull();
        fake.endOutage();
        if (!warm) {
            warmUp();
            warm = true;
        }
    }

    /**
     * One wake-up through both providers before the timed tests: the first one in a fresh JVM
     * pays for class loading, JIT and the TLS/HTTP2 handshakes, which on a busy CI machine can
     * take longer than the 4 s deadline itself.
     */
    private void warmUp() throws Exception {
        App app = app();
        String apns = apnsToken();
        String fcm = fcmToken();
        registered(app.owner(), app.id(), "apns", apns);
        registered(app.owner(), app.id(), "fcm", fcm);
        CompletableFuture<Response> call = incomingCall(app, "warm-up-" + UUID.randomUUID(), null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !fake.to(apns).isEmpty() && !fake.to(fcm).isEmpty() || call.isDone());
        call.get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void providersSawNothingWrong() {
        assertThat(fake.problems).as("requests a real provider would refuse").isEmpty();
        assertThat(fake.tokenRequests.get()).as("the FCM access token is fetched once and cached").isLessThanOrEqualTo(1);
    }

    @Test
    void theAppAnsweringAfterOneAndAHalfSecondsIsAnAckAfterAtLeastOneRepush() throws Exception {
        App app = app();
        String token = apnsToken();
        registered(app.owner(), app.id(), "apns", token);

        CompletableFuture<Response> call = incomingCall(app, "call-" + UUID.randomUUID(), "Bob Caller");
        Received first = awaitPushes(token, 1).get(0);
        String callKey = first.data().getString("callKey");
        // The wake-up starts when the service pushes first; time the app's answer from there.
        Instant start = first.at();

        // What APNs requires of a VoIP push, on HTTP/2.
        assertThat(first.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(first.header("apns-topic")).isEqualTo("dev.switchboard.app.voip");
        assertThat(first.header("apns-push-type")).isEqualTo("voip");
        assertThat(first.header("apns-priority")).isEqualTo("10");
        assertThat(Long.parseLong(first.header("apns-expiration"))).as("expires at the call's deadline")
                .isBetween(first.at().getEpochSecond() - 5, first.at().getEpochSecond() + 5);
        assertThat(first.data().getString("type")).isEqualTo("incoming_call");
        assertThat(first.data().getString("callerId")).isEqualTo("+31201234567");
        assertThat(first.data().getString("callerName")).isEqualTo("Bob Caller");
        assertThat(first.data().getString("responseUrl")).isEqualTo("https://switchboard.test/api/push/call-responses");
        assertThat(callKey).hasSizeGreaterThanOrEqualTo(40);

        awaitRepushedAfter(call, start, Duration.ofMillis(1500), token);
        assertThat(fake.to(token)).allMatch(push -> callKey.equals(push.data().getString("callKey")));

        respond(callKey, true, null).then().statusCode(204);
        Response answer = call.get(5, TimeUnit.SECONDS);
        long elapsed = Duration.between(start, Instant.now()).toMillis();
        answer.then().statusCode(200);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("ACK");
        assertThat(answer.jsonPath().getString("reason")).isEqualTo("the app answered");
        assertThat(elapsed).as("answered when the app did, well before the 4 s deadline").isBetween(1500L, 3500L);

        // Single use: the same key again is gone.
        problem(respond(callKey, true, null), 410);
        int pushesAtAnswer = fake.to(token).size();
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fake.to(token)).as("no re-push once answered").hasSize(pushesAtAnswer));
    }

    @Test
    void withoutAnAnswerItIsANakAtTheDeadline() throws Exception {
        App app = app();
        String token = fcmToken();
        registered(app.owner(), app.id(), "fcm", token);

        long start = System.nanoTime();
        Response answer = incomingCall(app, "call-" + UUID.randomUUID(), null).get(15, TimeUnit.SECONDS);
        Instant answered = Instant.now();
        assertThat(answer.jsonPath().getString("status")).isEqualTo("NAK");
        assertThat(answer.jsonPath().getString("reason")).isEqualTo("no answer within 4 s");
        assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(4000L);
        List<Received> pushes = fake.to(token);
        assertThat(Duration.between(pushes.get(0).at(), answered).toMillis()).as("from the first push to the NAK")
                .isBetween(3500L, 6000L);
        assertThat(pushes).hasSizeGreaterThanOrEqualTo(3);
        Received push = pushes.get(0);
        JsonObject message = push.body().getJsonObject("message");
        assertThat(message.getJsonObject("android").getString("priority")).isEqualTo("HIGH");
        assertThat(message.containsKey("notification")).as("a call wake-up is a data message").isFalse();
        assertThat(push.data().containsKey("callerName")).isFalse();

        // A late answer finds the call settled.
        problem(respond(push.data().getString("callKey"), true, null), 410);
    }

    @Test
    void anAccountWithoutPushDevicesIsANakAtOnce() throws Exception {
        App app = app();
        long start = System.nanoTime();
        Response answer = incomingCall(app, "call-" + UUID.randomUUID(), null).get(5, TimeUnit.SECONDS);
        assertThat(elapsedMillis(start)).as("at once, not at the 4 s deadline").isLessThan(3000);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("NAK");
        assertThat(answer.jsonPath().getString("reason")).isEqualTo("no push device");
    }

    @Test
    void everyDeviceIsPushedAndTheAppRegisteringIsAnAck() throws Exception {
        App app = app();
        String iphone = apnsToken();
        String android = fcmToken();
        registered(app.owner(), app.id(), "apns", iphone);
        registered(app.owner(), app.id(), "fcm", android);
        String devBuild = apnsToken();
        Map<String, Object> sandbox = new HashMap<>(Map.of("voipAccountId", app.id(), "platform", "apns", "token", devBuild,
                "appId", "dev.switchboard.app", "name", "test iPhone", "sandbox", true));
        as(app.owner().token()).body(sandbox).post("/api/me/push-devices").then().statusCode(201);

        CompletableFuture<Response> call = incomingCall(app, "call-" + UUID.randomUUID(), "Carla");
        Received apns = awaitPushes(iphone, 1).get(0);
        Instant start = apns.at();
        Received fcm = awaitPushes(android, 1).get(0);
        Received sandboxed = awaitPushes(devBuild, 1).get(0);
        assertThat(apns.sandbox()).isFalse();
        assertThat(sandboxed.sandbox()).as("a development build goes to the sandbox endpoint").isTrue();
        assertThat(fcm.data().getString("callKey")).isEqualTo(apns.data().getString("callKey"))
                .isEqualTo(sandboxed.data().getString("callKey"));
        assertThat(fcm.data().getString("callerName")).isEqualTo("Carla");

        awaitRepushedAfter(call, start, Duration.ofSeconds(1), iphone, android, devBuild);
        as(platform()).body(Map.of("registered", true, "expiresIn", 60)).put("/api/platform/registrations/" + app.sipUsername())
                .then().statusCode(200);
        Response answer = call.get(5, TimeUnit.SECONDS);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("ACK");
        assertThat(answer.jsonPath().getString("reason")).isEqualTo("the app registered");
        assertThat(Duration.between(start, Instant.now()).toMillis()).as("well before the deadline").isLessThan(3500);

        // Already registered: ACK without pushing.
        int pushes = fake.received.size();
        Response again = incomingCall(app, "call-" + UUID.randomUUID(), null).get(5, TimeUnit.SECONDS);
        assertThat(again.jsonPath().getString("status")).isEqualTo("ACK");
        assertThat(again.jsonPath().getString("reason")).isEqualTo("the app is registered");
        assertThat(fake.received).hasSize(pushes);
    }

    @Test
    void theAppDecliningIsANakAtOnceWithItsReason() throws Exception {
        App app = app();
        String token = apnsToken();
        registered(app.owner(), app.id(), "apns", token);
        CompletableFuture<Response> call = incomingCall(app, "call-" + UUID.randomUUID(), null);
        Received first = awaitPushes(token, 1).get(0);
        respond(first.data().getString("callKey"), false, "already in a GSM call").then().statusCode(204);
        Response answer = call.get(5, TimeUnit.SECONDS);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("NAK");
        assertThat(answer.jsonPath().getString("reason")).isEqualTo("already in a GSM call");
        assertThat(Duration.between(first.at(), Instant.now()).toMillis()).as("at once, not at the deadline").isLessThan(3500);
    }

    @Test
    void anAnswerReachingAnotherReplicaWakesTheWaitingRequest() throws Exception {
        App app = app();
        String token = fcmToken();
        registered(app.owner(), app.id(), "fcm", token);
        CompletableFuture<Response> call = incomingCall(app, "call-" + UUID.randomUUID(), null);
        String callKey = awaitPushes(token, 1).get(0).data().getString("callKey");

        // What another replica's POST /api/push/call-responses commits: the decision and the NOTIFY,
        // on a database session of its own; this replica only sees the row and the notification.
        pool.withTransaction(connection -> connection.preparedQuery("UPDATE push_calls SET outcome = 'ack', "
                + "reason = 'the app answered', decided_at = clock_timestamp() WHERE key_hash = $1 AND outcome IS NULL RETURNING id")
                .execute(Tuple.of(IncomingCalls.hash(callKey)))
                .flatMap(rows -> connection.preparedQuery("SELECT pg_notify('switchboard_presence', $1)")
                        .execute(Tuple.of("c:" + rows.iterator().next().getUUID(0)))))
                .await().atMost(Duration.ofSeconds(5));
        Response answer = call.get(3, TimeUnit.SECONDS);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("ACK");
    }

    @Test
    void unknownUsedAndExpiredCallKeysAreRefused() throws Exception {
        problem(respond("no-such-key-" + UUID.randomUUID(), true, null), 404);
        problem(given().contentType(ContentType.JSON).body(Map.of("available", true)).post("/api/push/call-responses"), 400);

        App app = app();
        String token = apnsToken();
        registered(app.owner(), app.id(), "apns", token);
        Response answer = incomingCall(app, "call-" + UUID.randomUUID(), null).get(10, TimeUnit.SECONDS);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("NAK");
        String expired = fake.to(token).get(0).data().getString("callKey");
        problem(respond(expired, false, null), 410).body("detail", org.hamcrest.Matchers.containsString("already used"));
        // A key never answered whose deadline passed (no request waiting on it anymore):
        pool.preparedQuery("UPDATE push_calls SET outcome = NULL, expires_at = clock_timestamp() - interval '1 second' "
                + "WHERE key_hash = $1").execute(Tuple.of(IncomingCalls.hash(expired))).await().atMost(Duration.ofSeconds(5));
        problem(respond(expired, true, null), 410).body("detail", org.hamcrest.Matchers.containsString("expired"));
    }

    @Test
    void tokensTheProviderCallsDeadAreRemovedAndReachabilityFollows() throws Exception {
        App app = app();
        TestUser colleague = user(app.owner().orgId());
        String unregisteredFcm = fcmToken();
        String invalidFcm = fcmToken();
        String unregisteredApns = apnsToken();
        String badApns = apnsToken();
        fake.answer(unregisteredFcm, Answer.UNREGISTERED);
        fake.answer(invalidFcm, Answer.INVALID_TOKEN);
        fake.answer(unregisteredApns, Answer.UNREGISTERED);
        fake.answer(badApns, Answer.INVALID_TOKEN);
        registered(app.owner(), app.id(), "fcm", unregisteredFcm);
        registered(app.owner(), app.id(), "fcm", invalidFcm);
        registered(app.owner(), app.id(), "apns", unregisteredApns);
        registered(app.owner(), app.id(), "apns", badApns);
        select(app.owner(), app.id(), "available");
        assertThat(availabilityOf(colleague, app.owner())).as("an app with push devices counts as reachable").isEqualTo("available");

        Response answer = incomingCall(app, "call-" + UUID.randomUUID(), null).get(10, TimeUnit.SECONDS);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("NAK");
        assertThat(answer.jsonPath().getString("reason")).startsWith("no push device could be reached");
        Instant firstPush = fake.where(r -> List.of(unregisteredFcm, invalidFcm, unregisteredApns, badApns).contains(r.token()))
                .stream().map(Received::at).min(Instant::compareTo).orElseThrow();
        assertThat(Duration.between(firstPush, Instant.now()).toMillis()).as("no need to wait for the deadline").isLessThan(3500);

        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                as(app.owner().token()).get("/api/me/push-devices").then().statusCode(200).extract().jsonPath().getList("items"))
                .isEmpty());
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(availabilityOf(colleague, app.owner())).isEqualTo("offline"));
        assertThat(as(app.owner().token()).get("/api/me").then().extract().jsonPath().getList("reachability.reasons.code"))
                .contains("APP_NO_PUSH_DEVICE");
    }

    @Test
    void unknownAccountsAre404AndOtherKindsAre422() {
        problem(as(platform()).body(Map.of("sipUsername", "nobody-" + UUID.randomUUID(), "callId", "c1", "callerId", "+3120"))
                .post("/api/platform/incoming-call"), 404);
        UUID org = createOrg();
        TestUser anna = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("sipUsername");
        problem(as(platform()).body(Map.of("sipUsername", desk, "callId", "c1", "callerId", "+3120"))
                .post("/api/platform/incoming-call"), 422);
        problem(as(platform()).body(Map.of("sipUsername", desk)).post("/api/platform/incoming-call"), 400);
        problem(as(anna.token()).body(Map.of("sipUsername", desk, "callId", "c1", "callerId", "+3120"))
                .post("/api/platform/incoming-call"), 403);
    }

    // --- helpers ----------------------------------------------------------------------------------

    private App app() {
        UUID org = createOrg();
        TestUser owner = user(org);
        Response created = createVoipAccount(org, "app", owner.id());
        return new App(owner, created.path("id"), created.path("sipUsername"));
    }

    private static CompletableFuture<Response> incomingCall(App app, String callId, String callerName) {
        Map<String, Object> body = new HashMap<>();
        body.put("sipUsername", app.sipUsername());
        body.put("callId", callId);
        body.put("callerId", "+31201234567");
        if (callerName != null) {
            body.put("callerName", callerName);
        }
        String token = platform();
        return CompletableFuture.supplyAsync(() -> as(token).body(body).post("/api/platform/incoming-call"));
    }

    static Response respond(String callKey, boolean available, String reason) {
        Map<String, Object> body = new HashMap<>();
        body.put("callKey", callKey);
        body.put("available", available);
        if (reason != null) {
            body.put("reason", reason);
        }
        return given().contentType(ContentType.JSON).accept(ContentType.JSON).body(body).post("/api/push/call-responses");
    }

    private List<Received> awaitPushes(String token, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.to(token).size() >= count);
        return fake.to(token);
    }

    private static String availabilityOf(TestUser viewer, TestUser subject) {
        JsonPath presence = as(viewer.token()).get("/api/orgs/" + viewer.orgId() + "/presence").then().statusCode(200).extract().jsonPath();
        return presence.getString("colleagues.find { it.userId == '" + subject.id() + "' }.availability");
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * The app's moment to act, {@code after} the first push: waits (polling from then on) until that
     * time has passed and every token has been pushed again, then checks the platform's request is
     * still held.
     */
    private void awaitRepushedAfter(CompletableFuture<Response> call, Instant firstPush, Duration after, String... tokens) {
        Instant due = firstPush.plus(after);
        Duration untilDue = Duration.between(Instant.now(), due);
        Awaitility.await().pollDelay(untilDue.isNegative() ? Duration.ZERO : untilDue).atMost(after.plusSeconds(10))
                .until(() -> call.isDone()
                        || !Instant.now().isBefore(due) && Stream.of(tokens).allMatch(token -> fake.to(token).size() >= 2));
        assertThat(call).as("the platform's request is still held").isNotDone();
        for (String token : tokens) {
            assertThat(fake.to(token)).as("re-pushed every second while waiting").hasSizeGreaterThanOrEqualTo(2);
        }
    }
}
