package dev.switchboard.ringgroup;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * Ring groups through the API: CRUD with validation and a shared internal number space, and group
 * availability as an org event in the presence stream and in the snapshot.
 */
@QuarkusTest
class RingGroupStreamTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void groupAvailabilityIsAnOrgEventWithASeqOnlyWhenTheCountChanges() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser anna = user(org);
        TestUser watcher = user(org);
        TestUser bob = user(org); // nothing selected: never counted
        Response desk = createVoipAccount(org, "desk_phone", anna.id());
        String sip = desk.path("sipUsername");
        String deskId = desk.path("id");
        as(anna.token()).body(Map.of("destination", Map.of("type", "voip_account", "id", deskId))).put("/api/me/availability")
                .then().statusCode(200);
        String groupId = as(boss.token()).body(Map.of("name", "Sales", "strategy", "ring_all", "members",
                List.of(anna.id().toString(), bob.id().toString())))
                .post("/api/orgs/" + org + "/ring-groups").then().statusCode(201).body("available", equalTo(0))
                .extract().path("id");

        try (SocketClient socket = SocketClient.connect(base, watcher.token(), null)) {
            JsonObject snapshot = socket.next("snapshot");
            JsonObject group = snapshot.getJsonArray("groups").getJsonObject(0);
            assertThat(group.getString("groupId")).isEqualTo(groupId);
            assertThat(group.getInteger("available")).isZero();
            assertThat(group.getInteger("members")).isEqualTo(2);
            long seq = snapshot.getLong("seq");

            // Anna's desk phone registers: she can take a call now, so 1 of 1.
            as(platform()).body(Map.of("registered", true, "expiresIn", 3600)).put("/api/platform/registrations/" + sip)
                    .then().statusCode(200);
            JsonObject frame = socket.next("group");
            assertThat(frame.getLong("seq")).isGreaterThan(seq);
            assertThat(frame.getJsonObject("group").getString("groupId")).isEqualTo(groupId);
            assertThat(frame.getJsonObject("group").getString("name")).isEqualTo("Sales");
            assertThat(frame.getJsonObject("group").getInteger("available")).isEqualTo(1);
            assertThat(frame.getJsonObject("group").getInteger("members")).isEqualTo(2);

            // A change that does not change n (a ringing call with call waiting on) sends no group frame.
            as(platform()).body(Map.of("callId", "g-1", "sipUsername", sip, "state", "ringing"))
                    .post("/api/platform/call-events").then().statusCode(200);
            socket.next("presence");
            socket.assertNoneFor(Duration.ofMillis(500), f -> "group".equals(f.getString("type")));

            // DND: she cannot take a call, 0 of 1 again.
            as(anna.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
            assertThat(socket.next("group").getJsonObject("group").getInteger("available")).isZero();

            // A member deleted: the group has one member fewer.
            as(boss.token()).delete("/api/orgs/" + org + "/users/" + bob.id()).then().statusCode(204);
            assertThat(socket.next("group").getJsonObject("group").getInteger("members")).isEqualTo(1);
        }
        // The REST snapshot shows the same, and the group's own view too.
        as(watcher.token()).get("/api/orgs/" + org + "/presence").then().statusCode(200)
                .body("groups[0].groupId", equalTo(groupId)).body("groups[0].available", equalTo(0));
        as(watcher.token()).get("/api/orgs/" + org + "/ring-groups/" + groupId).then().statusCode(200).body("available", equalTo(0));

        // Deleting the group says so in the stream.
        try (SocketClient socket = SocketClient.connect(base, watcher.token(), null)) {
            socket.next("snapshot");
            as(boss.token()).delete("/api/orgs/" + org + "/ring-groups/" + groupId).then().statusCode(204);
            assertThat(socket.next("group_removed").getString("groupId")).isEqualTo(groupId);
        }
    }

    @Test
    void crudValidatesAndSharesTheInternalNumberSpaceWithUsers() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser anna = user(org);
        String path = "/api/orgs/" + org + "/ring-groups";

        // Only admins write; members read.
        as(anna.token()).body(Map.of("name", "X", "strategy", "ring_all")).post(path).then().statusCode(403);
        // Shape errors: 400 with the fields.
        as(boss.token()).body(Map.of("strategy", "everyone", "memberRingSeconds", 2)).post(path).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("name")).body("errors.field", hasItem("strategy"))
                .body("errors.field", hasItem("memberRingSeconds"));
        // A group has no fixed destination of its own; members must be colleagues.
        as(boss.token()).body(Map.of("name", "X", "strategy", "ring_all", "fallback", Map.of("type", "fixed_destination",
                "id", UUID.randomUUID().toString()))).post(path).then().statusCode(422);
        as(boss.token()).body(Map.of("name", "X", "strategy", "ring_all", "members", List.of(UUID.randomUUID().toString())))
                .post(path).then().statusCode(422).body("errors.field", hasItem("members[0]"));
        // A user's number is taken for a group; the group gets a free one when none is asked for.
        as(boss.token()).body(Map.of("name", "X", "strategy", "ring_all", "internalNumber", anna.internalNumber()))
                .post(path).then().statusCode(409).body("errors.field", hasItem("internalNumber"));
        Map<String, Object> body = new HashMap<>(Map.of("name", "Support", "strategy", "longest_idle"));
        body.put("fallback", Map.of("type", "voicemail", "id", anna.id().toString()));
        Response created = as(boss.token()).body(body).post(path);
        created.then().statusCode(201).header("Location", endsWith(path + "/" + created.path("id")))
                .body("fallback.type", equalTo("voicemail")).body("memberRingSeconds", equalTo(15));
        String number = created.path("internalNumber");
        assertThat(number).matches("[1-9][0-9]+");
        as(boss.token()).body(Map.of("internalNumber", number)).patch("/api/orgs/" + org + "/users/" + anna.id()).then()
                .statusCode(409);

        // PATCH with If-Match: a stale ETag is 412, the current one works.
        String id = created.path("id");
        String etag = as(anna.token()).get(path + "/" + id).then().statusCode(200).extract().header("ETag");
        as(boss.token()).header("If-Match", "\"999\"").body(Map.of("name", "Help")).patch(path + "/" + id).then().statusCode(412);
        as(boss.token()).header("If-Match", etag).body(Map.of("name", "Help", "members", List.of(anna.id().toString())))
                .patch(path + "/" + id).then().statusCode(200).body("name", equalTo("Help"))
                .body("members", equalTo(List.of(anna.id().toString())));
        as(anna.token()).get(path).then().statusCode(200).body("total", equalTo(1)).body("items[0].name", equalTo("Help"));

        // Deleting a member's user removes them from the group; deleting the group frees its number.
        as(boss.token()).delete("/api/orgs/" + org + "/users/" + anna.id()).then().statusCode(204);
        as(boss.token()).get(path + "/" + id).then().statusCode(200).body("members", equalTo(List.of()))
                .body("fallback.type", equalTo("reject"));
        as(boss.token()).delete(path + "/" + id).then().statusCode(204);
        as(boss.token()).get(path + "/" + id).then().statusCode(404);
        as(boss.token()).body(Map.of("name", "Again", "strategy", "ring_all", "internalNumber", number)).post(path).then()
                .statusCode(201);
    }
}
