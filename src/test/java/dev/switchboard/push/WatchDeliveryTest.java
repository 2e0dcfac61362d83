package dev.switchboard.push;

import static dev.switchboard.push.PushTestSupport.apnsAlertToken;
import static dev.switchboard.push.PushTestSupport.apnsToken;
import static dev.switchboard.push.PushTestSupport.fcmToken;
import static dev.switchboard.push.PushTestSupport.registered;
import static dev.switchboard.push.PushTestSupport.registeredIphone;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.push.FakePushProviders.Answer;
import dev.switchboard.push.FakePushProviders.Received;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** Watch notifications through the outbox to the FCM/APNs fakes: outages, retries, dead letters, dead tokens. */
@QuarkusTest
@TestProfile(PushProvidersProfile.class)
class WatchDeliveryTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    FakePushProviders fake;

    record Watcher(TestUser user, String app) {
    }

    @BeforeEach
    void fake() {
        fake = FakePushProviders.current();
        fake.endOutage();
    }

    @AfterEach
    void providersSawNothingWrong() {
        fake.endOutage();
        assertThat(fake.problems).as("requests a real provider would refuse").isEmpty();
    }

    @Test
    void aWatchFiresOnceThroughAProviderOutageAndIsDeliveredAfterRecovery() {
        UUID org = createOrg();
        Watcher anna = watcher(org);
        String iphone = apnsAlertToken();
        String android = fcmToken();
        String iphoneDevice = registeredIphone(anna.user(), anna.app(), apnsToken(), iphone);
        String androidDevice = registered(anna.user(), anna.app(), "fcm", android);
        TestUser bob = user(org);
        UUID mobile = Fixtures.fixedDestination(org, bob.id(), "+31612345678");
        setAvailability(bob, "offline", mobile);
        as(anna.user().token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches").then().statusCode(201);

        try (SocketClient socket = SocketClient.connect(base, anna.user().token(), null)) {
            socket.next("snapshot");
            // The providers are down for 3 s and then come back by themselves.
            Instant recovered = fake.outageFor(Duration.ofSeconds(3));
            setAvailability(bob, "available", mobile);
            assertThat(socket.next("watch_fired").getString("userId")).isEqualTo(bob.id().toString());

            // Attempts during the outage fail with 503 and are retried with backoff until one gets through.
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> delivered(iphone) == 1 && delivered(android) == 1
                    && "delivered".equals(row(iphoneDevice).getString("state"))
                    && "delivered".equals(row(androidDevice).getString("state")));
            assertThat(failed(iphone)).as("APNs attempts refused during the outage").isGreaterThanOrEqualTo(2);
            assertThat(failed(android)).as("FCM attempts refused during the outage").isGreaterThanOrEqualTo(2);
            assertThat(row(iphoneDevice).getString("state")).isEqualTo("delivered");
            assertThat(row(iphoneDevice).getInteger("attempts")).isGreaterThanOrEqualTo(3);
            assertThat(row(androidDevice).getString("state")).isEqualTo("delivered");

            Received apns = fake.to(iphone).stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
            assertThat(apns.at()).as("delivered after the providers recovered").isAfterOrEqualTo(recovered);
            assertThat(apns.header("apns-push-type")).isEqualTo("alert");
            assertThat(apns.header("apns-topic")).isEqualTo("dev.switchboard.app");
            assertThat(apns.header("apns-priority")).isEqualTo("10");
            assertThat(apns.header("apns-collapse-id")).isEqualTo("watch-" + bob.id());
            assertThat(apns.body().getJsonObject("aps").getJsonObject("alert").getString("title")).endsWith(" is available");
            assertThat(apns.data().getString("type")).isEqualTo("watch_fired");
            assertThat(apns.data().getString("userId")).isEqualTo(bob.id().toString());
            Received fcm = fake.to(android).stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
            assertThat(fcm.at()).as("delivered after the providers recovered").isAfterOrEqualTo(recovered);
            JsonObject message = fcm.body().getJsonObject("message");
            assertThat(message.getJsonObject("notification").getString("title")).endsWith(" is available");
            assertThat(fcm.data().getString("type")).isEqualTo("watch_fired");
            assertThat(fcm.data().getString("userId")).isEqualTo(bob.id().toString());

            // Fired once: Bob coming and going again sends nothing more, to the phones or the socket,
            // for as long as we watch.
            int pushes = fake.to(iphone).size() + fake.to(android).size();
            setAvailability(bob, "offline", mobile);
            setAvailability(bob, "available", mobile);
            List<JsonObject> frames = new ArrayList<>();
            Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                frames.addAll(socket.drain());
                assertThat(fake.to(iphone).size() + fake.to(android).size()).isEqualTo(pushes);
                assertThat(frames).noneMatch(frame -> "watch_fired".equals(frame.getString("type")));
            });
            assertThat(delivered(iphone)).isEqualTo(1);
            assertThat(delivered(android)).isEqualTo(1);
        }
    }

    @Test
    void aNotificationThatKeepsFailingIsDeadLetteredAfterMaxAttempts() {
        UUID org = createOrg();
        Watcher anna = watcher(org);
        String token = apnsAlertToken();
        fake.answer(token, Answer.SERVER_ERROR);
        String device = registeredIphone(anna.user(), anna.app(), apnsToken(), token);
        fireWatchOnNewColleague(org, anna);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "dead".equals(row(device).getString("state")));
        Row dead = row(device);
        assertThat(dead.getInteger("attempts")).isEqualTo(8);
        assertThat(dead.getString("last_error")).startsWith("gave up after 8 attempts: APNs 500");
        assertThat(fake.to(token)).hasSize(8);
        // Backoff grows: the gap before the last attempt is well above the first one.
        List<Received> attempts = fake.to(token);
        Duration first = Duration.between(attempts.get(0).at(), attempts.get(1).at());
        Duration last = Duration.between(attempts.get(6).at(), attempts.get(7).at());
        assertThat(last).isGreaterThan(first);
    }

    @Test
    void aTokenTheProviderCallsUnregisteredIsRemovedFromTheOutboxAndTheAccount() {
        UUID org = createOrg();
        Watcher anna = watcher(org);
        String dead = fcmToken();
        String alive = apnsAlertToken();
        String iphoneVoip = apnsToken();
        fake.answer(dead, Answer.UNREGISTERED);
        String deadDevice = registered(anna.user(), anna.app(), "fcm", dead);
        registeredIphone(anna.user(), anna.app(), iphoneVoip, alive);
        fireWatchOnNewColleague(org, anna);

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> delivered(alive) == 1 && fake.to(dead).size() == 1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                as(anna.user().token()).get("/api/me/push-devices").then().extract().jsonPath().getList("items.token"))
                .containsExactly(iphoneVoip));
        assertThat(rows(deadDevice)).isEmpty();
    }

    @Test
    void aDeadAlertTokenGoesButTheIphoneStillWakesForCalls() {
        UUID org = createOrg();
        Watcher anna = watcher(org);
        String voip = apnsToken();
        String alert = apnsAlertToken();
        fake.answer(alert, Answer.UNREGISTERED);
        String device = registeredIphone(anna.user(), anna.app(), voip, alert);
        // An iPhone registered without an alert token gets no visible notification: nothing is queued for it.
        String callsOnly = registered(anna.user(), anna.app(), "apns", apnsToken());
        fireWatchOnNewColleague(org, anna);

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(row(device).getString("state")));
        assertThat(row(device).getString("last_error")).contains("Unregistered");
        assertThat(rows(callsOnly)).isEmpty();
        io.restassured.path.json.JsonPath devices = as(anna.user().token()).get("/api/me/push-devices").then().extract().jsonPath();
        assertThat(devices.getList("items.token")).contains(voip);
        assertThat(devices.getString("items.find { it.token == '" + voip + "' }.alertToken")).isNull();
    }

    // --- helpers ----------------------------------------------------------------------------------

    private Watcher watcher(UUID org) {
        TestUser user = user(org);
        return new Watcher(user, createVoipAccount(org, "app", user.id()).path("id"));
    }

    private void fireWatchOnNewColleague(UUID org, Watcher watcher) {
        TestUser colleague = user(org);
        UUID mobile = Fixtures.fixedDestination(org, colleague.id(), "+31612345678");
        setAvailability(colleague, "offline", mobile);
        as(watcher.user().token()).body(Map.of("userId", colleague.id().toString())).post("/api/me/watches").then().statusCode(201);
        setAvailability(colleague, "available", mobile);
    }

    private long failed(String token) {
        return fake.to(token).stream().filter(r -> r.status() == 503).count();
    }

    private long delivered(String token) {
        return fake.to(token).stream().filter(r -> r.status() == 200).count();
    }

    private static void setAvailability(TestUser user, String status, UUID fixedDestination) {
        as(user.token()).body(Map.of("status", status, "destination", Map.of("type", "fixed_destination", "id", fixedDestination.toString())))
                .put("/api/me/availability").then().statusCode(200);
    }

    private Row row(String device) {
        List<Row> rows = rows(device);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private List<Row> rows(String device) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery("SELECT state, attempts, last_error FROM push_outbox WHERE push_device_id = $1")
                .execute(Tuple.of(UUID.fromString(device))).await().atMost(Duration.ofSeconds(5)).forEach(rows::add);
        return rows;
    }
}
