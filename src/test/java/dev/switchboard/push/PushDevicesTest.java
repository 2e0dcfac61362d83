package dev.switchboard.push;

import static dev.switchboard.push.PushTestSupport.apnsToken;
import static dev.switchboard.push.PushTestSupport.fcmToken;
import static dev.switchboard.push.PushTestSupport.register;
import static dev.switchboard.push.PushTestSupport.registered;
import static dev.switchboard.push.PushTestSupport.select;
import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.problemNaming;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/** {@code /api/me/push-devices}, in the default test app, which has no push provider configured. */
@QuarkusTest
class PushDevicesTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void registeringTheSameTokenAgainUpdatesIt() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String app = createVoipAccount(org, "app", anna.id()).path("id");
        String token = apnsToken();

        Response created = register(anna, app, "apns", token);
        created.then().statusCode(201).header("Location", endsWith("/api/me/push-devices/" + created.path("id")));
        assertThat(created.jsonPath().getString("platform")).isEqualTo("apns");
        assertThat(created.jsonPath().getString("appId")).isEqualTo("dev.switchboard.app");
        assertThat(created.jsonPath().getBoolean("sandbox")).isFalse();

        Map<String, Object> again = new HashMap<>(Map.of("voipAccountId", app, "platform", "apns", "token", token,
                "appId", "dev.switchboard.app", "name", "renamed", "sandbox", true));
        Response updated = as(anna.token()).body(again).post("/api/me/push-devices");
        updated.then().statusCode(200);
        assertThat(updated.jsonPath().getString("id")).isEqualTo(created.jsonPath().getString("id"));
        assertThat(updated.jsonPath().getString("name")).isEqualTo("renamed");
        assertThat(updated.jsonPath().getBoolean("sandbox")).isTrue();

        registered(anna, app, "fcm", fcmToken());
        JsonPath list = as(anna.token()).get("/api/me/push-devices").then().statusCode(200).extract().jsonPath();
        assertThat(list.getInt("total")).isEqualTo(2);
        assertThat(list.getList("items.platform")).containsExactly("apns", "fcm");
    }

    @Test
    void onlyTheOwnerOfAnAppAccountMayRegister() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String annasApp = createVoipAccount(org, "app", anna.id()).path("id");
        String annasWebphone = createVoipAccount(org, "webphone", anna.id()).path("id");
        String annasDesk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        UUID otherOrg = createOrg();
        TestUser stranger = user(otherOrg);
        String strangersApp = createVoipAccount(otherOrg, "app", stranger.id()).path("id");

        problem(register(bob, annasApp, "fcm", fcmToken()), 403);
        problem(register(anna, strangersApp, "fcm", fcmToken()), 404);
        problem(register(anna, UUID.randomUUID().toString(), "fcm", fcmToken()), 404);
        problemNaming(register(anna, annasWebphone, "fcm", fcmToken()), 422, "voipAccountId");
        problemNaming(register(anna, annasDesk, "apns", apnsToken()), 422, "voipAccountId");
        problem(as(platform()).body(Map.of()).post("/api/me/push-devices"), 403);
    }

    @Test
    void invalidBodiesAreValidationProblems() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String app = createVoipAccount(org, "app", anna.id()).path("id");
        invalid(register(anna, app, "apns", "not hex at all"), "token");
        invalid(register(anna, app, "webpush", fcmToken()), "platform");
        invalid(as(anna.token()).body(Map.of("voipAccountId", app, "platform", "fcm", "token", fcmToken(), "appId", "a.b",
                "alertToken", "abcdef0123456789")).post("/api/me/push-devices"), "alertToken");
        invalid(as(anna.token()).body(Map.of("voipAccountId", app, "platform", "apns", "token", apnsToken(), "appId", "a.b",
                "alertToken", "not hex")).post("/api/me/push-devices"), "alertToken");
        invalid(as(anna.token()).body(Map.of("voipAccountId", app, "platform", "fcm", "token", fcmToken(), "appId", "bad app id!"))
                .post("/api/me/push-devices"), "appId");
        invalid(as(anna.token()).body(Map.of("platform", "fcm", "token", fcmToken(), "appId", "a.b")).post("/api/me/push-devices"),
                "voipAccountId");
    }

    @Test
    void aFirstPushDeviceMakesAnUnregisteredAppReachableAndTheLastOneLeavingUndoesIt() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser colleague = user(org);
        String app = createVoipAccount(org, "app", anna.id()).path("id");
        select(anna, app, "available");

        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            assertThat(colleagueIn(socket.next("snapshot"), anna.id()).getString("availability")).isEqualTo("offline");

            String first = registered(anna, app, "fcm", fcmToken());
            JsonObject online = socket.next(f -> "presence".equals(f.getString("type"))
                    && anna.id().toString().equals(f.getJsonObject("colleague").getString("userId")));
            assertThat(online.getJsonObject("colleague").getString("availability")).isEqualTo("available");
            assertThat(online.getJsonObject("colleague").getString("reach")).isEqualTo("rings");

            String second = registered(anna, app, "apns", apnsToken());
            as(anna.token()).delete("/api/me/push-devices/" + first).then().statusCode(204);
            as(anna.token()).delete("/api/me/push-devices/" + second).then().statusCode(204);
            JsonObject offline = socket.next(f -> "presence".equals(f.getString("type"))
                    && anna.id().toString().equals(f.getJsonObject("colleague").getString("userId")));
            assertThat(offline.getJsonObject("colleague").getString("availability")).isEqualTo("offline");
            assertThat(as(anna.token()).get("/api/me").then().extract().jsonPath().getList("reachability.reasons.code"))
                    .contains("APP_NO_PUSH_DEVICE");

            problem(as(anna.token()).delete("/api/me/push-devices/" + first), 404);
        }
    }

    @Test
    void aTokenRegisteredBySomeoneElseMovesToThem() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String annasApp = createVoipAccount(org, "app", anna.id()).path("id");
        String bobsApp = createVoipAccount(org, "app", bob.id()).path("id");
        select(anna, annasApp, "available");
        String token = fcmToken();
        String device = registered(anna, annasApp, "fcm", token);
        problem(as(bob.token()).delete("/api/me/push-devices/" + device), 404);

        // The phone was handed over and Bob signed in: the latest registration of the install wins.
        register(bob, bobsApp, "fcm", token).then().statusCode(200);
        assertThat(as(anna.token()).get("/api/me/push-devices").then().extract().jsonPath().getList("items")).isEmpty();
        assertThat(as(bob.token()).get("/api/me/push-devices").then().extract().jsonPath().getList("items.token"))
                .containsExactly(token);
        assertThat(as(anna.token()).get("/api/me").then().extract().jsonPath().getString("presence.availability"))
                .isEqualTo("offline");
    }

    @Test
    void aTokenHeldInAnotherOrganizationIsLeftThereAndRegisteredAfresh() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String annasApp = createVoipAccount(org, "app", anna.id()).path("id");
        select(anna, annasApp, "available");
        UUID otherOrg = createOrg();
        TestUser stranger = user(otherOrg);
        String strangersApp = createVoipAccount(otherOrg, "app", stranger.id()).path("id");

        for (String[] token : new String[][] { { "fcm", fcmToken() }, { "apns", apnsToken() } }) {
            String annasDevice = registered(anna, annasApp, token[0], token[1]);
            // 201 as for a token never seen: nothing tells the stranger the token exists elsewhere.
            Response theirs = register(stranger, strangersApp, token[0], token[1]);
            theirs.then().statusCode(201);
            assertThat(theirs.jsonPath().getString("id")).isNotEqualTo(annasDevice);
            // Within the stranger's own organization, registering again updates it.
            register(stranger, strangersApp, token[0], token[1]).then().statusCode(200);
            assertThat(as(anna.token()).get("/api/me/push-devices").then().statusCode(200).extract().jsonPath()
                    .getList("items.id")).contains(annasDevice);
        }
        assertThat(as(anna.token()).get("/api/me").then().extract().jsonPath().getString("presence.availability"))
                .isEqualTo("available");
        assertThat(as(stranger.token()).get("/api/me/push-devices").then().extract().jsonPath().getInt("total")).isEqualTo(2);
    }

    @Test
    void withoutAConfiguredProviderAWakeUpIsANakAtOnce() {
        UUID org = createOrg();
        TestUser anna = user(org);
        Response app = createVoipAccount(org, "app", anna.id());
        registered(anna, app.path("id"), "apns", apnsToken());
        long start = System.nanoTime();
        JsonPath answer = as(platform()).body(Map.of("sipUsername", app.path("sipUsername"), "callId", "c-" + UUID.randomUUID(),
                "callerId", "+31201234567")).post("/api/platform/incoming-call").then().statusCode(200).extract().jsonPath();
        assertThat((System.nanoTime() - start) / 1_000_000).as("at once, not at the 4 s deadline").isLessThan(3500);
        assertThat(answer.getString("status")).isEqualTo("NAK");
        assertThat(answer.getString("reason")).isEqualTo("push not configured");
    }

    static JsonObject colleagueIn(JsonObject snapshot, UUID userId) {
        return snapshot.getJsonArray("colleagues").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("userId").equals(userId.toString())).findFirst().orElseThrow();
    }
}
