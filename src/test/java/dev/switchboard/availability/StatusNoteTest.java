package dev.switchboard.availability;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.Problems;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** The status note: set over REST and the socket, seen by colleagues, gone by itself at noteUntil. */
@QuarkusTest
class StatusNoteTest {

    private static final String EIGHTY = "Back at 3 🦷 " + "x".repeat(68); // 80 code points, 81 UTF-16 units

    @TestHTTPResource("/")
    URI base;

    @Test
    void colleaguesSeeTheNoteLiveAndItGoesByItselfAtNoteUntil() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null);
                SocketClient bobSocket = SocketClient.connect(base, bob.token(), null)) {
            assertThat(colleague(annaSocket.next("snapshot").getJsonArray("colleagues").stream(), bob.id()).getValue("note")).isNull();
            bobSocket.next("snapshot");
            // kept to the microsecond, as PostgreSQL keeps it: the answer echoes the request, the me frame says what is kept
            Instant until = Instant.now().plusSeconds(3);
            Instant kept = until.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            var set = as(bob.token()).body(Map.of("note", "  <b>At the dentist</b>  ", "noteUntil", until.toString()))
                    .put("/api/me/availability").then().statusCode(200).extract().jsonPath();
            // Stored as text, trimmed: markup is just characters.
            assertThat(set.getString("note")).isEqualTo("<b>At the dentist</b>");
            assertThat(Instant.parse(set.getString("noteUntil"))).isEqualTo(until);

            JsonObject presence = annaSocket.next(f -> "presence".equals(f.getString("type"))
                    && f.getJsonObject("colleague").getString("userId").equals(bob.id().toString()));
            assertThat(presence.getJsonObject("colleague").getString("note")).isEqualTo("<b>At the dentist</b>");
            JsonObject me = bobSocket.next("me").getJsonObject("me");
            assertThat(me.getString("note")).isEqualTo("<b>At the dentist</b>");
            assertThat(Instant.parse(me.getString("noteUntil"))).isEqualTo(kept);
            assertThat(as(anna.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath()
                    .getString("colleagues.find { it.userId == '" + bob.id() + "' }.note")).isEqualTo("<b>At the dentist</b>");
            var self = as(bob.token()).get("/api/me").then().statusCode(200).extract().jsonPath();
            assertThat(self.getString("availability.note")).isEqualTo("<b>At the dentist</b>");
            assertThat(self.getString("presence.note")).isEqualTo("<b>At the dentist</b>");

            // At noteUntil the timers clear it, and colleagues are told.
            JsonObject cleared = annaSocket.next(f -> "presence".equals(f.getString("type"))
                    && f.getJsonObject("colleague").getString("userId").equals(bob.id().toString()));
            assertThat(cleared.getJsonObject("colleague").getValue("note")).isNull();
            assertThat(cleared.getLong("seq")).isEqualTo(presence.getLong("seq") + 1);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bobSocket.next("me").getJsonObject("me").getValue("noteUntil") == null);
            var after = as(bob.token()).get("/api/me").then().extract().jsonPath();
            assertThat(after.getString("availability.note")).isNull();
            assertThat(after.getString("availability.noteUntil")).isNull();
        }
    }

    @Test
    void anAdminSetsAMembersNoteAndTheStatusStaysAsItWas() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser bob = user(org);
        as(bob.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
        String path = "/api/orgs/" + org + "/users/" + bob.id() + "/availability";
        as(boss.token()).body(Map.of("note", EIGHTY)).put(path).then().statusCode(200);
        var view = as(bob.token()).get(path).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("note")).isEqualTo(EIGHTY);
        assertThat(view.getString("status")).isEqualTo("do_not_disturb");
        assertThat(view.getString("noteUntil")).isNull();

        // A new note without noteUntil drops the old end, like the status's until; blank clears it.
        as(bob.token()).body(Map.of("note", "lunch", "noteUntil", Instant.now().plusSeconds(600).toString())).put(path).then().statusCode(200);
        as(bob.token()).body(Map.of("note", "long lunch")).put(path).then().statusCode(200);
        assertThat(as(bob.token()).get(path).then().extract().<String>path("noteUntil")).isNull();
        as(bob.token()).body(Map.of("note", "   ")).put(path).then().statusCode(200);
        assertThat(as(bob.token()).get(path).then().extract().<String>path("note")).isNull();
        Map<String, Object> clear = new HashMap<>();
        clear.put("note", null);
        as(bob.token()).body(Map.of("note", "x")).put(path).then().statusCode(200);
        as(bob.token()).body(clear).put(path).then().statusCode(200);
        assertThat(as(bob.token()).get(path).then().extract().<String>path("note")).isNull();
    }

    @Test
    void aNoteIsOneLineOfAtMostEightyCharactersOfPlainText() {
        UUID org = createOrg();
        TestUser bob = user(org);
        as(bob.token()).body(Map.of("note", "before")).put("/api/me/availability").then().statusCode(200);
        Problems.invalid(as(bob.token()).body(Map.of("note", EIGHTY + "y")).put("/api/me/availability"), "note");
        Problems.invalid(as(bob.token()).body(Map.of("note", "two\nlines")).put("/api/me/availability"), "note");
        Problems.invalid(as(bob.token()).body(Map.of("note", "next line\u0085")).put("/api/me/availability"), "note");
        Problems.invalid(as(bob.token()).body(Map.of("note", "line\u2028separator")).put("/api/me/availability"), "note");
        Problems.invalid(as(bob.token()).body(Map.of("note", "\u202Eevil")).put("/api/me/availability"), "note");
        Problems.invalid(as(bob.token()).body(Map.of("note", "x", "noteUntil", Instant.now().minusSeconds(1).toString()))
                .put("/api/me/availability"), "noteUntil");
        Problems.invalid(as(bob.token()).body(Map.of("note", "", "noteUntil", Instant.now().plusSeconds(60).toString()))
                .put("/api/me/availability"), "noteUntil");
        // Nothing was lost.
        assertThat(as(bob.token()).get("/api/me").then().extract().<String>path("availability.note")).isEqualTo("before");
    }

    @Test
    void theSocketSetsAndClearsTheNoteAndABadOneIsAnErrorFrameOnAnOpenSocket() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null);
                SocketClient bobSocket = SocketClient.connect(base, bob.token(), null)) {
            annaSocket.next("snapshot");
            bobSocket.next("snapshot");
            bobSocket.send(Map.of("type", "set_availability", "id", "n1", "note", "working from home"));
            assertThat(bobSocket.next("ack").getString("id")).isEqualTo("n1");
            assertThat(annaSocket.next("presence").getJsonObject("colleague").getString("note")).isEqualTo("working from home");

            bobSocket.send(Map.of("type", "set_availability", "id", "n2", "note", EIGHTY + "y"));
            JsonObject error = bobSocket.next("error");
            assertThat(error.getString("id")).isEqualTo("n2");
            assertThat(error.getString("code")).isEqualTo("validation");
            assertThat(error.getString("message")).contains("note");
            bobSocket.send(Map.of("type", "set_availability", "id", "n3", "note", "a\nb"));
            assertThat(bobSocket.next("error").getString("code")).isEqualTo("validation");
            bobSocket.send(Map.of("type", "ping"));
            bobSocket.next("pong");

            Map<String, Object> clear = new HashMap<>(Map.of("type", "set_availability", "id", "n4"));
            clear.put("note", null);
            bobSocket.send(clear);
            assertThat(bobSocket.next("ack").getString("id")).isEqualTo("n4");
            assertThat(annaSocket.next("presence").getJsonObject("colleague").getValue("note")).isNull();
        }
    }

    private static JsonObject colleague(java.util.stream.Stream<Object> colleagues, UUID userId) {
        return colleagues.map(JsonObject.class::cast).filter(c -> c.getString("userId").equals(userId.toString())).findFirst()
                .orElseThrow();
    }
}
