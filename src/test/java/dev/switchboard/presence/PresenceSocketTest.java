package dev.switchboard.presence;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.json.JsonObject;

@QuarkusTest
class PresenceSocketTest {

    @TestHTTPResource("/")
    URI base;

    // --- authentication at the upgrade ------------------------------------------------------

    @Test
    void upgradeWithoutValidCredentialsIsRefusedWith401() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String expired = Jwt.subject(anna.id().toString()).upn(anna.email()).groups(Set.of("user"))
                .claim("org", org.toString()).expiresAt(System.currentTimeMillis() / 1000 - 60).sign();
        assertThat(SocketClient.rejectedStatus(base, null, null)).isEqualTo(401);
        assertThat(SocketClient.rejectedStatus(base, "not-a-jwt", null)).isEqualTo(401);
        assertThat(SocketClient.rejectedStatus(base, expired, null)).isEqualTo(401);
        assertThat(SocketClient.rejectedStatus(base, null, "ticket=made-up")).isEqualTo(401);
    }

    @Test
    void aTicketOpensOneSocketOnly() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String ticket = as(anna.token()).post("/api/ws-tickets").then().statusCode(200).extract().path("ticket");
        int expiresIn = as(anna.token()).post("/api/ws-tickets").then().statusCode(200).extract().path("expiresIn");
        assertThat(expiresIn).isBetween(1, 30);

        try (SocketClient socket = SocketClient.connect(base, null, "ticket=" + ticket)) {
            JsonObject snapshot = socket.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.getJsonObject("me").getString("userId")).isEqualTo(anna.id().toString());
        }
        assertThat(SocketClient.rejectedStatus(base, null, "ticket=" + ticket)).isEqualTo(401);
    }

    @Test
    void operatorsAndThePlatformAreNotMembersAndAreTurnedAway() {
        try (SocketClient socket = SocketClient.connect(base, operator(), null)) {
            assertThat(socket.awaitClose()).isEqualTo(4403);
        }
        try (SocketClient socket = SocketClient.connect(base, platform(), null)) {
            assertThat(socket.awaitClose()).isEqualTo(4403);
        }
    }

    // --- the stream ---------------------------------------------------------------------------

    @Test
    void snapshotThenColleagueChangesArriveInOrderAndMeReachesEveryOwnSocket() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null);
                SocketClient bobPhone = SocketClient.connect(base, bob.token(), null);
                SocketClient bobLaptop = SocketClient.connect(base, bob.token(), null)) {
            JsonObject snapshot = annaSocket.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            long seq = snapshot.getLong("seq");
            assertThat(snapshot.getJsonObject("me").getString("status")).isEqualTo("available");
            assertThat(snapshot.getJsonObject("me").getJsonObject("reachability").getJsonArray("reasons")
                    .getJsonObject(0).getString("code")).isEqualTo("NO_DESTINATION");
            assertThat(snapshot.getJsonArray("colleagues").stream().map(c -> ((JsonObject) c).getString("userId")).toList())
                    .contains(anna.id().toString(), bob.id().toString());
            JsonObject bobInSnapshot = snapshot.getJsonArray("colleagues").stream().map(JsonObject.class::cast)
                    .filter(c -> c.getString("userId").equals(bob.id().toString())).findFirst().orElseThrow();
            assertThat(bobInSnapshot.fieldNames()).containsExactlyInAnyOrder("userId", "name", "internalNumber",
                    "availability", "userStatus", "context", "reach", "since", "note");
            bobPhone.next("snapshot");
            bobLaptop.next("snapshot");

            as(bob.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);

            JsonObject change = annaSocket.next("presence");
            assertThat(change.getLong("seq")).isEqualTo(seq + 1);
            assertThat(change.getJsonObject("colleague").getString("userId")).isEqualTo(bob.id().toString());
            assertThat(change.getJsonObject("colleague").getString("availability")).isEqualTo("do_not_disturb");
            // Bob's own sockets get the org event too (gap detection) and the private 'me', in
            // either order: 'me' is outside the org sequence.
            for (SocketClient own : List.of(bobPhone, bobLaptop)) {
                Map<String, JsonObject> frames = own.nextOfEach("presence", "me");
                assertThat(frames.get("presence").getLong("seq")).isEqualTo(seq + 1);
                assertThat(frames.get("me").getJsonObject("me").getString("status")).isEqualTo("do_not_disturb");
            }
        }
    }

    @Test
    void setAvailabilityOverTheSocketIsAckedAfterCommit() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null);
                SocketClient bobSocket = SocketClient.connect(base, bob.token(), null)) {
            annaSocket.next("snapshot");
            bobSocket.next("snapshot");
            bobSocket.send(Map.of("type", "set_availability", "id", "c1", "status", "offline"));
            JsonObject ack = bobSocket.next("ack");
            assertThat(ack.getString("id")).isEqualTo("c1");
            // Committed: the REST view already shows it.
            assertThat(as(bob.token()).get("/api/me").then().extract().<String>path("availability.status")).isEqualTo("offline");
            assertThat(annaSocket.next("presence").getJsonObject("colleague").getString("userStatus")).isEqualTo("offline");

            bobSocket.send(Map.of("type", "set_availability", "id", "c2", "destination",
                    Map.of("type", "voip_account", "id", UUID.randomUUID().toString())));
            JsonObject error = bobSocket.next("error");
            assertThat(error.getString("id")).isEqualTo("c2");
            assertThat(error.getString("code")).isEqualTo("validation");
            bobSocket.send(Map.of("type", "set_availability", "id", "c3", "status", "sleeping"));
            assertThat(bobSocket.next("error").getString("code")).isEqualTo("validation");
            bobSocket.send(Map.of("type", "ping"));
            bobSocket.next("pong");
        }
    }

    @Test
    void aDeviceSocketRegistersTheWebphoneAndItsCloseLapsesAfterTheGrace() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String webphone = createVoipAccount(org, "webphone", bob.id()).path("id");
        as(bob.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", webphone)))
                .put("/api/me/availability").then().statusCode(200);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null)) {
            JsonObject bobBefore = colleague(annaSocket.next("snapshot"), bob.id());
            assertThat(bobBefore.getString("availability")).isEqualTo("offline");

            SocketClient page = SocketClient.connect(base, bob.token(), "device=" + webphone);
            // The 'me' announcing the registration never overtakes the snapshot.
            assertThat(page.next().getString("type")).isEqualTo("snapshot");
            JsonObject online = annaSocket.next(f -> "presence".equals(f.getString("type"))
                    && f.getJsonObject("colleague").getString("userId").equals(bob.id().toString()));
            assertThat(online.getJsonObject("colleague").getString("availability")).isEqualTo("available");
            assertThat(as(operator()).get("/api/orgs/" + org + "/voip-accounts/" + webphone).then().extract()
                    .<Boolean>path("state.registered")).isTrue();

            long closedAt = System.nanoTime();
            page.close();
            JsonObject offline = annaSocket.next(f -> "presence".equals(f.getString("type"))
                    && f.getJsonObject("colleague").getString("userId").equals(bob.id().toString()));
            assertThat(offline.getJsonObject("colleague").getString("availability")).isEqualTo("offline");
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }
    }

    @Test
    void aReloadWithinTheGraceDoesNotFlap() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String webphone = createVoipAccount(org, "webphone", bob.id()).path("id");
        as(bob.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", webphone)))
                .put("/api/me/availability").then().statusCode(200);
        SocketClient page = SocketClient.connect(base, bob.token(), "device=" + webphone);
        page.next("snapshot");
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null)) {
            long seq = annaSocket.next("snapshot").getLong("seq");
            page.close();
            try (SocketClient reloaded = SocketClient.connect(base, bob.token(), "device=" + webphone)) {
                reloaded.next("snapshot");
                // Well past the grace period: nothing was published about bob.
                annaSocket.assertNoneFor(Duration.ofSeconds(3), f -> "presence".equals(f.getString("type")));
                long now = as(anna.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath().getLong("seq");
                assertThat(now).isEqualTo(seq);
            }
        }
    }

    @Test
    void aRefusedDeviceSocketLeavesTheOwnersDeviceRegistered() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String webphone = createVoipAccount(org, "webphone", bob.id()).path("id");
        as(bob.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", webphone)))
                .put("/api/me/availability").then().statusCode(200);
        try (SocketClient page = SocketClient.connect(base, bob.token(), "device=" + webphone)) {
            assertThat(page.next().getString("type")).isEqualTo("snapshot");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "available".equals(as(anna.token())
                    .get("/api/orgs/" + org + "/presence").then().extract().jsonPath()
                    .getString("colleagues.find { it.userId == '" + bob.id() + "' }.availability")));
            try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null)) {
                long seq = annaSocket.next("snapshot").getLong("seq");
                // Anna tries to be Bob's webphone: refused, and her socket's close must not
                // release the lease that Bob's page holds.
                try (SocketClient impostor = SocketClient.connect(base, anna.token(), "device=" + webphone)) {
                    assertThat(impostor.next("error").getString("code")).isEqualTo("forbidden");
                    assertThat(impostor.awaitClose()).isEqualTo(1008);
                }
                // Well past the grace period: Bob is still registered and nothing was published.
                annaSocket.assertNoneFor(Duration.ofMillis(3500), f -> "presence".equals(f.getString("type")));
                assertThat(as(anna.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath().getLong("seq"))
                        .isEqualTo(seq);
                assertThat(as(operator()).get("/api/orgs/" + org + "/voip-accounts/" + webphone).then().extract()
                        .<Boolean>path("state.registered")).isTrue();
            }
        }
    }

    @Test
    void aDeviceMustBeTheCallersOwnWebphoneOrApp() {
        UUID org = createOrg();
        TestUser bob = user(org);
        TestUser other = user(org);
        String othersWebphone = createVoipAccount(org, "webphone", other.id()).path("id");
        String deskPhone = createVoipAccount(org, "desk_phone", bob.id()).path("id");
        for (String device : List.of(othersWebphone, deskPhone)) {
            try (SocketClient socket = SocketClient.connect(base, bob.token(), "device=" + device)) {
                assertThat(socket.next("error").getString("code")).isEqualTo("forbidden");
                assertThat(socket.awaitClose()).isEqualTo(1008);
            }
        }
    }

    // --- resume ---------------------------------------------------------------------------------

    @Test
    void resumeReplaysExactlyTheMissedEventsOrFallsBackToASnapshot() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        long seq;
        try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
            seq = socket.next("snapshot").getLong("seq");
        }
        for (String status : List.of("do_not_disturb", "offline", "available_for_colleagues")) {
            as(bob.token()).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
        }
        try (SocketClient socket = SocketClient.connect(base, anna.token(), "since=" + seq)) {
            JsonObject resumed = socket.next();
            assertThat(resumed.getString("type")).isEqualTo("resumed");
            assertThat(resumed.getLong("seq")).isEqualTo(seq);
            List<Long> replayed = List.of(socket.next().getLong("seq"), socket.next().getLong("seq"), socket.next().getLong("seq"));
            assertThat(replayed).containsExactly(seq + 1, seq + 2, seq + 3);
            assertThat(socket.next().getString("type")).isEqualTo("me");
        }
        // More missed events than the server holds for resuming (50 in tests): a fresh snapshot.
        for (int i = 0; i < 30; i++) {
            as(bob.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
            as(bob.token()).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(200);
        }
        try (SocketClient socket = SocketClient.connect(base, anna.token(), "since=" + seq)) {
            assertThat(socket.next().getString("type")).isEqualTo("snapshot");
        }
        try (SocketClient socket = SocketClient.connect(base, anna.token(), "since=999999999")) {
            assertThat(socket.next().getString("type")).isEqualTo("snapshot");
        }
    }

    // --- bad input ------------------------------------------------------------------------------

    @Test
    void badFramesGetErrorsAndTheSocketStaysOpen() {
        UUID org = createOrg();
        TestUser anna = user(org);
        try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
            socket.next("snapshot");
            socket.send("{not json");
            assertThat(socket.next("error").getString("code")).isEqualTo("invalid_message");
            socket.send("{\"type\":\"dance\",\"id\":\"x\"}");
            JsonObject unknown = socket.next("error");
            assertThat(unknown.getString("code")).isEqualTo("invalid_message");
            assertThat(unknown.getString("id")).isEqualTo("x");
            socket.send("[1,2,3]");
            assertThat(socket.next("error").getString("code")).isEqualTo("invalid_message");
            socket.send("{\"type\":\"ping\"}");
            socket.next("pong");
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void aBurstOfCommandsIsRateLimitedWithoutClosing() {
        UUID org = createOrg();
        TestUser anna = user(org);
        try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
            socket.next("snapshot");
            for (int i = 0; i < 100; i++) {
                socket.send("{\"type\":\"ping\"}");
            }
            JsonObject limited = socket.next("error");
            assertThat(limited.getString("code")).isEqualTo("rate_limited");
            Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> {
                socket.send("{\"type\":\"ping\"}");
                return socket.drain().stream().anyMatch(f -> "pong".equals(f.getString("type")));
            });
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void aFrameAboveTheLimitClosesWith1009() {
        UUID org = createOrg();
        TestUser anna = user(org);
        try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
            socket.next("snapshot");
            socket.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}");
            assertThat(socket.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void tooManySocketsForOneUserCloseWith1008() {
        UUID org = createOrg();
        TestUser anna = user(org);
        List<SocketClient> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                SocketClient socket = SocketClient.connect(base, anna.token(), null);
                socket.next("snapshot");
                open.add(socket);
            }
            try (SocketClient eleventh = SocketClient.connect(base, anna.token(), null)) {
                assertThat(eleventh.awaitClose()).isEqualTo(1008);
            }
        } finally {
            open.forEach(SocketClient::close);
        }
    }

    @Test
    void deletingAUserClosesTheirSocketsWith4403AndTellsColleagues() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null);
                SocketClient bobSocket = SocketClient.connect(base, bob.token(), null)) {
            annaSocket.next("snapshot");
            bobSocket.next("snapshot");
            as(operator()).delete("/api/orgs/" + org + "/users/" + bob.id()).then().statusCode(204);
            JsonObject removed = annaSocket.next("colleague_removed");
            assertThat(removed.getString("userId")).isEqualTo(bob.id().toString());
            assertThat(bobSocket.awaitClose()).isEqualTo(4403);
        }
    }

    @Test
    void deletingTheOrganizationClosesEverySocketWith4403() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null);
                SocketClient bobSocket = SocketClient.connect(base, bob.token(), null)) {
            annaSocket.next("snapshot");
            bobSocket.next("snapshot");
            as(operator()).delete("/api/orgs/" + org).then().statusCode(204);
            assertThat(annaSocket.awaitClose()).isEqualTo(4403);
            assertThat(bobSocket.awaitClose()).isEqualTo(4403);
        }
    }

    @Test
    void anExpiringTokenClosesTheSocketWith4401() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String shortLived = Jwt.subject(anna.id().toString()).upn(anna.email()).groups(Set.of("user"))
                .claim("org", org.toString()).expiresAt(System.currentTimeMillis() / 1000 + 2).sign();
        try (SocketClient socket = SocketClient.connect(base, shortLived, null)) {
            socket.next("snapshot");
            assertThat(socket.awaitClose()).isEqualTo(4401);
        }
    }

    static JsonObject colleague(JsonObject snapshot, UUID userId) {
        return snapshot.getJsonArray("colleagues").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("userId").equals(userId.toString())).findFirst().orElseThrow();
    }

    static Set<String> types(List<JsonObject> frames) {
        return frames.stream().map(f -> f.getString("type")).collect(Collectors.toSet());
    }
}
