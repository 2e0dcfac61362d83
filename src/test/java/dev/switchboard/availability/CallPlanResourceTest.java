package dev.switchboard.availability;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.user;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The call plan resources: shape and ownership validation, the shared version with the
 * availability, the v1 destination as the plan's one-step view, and what deleting or unlinking
 * something a plan points at leaves behind.
 */
@QuarkusTest
class CallPlanResourceTest {

    @Test
    void aNewUserHasAnEmptyPlanWithCallWaitingOnAndEveryFallbackReject() {
        UUID org = createOrg();
        TestUser anna = user(org);
        as(anna.token()).get("/api/me/call-plan").then().statusCode(200)
                .body("steps", equalTo(List.of())).body("callWaiting", equalTo(true))
                .body("fallbacks.busy.type", equalTo("reject")).body("fallbacks.noAnswer.type", equalTo("reject"))
                .body("fallbacks.unreachable.type", equalTo("reject")).body("fallbacks.unavailable.type", equalTo("reject"));
    }

    @Test
    void theShapeIsCheckedWith400AndOwnershipWith422() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        String bobsDesk = createVoipAccount(org, "desk_phone", bob.id()).path("id");
        Map<String, Object> target = Map.of("type", "voip_account", "id", desk);

        as(anna.token()).body(Map.of("steps", List.of(Map.of("targets", List.of(), "ringSeconds", 4)))).put("/api/me/call-plan")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("steps[0].targets")).body("errors.field", hasItem("steps[0].ringSeconds"));
        as(anna.token()).body(Map.of("steps", List.of(Map.of("targets", List.of(target)), Map.of("targets", List.of(target)),
                Map.of("targets", List.of(target)), Map.of("targets", List.of(target)), Map.of("targets", List.of(target)),
                Map.of("targets", List.of(target))))).put("/api/me/call-plan").then().statusCode(400).body("errors.field", hasItem("steps"));
        as(anna.token()).body(Map.of("steps", List.of(Map.of("targets", List.of(target, target))))).put("/api/me/call-plan")
                .then().statusCode(400).body("errors.field", hasItem("steps[0].targets[1]"));
        as(anna.token()).body(Map.of("fallbacks", Map.of("busy", Map.of("type", "pager")))).put("/api/me/call-plan")
                .then().statusCode(400).body("errors.field", hasItem("fallbacks.busy.type"));
        as(anna.token()).body(Map.of("fallbacks", Map.of("busy", Map.of("type", "user")))).put("/api/me/call-plan")
                .then().statusCode(400).body("errors.field", hasItem("fallbacks.busy.id"));
        as(anna.token()).body(Map.of("steps", List.of(Map.of("targets", List.of(Map.of("type", "voip_account", "id", bobsDesk))))))
                .put("/api/me/call-plan").then().statusCode(422).body("errors.field", hasItem("steps[0].targets[0]"));
        as(anna.token()).body(Map.of("fallbacks", Map.of("noAnswer", Map.of("type", "user", "id", anna.id().toString()))))
                .put("/api/me/call-plan").then().statusCode(422).body("errors.field", hasItem("fallbacks.noAnswer"));
        // Someone else's plan is for admins only; a colleague's is 403, a foreign org's 404.
        as(bob.token()).get("/api/orgs/" + org + "/users/" + anna.id() + "/call-plan").then().statusCode(403);
        as(user(createOrg()).token()).get("/api/orgs/" + org + "/users/" + anna.id() + "/call-plan").then().statusCode(404);
        as(admin(org).token()).get("/api/orgs/" + org + "/users/" + anna.id() + "/call-plan").then().statusCode(200);
    }

    @Test
    void theDestinationIsThePlansOneStepViewAndTheyShareOneVersion() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        String mobile = as(operator()).body(Map.of("number", "+31612340001", "description", "mobile"))
                .post("/api/orgs/" + org + "/users/" + anna.id() + "/fixed-destinations").then().statusCode(201).extract().path("id");

        // A v1 destination becomes one step with that target (ring time 20 by default).
        as(anna.token()).body(Map.of("destination", Map.of("type", "voip_account", "id", desk))).put("/api/me/availability")
                .then().statusCode(200);
        String etag = as(anna.token()).get("/api/me/call-plan").then().statusCode(200)
                .body("steps[0].targets[0].id", equalTo(desk)).body("steps[0].ringSeconds", equalTo(20))
                .extract().header("ETag");

        // Two targets in the first step: no single destination any more.
        Map<String, Object> twoAtOnce = Map.of("steps", List.of(Map.of("ringSeconds", 30, "targets", List.of(
                Map.of("type", "voip_account", "id", desk), Map.of("type", "fixed_destination", "id", mobile)))),
                "fallbacks", Map.of("busy", Map.of("type", "voicemail")), "callWaiting", false);
        as(anna.token()).header("If-Match", "\"12345\"").body(twoAtOnce).put("/api/me/call-plan").then().statusCode(412);
        String next = as(anna.token()).header("If-Match", etag).body(twoAtOnce).put("/api/me/call-plan").then().statusCode(200)
                .body("callWaiting", equalTo(false)).body("fallbacks.busy.type", equalTo("voicemail")).extract().header("ETag");
        as(anna.token()).get("/api/orgs/" + org + "/users/" + anna.id() + "/availability").then().statusCode(200)
                .header("ETag", next).body("destination", nullValue());
        // The availability's old version is stale now too (409 in the body, 412 as If-Match).
        as(anna.token()).header("If-Match", etag).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(412);

        // Selecting a destination again: one step, the ring time and the fallbacks kept.
        as(anna.token()).body(Map.of("destination", Map.of("type", "fixed_destination", "id", mobile))).put("/api/me/availability")
                .then().statusCode(200).body("destination.id", equalTo(mobile));
        as(anna.token()).get("/api/me/call-plan").then().statusCode(200)
                .body("steps.size()", equalTo(1)).body("steps[0].targets.size()", equalTo(1)).body("steps[0].ringSeconds", equalTo(30))
                .body("fallbacks.busy.type", equalTo("voicemail")).body("callWaiting", equalTo(false));
        // A plan whose first step has one target reports it as the destination.
        as(anna.token()).body(Map.of("steps", List.of(Map.of("targets", List.of(Map.of("type", "voip_account", "id", desk))),
                Map.of("targets", List.of(Map.of("type", "fixed_destination", "id", mobile)))))).put("/api/me/call-plan")
                .then().statusCode(200);
        as(anna.token()).get("/api/me").then().statusCode(200).body("availability.destination.id", equalTo(desk));
    }

    @Test
    void deletingOrUnlinkingWhatAPlanPointsAtRemovesItFromThePlan() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser anna = user(org);
        TestUser bob = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        String soft = createVoipAccount(org, "softphone", anna.id()).path("id");
        String mobile = as(operator()).body(Map.of("number", "+31612340002", "description", "mobile"))
                .post("/api/orgs/" + org + "/users/" + anna.id() + "/fixed-destinations").then().statusCode(201).extract().path("id");
        as(anna.token()).body(Map.of(
                "steps", List.of(Map.of("targets", List.of(Map.of("type", "voip_account", "id", desk), Map.of("type", "voip_account", "id", soft))),
                        Map.of("targets", List.of(Map.of("type", "fixed_destination", "id", mobile)))),
                "fallbacks", Map.of("noAnswer", Map.of("type", "user", "id", bob.id().toString()),
                        "unreachable", Map.of("type", "fixed_destination", "id", mobile))))
                .put("/api/me/call-plan").then().statusCode(200);

        // Unlinking the softphone: the first step keeps the desk phone alone, which is the destination now.
        Map<String, Object> unlink = new java.util.HashMap<>();
        unlink.put("userId", null);
        as(boss.token()).body(unlink).patch("/api/orgs/" + org + "/voip-accounts/" + soft).then().statusCode(200);
        as(anna.token()).get("/api/me/call-plan").then().statusCode(200)
                .body("steps[0].targets.id", equalTo(List.of(desk)));
        as(anna.token()).get("/api/orgs/" + org + "/users/" + anna.id() + "/availability").then().statusCode(200)
                .body("destination.id", equalTo(desk));
        // Deleting the desk phone drops the step; the mobile step moves up.
        as(boss.token()).delete("/api/orgs/" + org + "/voip-accounts/" + desk).then().statusCode(204);
        as(anna.token()).get("/api/me/call-plan").then().statusCode(200)
                .body("steps.size()", equalTo(1)).body("steps[0].targets[0].id", equalTo(mobile));
        // Deleting the colleague and the mobile: those fallbacks are reject again.
        as(boss.token()).delete("/api/orgs/" + org + "/users/" + bob.id()).then().statusCode(204);
        as(boss.token()).delete("/api/orgs/" + org + "/users/" + anna.id() + "/fixed-destinations/" + mobile).then().statusCode(204);
        as(anna.token()).get("/api/me/call-plan").then().statusCode(200)
                .body("steps", equalTo(List.of())).body("fallbacks.noAnswer.type", equalTo("reject"))
                .body("fallbacks.unreachable.type", equalTo("reject"));
        as(anna.token()).get("/api/orgs/" + org + "/users/" + anna.id() + "/availability").then().statusCode(200)
                .body("destination", nullValue());
    }
}
