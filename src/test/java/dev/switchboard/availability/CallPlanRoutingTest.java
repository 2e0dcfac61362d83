package dev.switchboard.availability;

import static dev.switchboard.availability.ReachabilityFaqTest.callEvent;
import static dev.switchboard.availability.ReachabilityFaqTest.reachabilityPath;
import static dev.switchboard.availability.ReachabilityFaqTest.register;
import static dev.switchboard.availability.ReachabilityFaqTest.route;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.availability.ReachabilityFaqTest.Device;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Call plans, fallbacks and ring groups through the public API with the real database: what the
 * route answer does in each situation the plan has a fallback for, ring groups skipping members
 * who cannot take a call, fallback hops, and organization isolation.
 */
@QuarkusTest
class CallPlanRoutingTest {

    @Test
    void busyWithoutCallWaitingGoesToTheBusyFallback() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser caller = user(org);
        Device desk = registeredDevice(org, anna);
        UUID mobile = fixed(org, anna, "+31612345001");
        putPlan(anna, plan(List.of(step(20, voip(desk.id()))), Map.of("busy", Map.of("type", "fixed_destination", "id", mobile.toString())),
                false));
        callEvent(desk, "c-busy", "answered");

        JsonPath answer = route(org, caller.internalNumber(), anna.internalNumber());
        assertThat(answer.getString("action")).isEqualTo("forward");
        assertThat(answer.getString("forwardTo")).isEqualTo("+31612345001");
        assertThat(answer.getString("reason")).contains("busy fallback");
        assertThat(answer.getInt("hops")).isZero();
        assertThat(answer.getString("plan[0].targets[0].forwardTo")).isEqualTo("+31612345001");

        // With call waiting on, the same call rings the desk phone as in v1.
        putPlan(anna, plan(List.of(step(20, voip(desk.id()))), Map.of("busy", Map.of("type", "voicemail")), true));
        assertThat(route(org, caller.internalNumber(), anna.internalNumber()).getString("action")).isEqualTo("ring");
    }

    @Test
    void noAnswerAfterTheRingTimeGoesToTheNextStepThenTheNoAnswerFallback() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser caller = user(org);
        Device desk = registeredDevice(org, anna);
        UUID mobile = fixed(org, anna, "+31612345002");
        putPlan(anna, plan(List.of(step(15, voip(desk.id())), step(25, fixedTarget(mobile))), Map.of("noAnswer", Map.of("type", "voicemail")),
                true));

        JsonPath answer = route(org, caller.internalNumber(), anna.internalNumber());
        assertThat(answer.getString("action")).isEqualTo("ring");
        assertThat(answer.getString("targets[0].sipUsername")).isEqualTo(desk.sipUsername());
        assertThat(answer.getList("plan")).hasSize(2);
        assertThat(answer.getInt("plan[0].ringSeconds")).isEqualTo(15);
        assertThat(answer.getString("plan[0].targets[0].sipUsername")).isEqualTo(desk.sipUsername());
        assertThat(answer.getInt("plan[1].ringSeconds")).isEqualTo(25);
        assertThat(answer.getString("plan[1].targets[0].forwardTo")).isEqualTo("+31612345002");
        assertThat(answer.getString("onNoAnswer.action")).isEqualTo("voicemail");
        assertThat(answer.getString("onNoAnswer.voicemail")).isEqualTo(anna.id().toString());

        // The platform reports the step that was not answered: accepted and validated.
        as(platform()).body(Map.of("callId", "c-na", "sipUsername", desk.sipUsername(), "state", "ringing", "step", 1))
                .post("/api/platform/call-events").then().statusCode(200).body("context", hasItem("ringing"));
        as(platform()).body(Map.of("callId", "c-na", "sipUsername", desk.sipUsername(), "state", "no_answer", "step", 1))
                .post("/api/platform/call-events").then().statusCode(200).body("context", equalTo(List.of()));
        as(platform()).body(Map.of("callId", "c-na", "sipUsername", desk.sipUsername(), "state", "no_answer", "step", 0))
                .post("/api/platform/call-events").then().statusCode(400);
    }

    @Test
    void anUnreachableDeskPhoneFallsThroughToTheMobileStep() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser caller = user(org);
        Device desk = Device.of(createVoipAccount(org, "desk_phone", anna.id())); // never registered
        UUID mobile = fixed(org, anna, "+31612345003");
        putPlan(anna, plan(List.of(step(20, voip(desk.id())), step(30, fixedTarget(mobile))), Map.of(), true));

        JsonPath answer = route(org, caller.internalNumber(), anna.internalNumber());
        assertThat(answer.getString("action")).isEqualTo("forward");
        assertThat(answer.getString("forwardTo")).isEqualTo("+31612345003");
        assertThat(answer.getList("plan")).hasSize(1);
        assertThat(answer.getInt("plan[0].ringSeconds")).isEqualTo(30);
        assertThat(answer.getString("onNoAnswer.reason.code")).isEqualTo("NO_ANSWER");
        // Colleagues see the truth: the call is forwarded, so Anna is reachable.
        JsonPath reachability = as(anna.token()).get(reachabilityPath(anna)).then().statusCode(200).extract().jsonPath();
        assertThat(reachability.getBoolean("internal")).isTrue();
        assertThat(reachability.getString("plan[0].words")).contains("not registered now").contains("for 20 s");
        assertThat(reachability.getString("plan[1].words")).startsWith("Then rings your fixed destination +31612345003");

        // Nothing can ring at all: the unreachable fallback.
        as(operator()).delete("/api/orgs/" + org + "/users/" + anna.id() + "/fixed-destinations/" + mobile).then().statusCode(204);
        JsonPath rejected = route(org, caller.internalNumber(), anna.internalNumber());
        assertThat(rejected.getString("action")).isEqualTo("reject");
        assertThat(rejected.getString("reason.code")).isEqualTo("DEVICE_UNREGISTERED");
    }

    @Test
    void doNotDisturbGoesToVoicemailAndColleaguesSeeDoNotDisturb() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser caller = user(org);
        Device desk = registeredDevice(org, anna);
        putPlan(anna, plan(List.of(step(20, voip(desk.id()))), Map.of("unavailable", Map.of("type", "voicemail")), true));
        as(anna.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);

        JsonPath answer = route(org, caller.internalNumber(), anna.internalNumber());
        assertThat(answer.getString("action")).isEqualTo("voicemail");
        assertThat(answer.getString("voicemail")).isEqualTo(anna.id().toString());
        assertThat(answer.getString("reason.code")).isEqualTo("STATUS_DND");
        assertThat(answer.getString("plan[0].targets[0].voicemail")).isEqualTo(anna.id().toString());
        JsonPath me = as(anna.token()).get("/api/me").then().statusCode(200).extract().jsonPath();
        assertThat(me.getString("reachability.plan.find { it.fallback == 'unavailable' }.words"))
                .isEqualTo("When your status says no: voicemail");
        JsonPath presence = as(caller.token()).get("/api/orgs/" + org + "/presence/" + anna.id()).then().extract().jsonPath();
        if (presence.get("availability") != null) {
            assertThat(presence.getString("availability")).isEqualTo("do_not_disturb");
        }
    }

    @Test
    void aGroupOfFiveWhereTwoCanTakeACallRingsExactlyThoseTwoAndSaysWhyTheOthersWereSkipped() {
        UUID org = createOrg();
        TestUser admin = admin(org);
        TestUser caller = user(org);
        TestUser free1 = user(org);
        TestUser free2 = user(org);
        TestUser dnd = user(org);
        TestUser unregistered = user(org);
        TestUser busy = user(org);
        Device d1 = registeredDevice(org, free1);
        Device d2 = registeredDevice(org, free2);
        selectDevice(free1, d1);
        selectDevice(free2, d2);
        Device d3 = registeredDevice(org, dnd);
        selectDevice(dnd, d3);
        as(dnd.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
        Device d4 = Device.of(createVoipAccount(org, "desk_phone", unregistered.id()));
        selectDevice(unregistered, d4);
        Device d5 = registeredDevice(org, busy);
        putPlan(busy, plan(List.of(step(20, voip(d5.id()))), Map.of(), false));
        callEvent(d5, "c-group-busy", "answered");

        Map<String, Object> body = new HashMap<>();
        body.put("name", "Sales");
        body.put("strategy", "ring_all");
        body.put("members", List.of(dnd.id(), free1.id(), unregistered.id(), busy.id(), free2.id()).stream().map(UUID::toString).toList());
        Response created = as(admin.token()).body(body).post("/api/orgs/" + org + "/ring-groups");
        created.then().statusCode(201).body("available", equalTo(2)).body("memberRingSeconds", equalTo(15));
        String number = created.path("internalNumber");

        JsonPath answer = route(org, caller.internalNumber(), number);
        assertThat(answer.getString("action")).isEqualTo("ring");
        assertThat(answer.getList("targets.sipUsername")).containsExactlyInAnyOrder(d1.sipUsername(), d2.sipUsername());
        assertThat(answer.getList("plan")).hasSize(1);
        assertThat(answer.getInt("plan[0].ringSeconds")).isEqualTo(15);
        assertThat(answer.getList("skipped.userId")).containsExactly(dnd.id().toString(), unregistered.id().toString(), busy.id().toString());
        assertThat(answer.getList("skipped.reason.code")).containsExactly("STATUS_DND", "DEVICE_UNREGISTERED", "IN_CALL");
        // Each skipped member's history says so, with the group and the reason (queued: a moment later).
        for (TestUser skipped : List.of(dnd, unregistered, busy)) {
            Map<String, Object> item = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                    () -> as(skipped.token()).get("/api/me/history?type=call").jsonPath().<Map<String, Object>> getList("items").stream()
                            .filter(i -> "skipped_in_group".equals(((Map<?, ?>) i.get("details")).get("outcome"))).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            assertThat(((Map<?, ?>) item.get("details")).get("groupId")).isEqualTo(created.path("id"));
            assertThat((String) item.get("summary")).contains("Sales");
        }

        // in_order: one step per member who can take a call, in the group's order.
        as(admin.token()).body(Map.of("strategy", "in_order")).patch("/api/orgs/" + org + "/ring-groups/" + created.path("id"))
                .then().statusCode(200);
        JsonPath inOrder = route(org, caller.internalNumber(), number);
        assertThat(inOrder.getList("plan")).hasSize(2);
        assertThat(inOrder.getString("plan[0].targets[0].sipUsername")).isEqualTo(d1.sipUsername());
        assertThat(inOrder.getString("plan[1].targets[0].sipUsername")).isEqualTo(d2.sipUsername());

        // Any member may read the group, with its availability.
        as(caller.token()).get("/api/orgs/" + org + "/ring-groups/" + created.path("id")).then().statusCode(200)
                .body("available", equalTo(2)).body("members.size()", equalTo(5));
    }

    @Test
    void aPlanChangeIsInTheHistoryWithWhoMadeIt() {
        UUID org = createOrg();
        TestUser admin = admin(org);
        TestUser anna = user(org);
        Device desk = registeredDevice(org, anna);
        as(admin.token()).body(plan(List.of(step(25, voip(desk.id()))), Map.of("busy", Map.of("type", "voicemail")), false))
                .put("/api/orgs/" + org + "/users/" + anna.id() + "/call-plan").then().statusCode(200);

        JsonPath history = as(anna.token()).get("/api/me/history?type=plan").jsonPath();
        assertThat(history.getList("items")).hasSize(1);
        assertThat(history.getString("items[0].actor.type")).isEqualTo("admin");
        assertThat(history.getString("items[0].actor.userId")).isEqualTo(admin.id().toString());
        assertThat(history.getString("items[0].summary")).isEqualTo("Call plan changed: 1 step, call waiting off");
        assertThat(history.getInt("items[0].details.plan.steps[0].ringSeconds")).isEqualTo(25);
    }

    @Test
    void whenNobodyInTheGroupCanTakeTheCallItGoesToTheGroupsFallback() {
        UUID org = createOrg();
        TestUser admin = admin(org);
        TestUser caller = user(org);
        TestUser offline = user(org);
        TestUser backup = user(org);
        Device backupDesk = registeredDevice(org, backup);
        selectDevice(backup, backupDesk);
        as(offline.token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);

        Map<String, Object> body = new HashMap<>();
        body.put("name", "Support");
        body.put("strategy", "round_robin");
        body.put("members", List.of(offline.id().toString()));
        body.put("fallback", Map.of("type", "user", "id", backup.id().toString()));
        String number = as(admin.token()).body(body).post("/api/orgs/" + org + "/ring-groups").then().statusCode(201)
                .extract().path("internalNumber");

        JsonPath answer = route(org, caller.internalNumber(), number);
        assertThat(answer.getString("action")).isEqualTo("ring");
        assertThat(answer.getString("targets[0].sipUsername")).isEqualTo(backupDesk.sipUsername());
        assertThat(answer.getInt("hops")).isEqualTo(1);
        assertThat(answer.getString("via.type")).isEqualTo("group");
        assertThat(answer.getString("via.reason.code")).isEqualTo("NO_MEMBER_AVAILABLE");
        assertThat(answer.getList("skipped.reason.code")).containsExactly("STATUS_OFFLINE");
    }

    @Test
    void fallbacksThatLoopBetweenTwoUsersEndWithTooManyHops() {
        UUID org = createOrg();
        TestUser a = user(org);
        TestUser b = user(org);
        TestUser caller = user(org);
        as(a.token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);
        as(b.token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);
        putPlan(a, plan(List.of(), Map.of("unavailable", Map.of("type", "user", "id", b.id().toString())), true));
        putPlan(b, plan(List.of(), Map.of("unavailable", Map.of("type", "user", "id", a.id().toString())), true));

        JsonPath answer = route(org, caller.internalNumber(), a.internalNumber());
        assertThat(answer.getString("action")).isEqualTo("reject");
        assertThat(answer.getString("reason.code")).isEqualTo("TOO_MANY_HOPS");
        assertThat(answer.getInt("hops")).isEqualTo(3);
    }

    @Test
    void anotherOrganizationsUsersAndGroupsCannotBeFallbacksAndNeverShowUp() {
        UUID org = createOrg();
        UUID other = createOrg();
        TestUser anna = user(org);
        TestUser stranger = user(other);
        TestUser otherAdmin = admin(other);
        String foreignGroup = as(otherAdmin.token()).body(Map.of("name", "Theirs", "strategy", "ring_all"))
                .post("/api/orgs/" + other + "/ring-groups").then().statusCode(201).extract().path("id");

        as(anna.token()).body(plan(List.of(), Map.of("busy", Map.of("type", "user", "id", stranger.id().toString())), true))
                .put("/api/me/call-plan").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("fallbacks.busy"));
        as(anna.token()).body(plan(List.of(), Map.of("busy", Map.of("type", "group", "id", foreignGroup)), true))
                .put("/api/me/call-plan").then().statusCode(422).body("errors.field", hasItem("fallbacks.busy"));
        // Another org's group is not found through this org, nor listed in it.
        as(anna.token()).get("/api/orgs/" + org + "/ring-groups/" + foreignGroup).then().statusCode(404);
        as(anna.token()).get("/api/orgs/" + org + "/ring-groups").then().statusCode(200).body("total", equalTo(0));
        as(anna.token()).get("/api/orgs/" + other + "/ring-groups").then().statusCode(404);
        // Another user's device is not a target.
        Device theirs = Device.of(createVoipAccount(other, "desk_phone", stranger.id()));
        as(anna.token()).body(plan(List.of(step(20, voip(theirs.id()))), Map.of(), true)).put("/api/me/call-plan").then()
                .statusCode(422).body("errors.field", hasItem("steps[0].targets[0]"));
    }

    // --- helpers -------------------------------------------------------------------------------

    static Map<String, Object> voip(UUID id) {
        return Map.of("type", "voip_account", "id", id.toString());
    }

    static Map<String, Object> fixedTarget(UUID id) {
        return Map.of("type", "fixed_destination", "id", id.toString());
    }

    @SafeVarargs
    static Map<String, Object> step(int ringSeconds, Map<String, Object>... targets) {
        return Map.of("ringSeconds", ringSeconds, "targets", List.of(targets));
    }

    static Map<String, Object> plan(List<Map<String, Object>> steps, Map<String, Object> fallbacks, boolean callWaiting) {
        return Map.of("steps", steps, "fallbacks", fallbacks, "callWaiting", callWaiting);
    }

    static JsonPath putPlan(TestUser user, Map<String, Object> plan) {
        return as(user.token()).body(plan).put("/api/me/call-plan").then().statusCode(200).extract().jsonPath();
    }

    static Device registeredDevice(UUID org, TestUser owner) {
        Device device = Device.of(createVoipAccount(org, "desk_phone", owner.id()));
        register(device, 3600);
        return device;
    }

    static void selectDevice(TestUser user, Device device) {
        ReachabilityFaqTest.selectDevice(user, device, "available");
    }

    static UUID fixed(UUID org, TestUser user, String number) {
        String id = as(operator()).body(Map.of("number", number, "description", "mobile"))
                .post("/api/orgs/" + org + "/users/" + user.id() + "/fixed-destinations").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }
}
