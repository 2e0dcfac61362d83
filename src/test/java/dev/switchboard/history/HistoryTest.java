package dev.switchboard.history;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * "Why didn't my phone ring at 14:03?" through the public API: changes with who made them, the
 * platform's reports, routing decisions and call outcomes, paging, validation and isolation.
 */
@QuarkusTest
class HistoryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aStatusChangeShowsWhoMadeIt_theUserOrAnAdmin() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser boss = admin(org);

        as(anna.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
        as(boss.token()).body(Map.of("status", "offline")).put(availability(anna)).then().statusCode(200);

        List<Map<String, Object>> items = items(as(anna.token()).get("/api/me/history?type=status"));
        assertThat(items).hasSize(2);
        // newest first
        assertThat(items.get(0)).containsEntry("type", "status");
        assertThat(items.get(0).get("actor")).isEqualTo(Map.of("type", "admin", "userId", boss.id().toString()));
        assertThat(details(items.get(0))).containsEntry("from", "do_not_disturb").containsEntry("to", "offline");
        assertThat((String) items.get(0).get("summary")).contains("offline").contains("do not disturb");
        assertThat(items.get(1).get("actor")).isEqualTo(Map.of("type", "self", "userId", anna.id().toString()));
        assertThat(details(items.get(1))).containsEntry("from", "available").containsEntry("to", "do_not_disturb");

        // The admin reads the same through the per-user resource.
        assertThat(items(as(boss.token()).get(history(anna) + "?type=status"))).isEqualTo(items);
    }

    @Test
    void aDestinationChangeAndATimedStatusThatEndsByItself() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        Instant until = Instant.now().plusSeconds(2);
        as(anna.token()).body(Map.of("status", "do_not_disturb", "until", until.toString(),
                "destination", Map.of("type", "voip_account", "id", desk))).put("/api/me/availability").then().statusCode(200);

        List<Map<String, Object>> destination = items(as(anna.token()).get("/api/me/history?type=destination"));
        assertThat(destination).singleElement().satisfies(item -> {
            assertThat(details(item).get("to")).isEqualTo(Map.of("type", "voip_account", "id", desk));
            assertThat(details(item).get("from")).isNull();
        });

        // The service's timer ends the status at 'until', and says so.
        Map<String, Object> ended = Awaitility.await().atMost(WAIT).until(
                () -> items(as(anna.token()).get("/api/me/history?type=status")).stream()
                        .filter(item -> ((Map<?, ?>) item.get("actor")).get("type").equals("timer")).findFirst().orElse(null),
                item -> item != null);
        assertThat(ended.get("actor")).isEqualTo(Map.of("type", "timer"));
        assertThat(details(ended)).containsEntry("from", "do_not_disturb").containsEntry("to", "available");
    }

    @Test
    void registrationAndDeviceDndFromThePlatform_butNotARefreshThatChangesNothing() {
        UUID org = createOrg();
        TestUser anna = user(org);
        Response desk = createVoipAccount(org, "desk_phone", anna.id());
        String sip = desk.path("sipUsername");

        register(sip, true);
        register(sip, true); // a refresh
        register(sip, true);
        as(platform()).body(Map.of("dnd", true)).put("/api/platform/dnd/" + sip).then().statusCode(200);
        as(platform()).body(Map.of("dnd", true)).put("/api/platform/dnd/" + sip).then().statusCode(200); // no change
        register(sip, false);

        List<Map<String, Object>> items = items(as(anna.token()).get("/api/me/history?type=registration,device_dnd"));
        assertThat(items).extracting(item -> item.get("type") + ":" + summaryFlag(item))
                .containsExactly("registration:false", "device_dnd:true", "registration:true");
        assertThat(items).allSatisfy(item -> assertThat(item.get("actor")).isEqualTo(Map.of("type", "platform")));
        assertThat(details(items.get(1))).containsEntry("voipAccountId", desk.path("id")).containsEntry("kind", "desk_phone");
        assertThat((String) items.get(1).get("summary")).contains("desk phone " + desk.path("internalNumber"));
        assertThat((String) items.get(2).get("summary")).endsWith("registered");
    }

    @Test
    void theOwnerSwitchingDndOnTheirDeviceIsSelf() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        as(anna.token()).body(Map.of("dnd", true)).patch("/api/orgs/" + org + "/voip-accounts/" + desk).then().statusCode(200);

        assertThat(items(as(anna.token()).get("/api/me/history?type=device_dnd"))).singleElement()
                .satisfies(item -> assertThat(item.get("actor")).isEqualTo(Map.of("type", "self", "userId", anna.id().toString())));
    }

    @Test
    void aRouteRejectedBecauseOfDndIsACallItemWithTheCallerAndTheReasonInWords() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        Response created = createVoipAccount(org, "desk_phone", anna.id());
        String sip = created.path("sipUsername");
        String desk = created.path("id");
        register(sip, true);
        as(anna.token()).body(Map.of("status", "do_not_disturb", "destination", Map.of("type", "voip_account", "id", desk)))
                .put("/api/me/availability").then().statusCode(200);

        Response route = as(platform()).body(Map.of("from", bob.internalNumber(), "to", anna.internalNumber()))
                .post("/api/orgs/" + org + "/calls/route");
        route.then().statusCode(200);
        assertThat(route.<String>path("action")).isEqualTo("reject");
        String message = route.path("reason.message");

        Map<String, Object> call = awaitOne(anna, "call");
        assertThat(call.get("actor")).isEqualTo(Map.of("type", "platform"));
        assertThat(details(call)).containsEntry("from", bob.internalNumber()).containsEntry("outcome", "rejected");
        assertThat(details(call).get("reasons")).isEqualTo(List.of(Map.of("code", "STATUS_DND", "message", message)));
        assertThat((String) call.get("summary")).isEqualTo("Call from " + bob.internalNumber() + " did not ring: " + message);
        assertThat(details(call).get("decision")).as("the whole answer, as the platform got it").isEqualTo(route.as(Map.class));

        // A call that rings is in the history too.
        as(anna.token()).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(200);
        as(platform()).body(Map.of("from", "+31201234567", "to", anna.internalNumber()))
                .post("/api/orgs/" + org + "/calls/route").then().statusCode(200);
        Map<String, Object> rang = awaitItems(anna, "call", 2).get(0);
        assertThat(details(rang)).containsEntry("from", "+31201234567").containsEntry("outcome", "rang");
    }

    @Test
    void aForwardedRouteNamesTheNumberItWentTo() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String mobile = as(anna.token()).body(Map.of("number", "+31612345678", "description", "mobile"))
                .post("/api/orgs/" + org + "/users/" + anna.id() + "/fixed-destinations").then().statusCode(201).extract().path("id");
        as(anna.token()).body(Map.of("status", "available", "destination", Map.of("type", "fixed_destination", "id", mobile)))
                .put("/api/me/availability").then().statusCode(200);

        Response route = as(platform()).body(Map.of("from", "+31201234567", "to", anna.internalNumber()))
                .post("/api/orgs/" + org + "/calls/route");
        route.then().statusCode(200);
        assertThat(route.<String>path("action")).isEqualTo("forward");

        Map<String, Object> call = awaitOne(anna, "call");
        assertThat(details(call)).containsEntry("outcome", "forwarded");
        assertThat((String) call.get("summary")).startsWith("Call from +31201234567 was forwarded to +31612345678");
        assertThat(details(call).get("decision")).isEqualTo(route.as(Map.class));
    }

    @Test
    void aCallEventNoAnswerLandsInTheHistoryWithItsReason_once() {
        UUID org = createOrg();
        TestUser anna = user(org);
        Response created = createVoipAccount(org, "desk_phone", anna.id());
        String sip = created.path("sipUsername");
        register(sip, true);

        callEvent(sip, "call-7", "ringing", null);
        Response noAnswer = callEvent(sip, "call-7", "no_answer", 2);
        assertThat(noAnswer.<List<String>>path("context")).as("the device no longer rings").isEmpty();
        callEvent(sip, "call-7", "no_answer", 2); // a replay changes nothing

        Map<String, Object> item = awaitOne(anna, "call");
        assertThat(item.get("actor")).isEqualTo(Map.of("type", "platform"));
        assertThat(details(item)).containsEntry("outcome", "no_answer").containsEntry("callId", "call-7").containsEntry("step", 2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> reasons = (List<Map<String, Object>>) details(item).get("reasons");
        assertThat(reasons).singleElement().satisfies(reason -> {
            assertThat(reason).containsEntry("code", "NO_ANSWER");
            assertThat((String) reason.get("message")).contains("desk phone " + created.path("internalNumber")).contains("nobody answered");
        });
        assertThat((String) item.get("summary")).isEqualTo("Call not answered on your desk phone " + created.path("internalNumber")
                + " (test desk_phone) (step 2)");

        callEvent(sip, "call-8", "ringing", null);
        callEvent(sip, "call-8", "answered", null);
        assertThat(details(awaitItems(anna, "call", 2).get(0))).containsEntry("outcome", "answered");
    }

    @Test
    void pagesGoNewestFirstWithoutGapsOrRepeats() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String[] statuses = { "do_not_disturb", "offline", "available_for_colleagues", "available", "do_not_disturb" };
        for (String status : statuses) {
            as(anna.token()).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
        }
        List<Map<String, Object>> all = items(as(anna.token()).get("/api/me/history"));
        assertThat(all).hasSize(5);
        assertThat(as(anna.token()).get("/api/me/history").<String>path("next")).isNull();

        List<Map<String, Object>> paged = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            Response page = as(anna.token()).queryParams(next == null ? Map.of("limit", 2) : Map.of("limit", 2, "before", next))
                    .get("/api/me/history");
            page.then().statusCode(200);
            paged.addAll(items(page));
            next = page.path("next");
            pages++;
        } while (next != null);
        assertThat(pages).isEqualTo(3);
        assertThat(paged).isEqualTo(all);
        assertThat(paged).extracting(item -> details(item).get("to")).containsExactly("do_not_disturb", "available",
                "available_for_colleagues", "offline", "do_not_disturb");

        // A plain time: strictly older items.
        String third = (String) all.get(2).get("at");
        assertThat(items(as(anna.token()).queryParam("before", third).get("/api/me/history"))).isEqualTo(all.subList(3, 5));
        assertThat(items(as(anna.token()).get("/api/me/history?type=call"))).isEmpty();
        assertThat(items(as(anna.token()).get("/api/me/history?type=call&type=status"))).hasSize(5);
    }

    @Test
    void badQueriesAre400sNamingTheParameter() {
        UUID org = createOrg();
        TestUser anna = user(org);
        for (String query : List.of("limit=0", "limit=201", "limit=ten", "type=calls", "type=call,nope", "before=yesterday",
                "before=2026-13-01T00:00:00Z")) {
            Response response = as(anna.token()).get("/api/me/history?" + query);
            response.then().statusCode(400).contentType("application/problem+json");
            assertThat(response.<String>path("errors[0].field")).as(query).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        as(anna.token()).get("/api/me/history?limit=200&type=&before=").then().statusCode(200);
        // Times beyond what the database stores are fine: they just mean "everything" or "nothing".
        as(anna.token()).queryParam("before", "+999999999-12-31T23:59:59Z").get("/api/me/history").then().statusCode(200);
        as(anna.token()).queryParam("before", "-999999999-01-01T00:00:00Z").get("/api/me/history").then().statusCode(200);
    }

    @Test
    void historyIsForTheUserAndTheirAdmins_andForeignIdsAre404() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        UUID otherOrg = createOrg();
        TestUser otherAdmin = admin(otherOrg);
        TestUser stranger = user(otherOrg);
        as(anna.token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);

        as(bob.token()).get(history(anna)).then().statusCode(403);
        as(otherAdmin.token()).get(history(anna)).then().statusCode(404);
        // Anna's id under the other organization's path: not a user there.
        as(otherAdmin.token()).get("/api/orgs/" + otherOrg + "/users/" + anna.id() + "/history").then().statusCode(404);
        as(admin(org).token()).get("/api/orgs/" + org + "/users/" + stranger.id() + "/history").then().statusCode(404);
        as(platform()).get("/api/me/history").then().statusCode(403);
        assertThat(items(as(stranger.token()).get("/api/me/history"))).isEmpty();
    }

    // --- helpers --------------------------------------------------------------------------------

    private static String history(TestUser user) {
        return "/api/orgs/" + user.orgId() + "/users/" + user.id() + "/history";
    }

    private static String availability(TestUser user) {
        return "/api/orgs/" + user.orgId() + "/users/" + user.id() + "/availability";
    }

    private static void register(String sip, boolean registered) {
        Map<String, Object> body = new HashMap<>();
        body.put("registered", registered);
        if (registered) {
            body.put("expiresIn", 300);
        }
        as(platform()).body(body).put("/api/platform/registrations/" + sip).then().statusCode(200);
    }

    private static Response callEvent(String sip, String callId, String state, Integer step) {
        Map<String, Object> body = new HashMap<>(Map.of("callId", callId, "sipUsername", sip, "state", state));
        if (step != null) {
            body.put("step", step);
        }
        Response response = as(platform()).body(body).post("/api/platform/call-events");
        response.then().statusCode(200);
        return response;
    }

    /** The one item of this type, once it was written (call items are written in batches), and no second one after it. */
    private static Map<String, Object> awaitOne(TestUser user, String type) {
        Map<String, Object> item = awaitItems(user, type, 1).get(0);
        Awaitility.await().during(Duration.ofMillis(300)).atMost(WAIT)
                .until(() -> items(as(user.token()).get("/api/me/history?type=" + type)).size() == 1);
        return item;
    }

    /** The user's items of this type once there are {@code count}. */
    private static List<Map<String, Object>> awaitItems(TestUser user, String type, int count) {
        return Awaitility.await().atMost(WAIT)
                .until(() -> items(as(user.token()).get("/api/me/history?type=" + type)), found -> found.size() == count);
    }

    private static List<Map<String, Object>> items(Response response) {
        response.then().statusCode(200);
        return JsonPath.from(response.asString()).getList("items");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Map<String, Object> item) {
        return (Map<String, Object>) item.get("details");
    }

    private static Object summaryFlag(Map<String, Object> item) {
        Map<String, Object> details = details(item);
        return details.containsKey("registered") ? details.get("registered") : details.get("dnd");
    }
}
