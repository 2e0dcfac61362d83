package dev.switchboard.availability;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The questions users actually ask, walked end to end through REST: presence, reachability and
 * the routing decision must tell the same story.
 */
@QuarkusTest
class ReachabilityFaqTest {

    record Device(UUID id, String sipUsername, String internalNumber) {
        static Device of(Response created) {
            return new Device(UUID.fromString(created.path("id")), created.path("sipUsername"), created.path("internalNumber"));
        }
    }

    @Test
    void availableButDeskPhoneUnregisteredShowsOfflineAndRejectsUntilItRegisters() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser colleague = user(org);
        Device desk = Device.of(createVoipAccount(org, "desk_phone", anna.id()));
        selectDevice(anna, desk, "available");

        assertPresence(org, colleague, anna.id(), "offline", "unreachable");
        assertThat(reasonCodes(anna)).contains("DEVICE_UNREGISTERED");
        assertThat(route(org, colleague.internalNumber(), anna.internalNumber()).getString("action")).isEqualTo("reject");
        assertThat(route(org, colleague.internalNumber(), anna.internalNumber()).getString("reason.code")).isEqualTo("DEVICE_UNREGISTERED");

        register(desk, 3600);

        assertPresence(org, colleague, anna.id(), "available", "rings");
        assertThat(reasonCodes(anna)).containsExactly("OK");
        JsonPath decision = route(org, colleague.internalNumber(), anna.internalNumber());
        assertThat(decision.getString("action")).isEqualTo("ring");
        assertThat(decision.getString("targets[0].sipUsername")).isEqualTo(desk.sipUsername());
        assertThat(decision.getBoolean("targets[0].wakeUp")).isFalse();
    }

    @Test
    void unavailableOwnerMeansDirectDeviceCallsRejectUnlessTheAdminAllowsIt() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser bob = user(org);
        TestUser colleague = user(org);
        Device desk = Device.of(createVoipAccount(org, "desk_phone", bob.id()));
        register(desk, 3600);
        selectDevice(bob, desk, "do_not_disturb");

        JsonPath direct = route(org, colleague.internalNumber(), desk.internalNumber());
        assertThat(direct.getString("action")).isEqualTo("reject");
        assertThat(direct.getString("reason.code")).isEqualTo("STATUS_DND");

        as(boss.token()).body(Map.of("settings", Map.of("applyUserStatusToDevices", false)))
                .patch("/api/orgs/" + org).then().statusCode(200);

        assertThat(route(org, colleague.internalNumber(), desk.internalNumber()).getString("action")).isEqualTo("ring");
        // Calling the user (not the device) still follows the chosen status.
        assertThat(route(org, colleague.internalNumber(), bob.internalNumber()).getString("action")).isEqualTo("reject");
    }

    @Test
    void availableForColleaguesRingsInternalCallersAndRejectsExternalOnes() {
        UUID org = createOrg();
        TestUser carla = user(org);
        TestUser colleague = user(org);
        Device softphone = Device.of(createVoipAccount(org, "softphone", carla.id()));
        register(softphone, 3600);
        selectDevice(carla, softphone, "available_for_colleagues");

        assertPresence(org, colleague, carla.id(), "available_for_colleagues", "rings");
        assertThat(route(org, colleague.internalNumber(), carla.internalNumber()).getString("action")).isEqualTo("ring");
        JsonPath external = route(org, "+31201234567", carla.internalNumber());
        assertThat(external.getString("action")).isEqualTo("reject");
        assertThat(external.getString("reason.code")).isEqualTo("COLLEAGUES_ONLY");
        JsonPath reachability = as(carla.token()).get(reachabilityPath(carla)).then().statusCode(200).extract().jsonPath();
        assertThat(reachability.getBoolean("internal")).isTrue();
        assertThat(reachability.getBoolean("external")).isFalse();
    }

    @Test
    void greenAlwaysMeansTheRouteRingsOrForwards() {
        UUID org = createOrg();
        TestUser colleague = user(org);
        List<String> kinds = List.of("desk_phone", "softphone", "webphone", "app");
        for (String kind : kinds) {
            for (boolean registered : List.of(true, false)) {
                for (String status : List.of("available", "available_for_colleagues", "do_not_disturb", "offline")) {
                    TestUser someone = user(org);
                    Device device = Device.of(createVoipAccount(org, kind, someone.id()));
                    if (registered) {
                        register(device, 3600);
                    }
                    selectDevice(someone, device, status);
                    String availability = presenceOf(org, colleague, someone.id()).getString("availability");
                    String action = route(org, colleague.internalNumber(), someone.internalNumber()).getString("action");
                    boolean green = availability.equals("available") || availability.equals("available_for_colleagues");
                    assertThat(green).as("%s registered=%s status=%s shows %s but routes %s", kind, registered, status,
                            availability, action).isEqualTo(action.equals("ring"));
                }
            }
        }
    }

    @Test
    void fixedDestinationForwardsAndShowsAvailable() {
        UUID org = createOrg();
        TestUser dave = user(org);
        TestUser colleague = user(org);
        String destination = as(dave.token()).body(Map.of("number", "+31612345678", "description", "mobile"))
                .post("/api/orgs/" + org + "/users/" + dave.id() + "/fixed-destinations")
                .then().statusCode(201).extract().path("id");
        as(dave.token()).body(Map.of("status", "available", "destination", Map.of("type", "fixed_destination", "id", destination)))
                .put("/api/me/availability").then().statusCode(200);

        assertPresence(org, colleague, dave.id(), "available", "forwarded");
        JsonPath decision = route(org, colleague.internalNumber(), dave.internalNumber());
        assertThat(decision.getString("action")).isEqualTo("forward");
        assertThat(decision.getString("forwardTo")).isEqualTo("+31612345678");
    }

    @Test
    void deletingAUserKeepsItsDevicesUnownedAndRemovesItFromPresence() {
        UUID org = createOrg();
        TestUser eva = user(org);
        TestUser colleague = user(org);
        Device desk = Device.of(createVoipAccount(org, "desk_phone", eva.id()));
        long seqBefore = as(colleague.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath().getLong("seq");

        as(operator()).delete("/api/orgs/" + org + "/users/" + eva.id()).then().statusCode(204);

        as(operator()).get("/api/orgs/" + org + "/voip-accounts/" + desk.id()).then().statusCode(200)
                .body("userId", equalTo(null));
        JsonPath presence = as(colleague.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath();
        assertThat(presence.getList("colleagues.userId")).doesNotContain(eva.id().toString());
        assertThat(presence.getLong("seq")).isEqualTo(seqBefore + 1);
    }

    @Test
    void aRegistrationThatIsNotRefreshedLapsesByItself() {
        UUID org = createOrg();
        TestUser frank = user(org);
        TestUser colleague = user(org);
        Device desk = Device.of(createVoipAccount(org, "desk_phone", frank.id()));
        selectDevice(frank, desk, "available");
        register(desk, 2);
        assertPresence(org, colleague, frank.id(), "available", "rings");
        long seq = as(colleague.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath().getLong("seq");

        // Nothing reads frank's presence in between: only the lapse timer can produce the change.
        Awaitility.await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4))
                .until(() -> as(colleague.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath()
                        .getLong("seq") > seq);
        assertPresence(org, colleague, frank.id(), "offline", "unreachable");
        assertThat(reasonCodes(frank)).contains("DEVICE_UNREGISTERED");
    }

    @Test
    void aCallMakesTheUserBusyAndContextFollowsTheOrgSetting() {
        UUID org = createOrg();
        TestUser gina = user(org);
        TestUser colleague = user(org);
        Device desk = Device.of(createVoipAccount(org, "desk_phone", gina.id()));
        register(desk, 3600);
        selectDevice(gina, desk, "available");

        callEvent(desk, "call-1", "ringing");
        JsonPath ringing = presenceOf(org, colleague, gina.id());
        assertThat(ringing.getString("availability")).isEqualTo("available");
        assertThat(ringing.getList("context")).containsExactly("ringing");

        callEvent(desk, "call-1", "answered");
        callEvent(desk, "call-1", "ringing"); // late replay: a call only moves forward
        JsonPath busy = presenceOf(org, colleague, gina.id());
        assertThat(busy.getString("availability")).isEqualTo("busy");
        assertThat(busy.getList("context")).containsExactly("in_call");

        as(operator()).body(Map.of("settings", Map.of("showCallContext", false))).patch("/api/orgs/" + org).then().statusCode(200);
        JsonPath hidden = presenceOf(org, colleague, gina.id());
        assertThat(hidden.getString("availability")).isEqualTo("busy");
        assertThat(hidden.getList("context")).isEmpty();

        callEvent(desk, "call-1", "ended");
        assertThat(presenceOf(org, colleague, gina.id()).getString("availability")).isEqualTo("available");
    }

    @Test
    void aTimedStatusReturnsToAvailableByItself() {
        UUID org = createOrg();
        TestUser hank = user(org);
        TestUser colleague = user(org);
        Device desk = Device.of(createVoipAccount(org, "desk_phone", hank.id()));
        register(desk, 3600);
        String until = java.time.Instant.now().plusSeconds(2).toString();
        as(hank.token()).body(Map.of("status", "do_not_disturb", "until", until,
                "destination", Map.of("type", "voip_account", "id", desk.id().toString())))
                .put("/api/me/availability").then().statusCode(200).body("until", equalTo(until));
        assertPresence(org, colleague, hank.id(), "do_not_disturb", "unreachable");

        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "available".equals(presenceOf(org, colleague, hank.id()).getString("availability")));
        as(hank.token()).get("/api/me").then().statusCode(200)
                .body("availability.status", equalTo("available")).body("availability.until", equalTo(null));
    }

    @Test
    void aDestinationTheUserDoesNotOwnIsUnprocessable() {
        UUID org = createOrg();
        TestUser ivan = user(org);
        TestUser other = user(org);
        Device othersPhone = Device.of(createVoipAccount(org, "desk_phone", other.id()));
        as(ivan.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", othersPhone.id().toString())))
                .put("/api/me/availability").then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", hasItem("destination"));
    }

    // --- helpers -------------------------------------------------------------------------------

    static void selectDevice(TestUser user, Device device, String status) {
        as(user.token()).body(Map.of("status", status, "destination", Map.of("type", "voip_account", "id", device.id().toString())))
                .put("/api/me/availability").then().statusCode(200);
    }

    static void register(Device device, int expiresIn) {
        as(platform()).body(Map.of("registered", true, "expiresIn", expiresIn, "userAgent", "Yealink T54W"))
                .put("/api/platform/registrations/" + device.sipUsername()).then().statusCode(200)
                .body("registered", equalTo(true));
    }

    static void callEvent(Device device, String callId, String state) {
        as(platform()).body(Map.of("callId", callId, "sipUsername", device.sipUsername(), "state", state))
                .post("/api/platform/call-events").then().statusCode(200);
    }

    static JsonPath route(UUID org, String from, String to) {
        return as(platform()).body(Map.of("from", from, "to", to)).post("/api/orgs/" + org + "/calls/route")
                .then().statusCode(200).extract().jsonPath();
    }

    static String reachabilityPath(TestUser user) {
        return "/api/orgs/" + user.orgId() + "/users/" + user.id() + "/reachability";
    }

    static List<String> reasonCodes(TestUser user) {
        return as(user.token()).get(reachabilityPath(user)).then().statusCode(200).extract().jsonPath().getList("reasons.code");
    }

    static JsonPath presenceOf(UUID org, TestUser viewer, UUID subject) {
        JsonPath all = as(viewer.token()).get("/api/orgs/" + org + "/presence").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> colleagues = all.getList("colleagues");
        for (int i = 0; i < colleagues.size(); i++) {
            if (subject.toString().equals(colleagues.get(i).get("userId"))) {
                return new JsonPath(all.prettify()).setRootPath("colleagues[" + i + "]");
            }
        }
        throw new AssertionError("no presence for " + subject);
    }

    static void assertPresence(UUID org, TestUser viewer, UUID subject, String availability, String reach) {
        JsonPath presence = presenceOf(org, viewer, subject);
        assertThat(presence.getString("availability")).isEqualTo(availability);
        assertThat(presence.getString("reach")).isEqualTo(reach);
    }
}
