package dev.switchboard.platform;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Instant;
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

/**
 * What the SIP platform's frequent requests do and, above all, do not do: a refresh or a replayed
 * event that changes nothing visible records no presence event, and colleagues see exactly the
 * changes that matter.
 */
@QuarkusTest
class PlatformPathTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void refreshesThatChangeNothingRecordNoEventAndSendNoFrame() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser colleague = user(org);
        Device desk = deskOf(org, anna);
        register(desk, 3600, "Yealink T54W").then().statusCode(200);
        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            JsonObject snapshot = socket.next("snapshot");
            long seq = snapshot.getLong("seq");
            for (int i = 0; i < 20; i++) {
                register(desk, 3600, null).then().statusCode(200);
            }
            dnd(desk, true).then().statusCode(200);
            dnd(desk, true).then().statusCode(200);
            dnd(desk, false).then().statusCode(200);

            // seq is consecutive per org: the refreshes and the repeated DND took none.
            JsonObject first = socket.next(frame -> frame.containsKey("seq"));
            assertThat(first.getString("type")).isEqualTo("presence");
            assertThat(first.getLong("seq")).isEqualTo(seq + 1);
            assertThat(first.getJsonObject("colleague").getString("userId")).isEqualTo(anna.id().toString());
            assertThat(first.getJsonObject("colleague").getString("reach")).isNotEqualTo("rings");
            JsonObject second = socket.next(frame -> frame.containsKey("seq"));
            assertThat(second.getLong("seq")).isEqualTo(seq + 2);
            assertThat(second.getJsonObject("colleague").getString("availability")).isEqualTo("available");
        }
    }

    @Test
    void aRefreshAnswersTheDeviceStateAndKeepsWhatItOmits() {
        UUID org = createOrg();
        TestUser anna = user(org);
        Device desk = deskOf(org, anna);
        JsonPath first = register(desk, 600, "Zoiper 5").then().statusCode(200).extract().jsonPath();
        call(desk, "c1", "ringing").then().statusCode(200);
        dnd(desk, true).then().statusCode(200);

        JsonPath refreshed = register(desk, 600, null).then().statusCode(200).extract().jsonPath();
        assertThat(refreshed.getBoolean("registered")).isTrue();
        assertThat(refreshed.getString("userAgent")).isEqualTo("Zoiper 5");
        assertThat(refreshed.getBoolean("dnd")).isTrue();
        assertThat(refreshed.getList("context")).containsExactly("ringing");
        assertThat(Instant.parse(refreshed.getString("lastSeen"))).isAfter(Instant.parse(first.getString("lastSeen")));

        JsonPath renamed = register(desk, 600, "Zoiper 6").then().statusCode(200).extract().jsonPath();
        assertThat(renamed.getString("userAgent")).isEqualTo("Zoiper 6");
        as(operator()).get("/api/orgs/" + org + "/voip-accounts/" + desk.id()).then().statusCode(200)
                .body("state.userAgent", equalTo("Zoiper 6"))
                .body("state.registered", equalTo(true));
    }

    @Test
    void aLapsedDeviceThatReRegistersTurnsGreenForColleagues() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser colleague = user(org);
        Device desk = deskOf(org, anna);
        register(desk, 3600, "Yealink T54W").then().statusCode(200);
        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            socket.next("snapshot");
            // A refresh sets the expiry it is given, also a shorter one: the lapse timer follows it.
            register(desk, 1, null).then().statusCode(200);
            JsonObject lapsed = socket.next(frame -> isPresenceOf(frame, anna));
            assertThat(lapsed.getJsonObject("colleague").getString("availability")).isEqualTo("offline");
            assertThat(register(desk, 3600, null).then().statusCode(200).extract().jsonPath().getBoolean("registered")).isTrue();
            JsonObject green = socket.next(frame -> isPresenceOf(frame, anna));
            assertThat(green.getJsonObject("colleague").getString("availability")).isEqualTo("available");
            assertThat(green.getLong("seq")).isEqualTo(lapsed.getLong("seq") + 1);
        }
    }

    @Test
    void anUnregistrationReachesColleaguesAtOnce() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser colleague = user(org);
        Device desk = deskOf(org, anna);
        register(desk, 3600, null).then().statusCode(200);
        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            long seq = socket.next("snapshot").getLong("seq");
            as(platform()).body(Map.of("registered", false)).put("/api/platform/registrations/" + desk.sipUsername())
                    .then().statusCode(200).body("registered", equalTo(false));
            JsonObject gone = socket.next(frame -> isPresenceOf(frame, anna));
            assertThat(gone.getLong("seq")).isEqualTo(seq + 1);
            assertThat(gone.getJsonObject("colleague").getString("availability")).isEqualTo("offline");
        }
    }

    @Test
    void callEventsAnswerTheContextAndReplaysRecordNothing() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser colleague = user(org);
        Device desk = deskOf(org, anna);
        register(desk, 3600, null).then().statusCode(200);
        assertThat(call(desk, "c1", "ringing").then().statusCode(200).extract().jsonPath().getList("context"))
                .containsExactly("ringing");
        assertThat(call(desk, "c2", "ringing").then().statusCode(200).extract().jsonPath().getList("context"))
                .containsExactly("ringing");
        assertThat(call(desk, "c1", "answered").then().statusCode(200).extract().jsonPath().getList("context"))
                .containsExactly("ringing", "in_call");
        long seq = orgSeq(org, colleague);
        JsonPath replay = call(desk, "c1", "ringing").then().statusCode(200).extract().jsonPath();
        assertThat(replay.getList("context")).containsExactly("ringing", "in_call");
        assertThat(replay.getBoolean("registered")).isTrue();
        assertThat(orgSeq(org, colleague)).isEqualTo(seq);
        assertThat(call(desk, "c2", "ended").then().statusCode(200).extract().jsonPath().getList("context"))
                .containsExactly("in_call");
        assertThat(call(desk, "c1", "ended").then().statusCode(200).extract().jsonPath().getList("context")).isEmpty();
    }

    @Test
    void deviceDndRaisesTheAccountVersionOnlyWhenItChanges() {
        UUID org = createOrg();
        Device lobby = Device.of(createVoipAccount(org, "desk_phone", null));
        long version = accountVersion(org, lobby);
        assertThat(dnd(lobby, true).then().statusCode(200).extract().jsonPath().getBoolean("dnd")).isTrue();
        assertThat(accountVersion(org, lobby)).isEqualTo(version + 1);
        assertThat(dnd(lobby, true).then().statusCode(200).extract().jsonPath().getBoolean("registered")).isFalse();
        assertThat(accountVersion(org, lobby)).isEqualTo(version + 1);
        dnd(lobby, false).then().statusCode(200);
        assertThat(accountVersion(org, lobby)).isEqualTo(version + 2);
    }

    record Device(UUID id, String sipUsername) {
        static Device of(Response created) {
            return new Device(UUID.fromString(created.path("id")), created.path("sipUsername"));
        }
    }

    /** A desk phone the user has selected as their destination, so its state shows in their presence. */
    private static Device deskOf(UUID org, TestUser user) {
        Device desk = Device.of(createVoipAccount(org, "desk_phone", user.id()));
        as(user.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", desk.id().toString())))
                .put("/api/me/availability").then().statusCode(200);
        return desk;
    }

    private static Response register(Device device, int expiresIn, String userAgent) {
        Map<String, Object> body = userAgent == null ? Map.of("registered", true, "expiresIn", expiresIn)
                : Map.of("registered", true, "expiresIn", expiresIn, "userAgent", userAgent);
        return as(platform()).body(body).put("/api/platform/registrations/" + device.sipUsername());
    }

    private static Response dnd(Device device, boolean dnd) {
        return as(platform()).body(Map.of("dnd", dnd)).put("/api/platform/dnd/" + device.sipUsername());
    }

    private static Response call(Device device, String callId, String state) {
        return as(platform()).body(Map.of("callId", callId, "sipUsername", device.sipUsername(), "state", state))
                .post("/api/platform/call-events");
    }

    private static boolean isPresenceOf(JsonObject frame, TestUser user) {
        return "presence".equals(frame.getString("type"))
                && user.id().toString().equals(frame.getJsonObject("colleague").getString("userId"));
    }

    private static long orgSeq(UUID org, TestUser viewer) {
        return as(viewer.token()).get("/api/orgs/" + org + "/presence").then().statusCode(200).extract().jsonPath().getLong("seq");
    }

    private static long accountVersion(UUID org, Device device) {
        return as(operator()).get("/api/orgs/" + org + "/voip-accounts/" + device.id()).then().statusCode(200)
                .extract().jsonPath().getLong("version");
    }
}
