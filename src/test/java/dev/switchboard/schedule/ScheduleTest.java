package dev.switchboard.schedule;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.Problems;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/** Scheduled statuses through the API: applied at the start, undone at the end, by the timers. */
@QuarkusTest
class ScheduleTest {

    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/")
    URI base;

    @Test
    void aOneOffWindowAppliesItsStatusAndNoteThenReturnsToWhatItWas() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        as(bob.token()).body(Map.of("status", "available_for_colleagues", "note", "mine")).put("/api/me/availability").then().statusCode(200);
        try (SocketClient annaSocket = SocketClient.connect(base, anna.token(), null)) {
            annaSocket.next("snapshot");
            LocalDateTime now = localNow();
            JsonPath created = as(bob.token()).body(Map.of("status", "do_not_disturb", "note", "focus time",
                    "from", now.minusMinutes(1).toString(), "until", now.plusSeconds(4).toString()))
                    .post("/api/me/schedules").then().statusCode(201).extract().jsonPath();
            assertThat(created.getString("timeZone")).isEqualTo("Europe/Amsterdam");
            assertThat(created.getString("repeat")).isNull();
            assertThat(Instant.parse(created.getString("next.until"))).isEqualTo(now.plusSeconds(4).atZone(AMSTERDAM).toInstant());

            JsonObject applied = bobsPresence(annaSocket, bob, c -> "do_not_disturb".equals(c.getString("userStatus")));
            assertThat(applied.getString("note")).isEqualTo("focus time");
            assertThat(as(bob.token()).get("/api/me/schedules").then().extract().<Boolean>path("[0].active")).isTrue();

            JsonObject back = bobsPresence(annaSocket, bob, c -> "available_for_colleagues".equals(c.getString("userStatus")));
            assertThat(back.getString("note")).isEqualTo("mine");
            JsonPath list = as(bob.token()).get("/api/me/schedules").then().statusCode(200).extract().jsonPath();
            assertThat(list.getBoolean("[0].active")).isFalse();
            assertThat(list.getString("[0].next")).isNull();
        }
    }

    @Test
    void aWeeklyWindowEndsAndWaitsForTheSameWallClockTimeNextWeek() {
        UUID org = createOrg();
        TestUser bob = user(org);
        LocalDateTime now = localNow();
        String today = now.getDayOfWeek().name().substring(0, 3).toLowerCase();
        String id = as(bob.token()).body(Map.of("status", "offline", "from", now.minusMinutes(1).toString(),
                "until", now.plusSeconds(3).toString(), "repeat", Map.of("weekdays", List.of(today))))
                .post("/api/me/schedules").then().statusCode(201).extract().path("id");
        Awaitility.await().atMost(WAIT).until(() -> "offline".equals(status(bob)));
        Awaitility.await().atMost(WAIT).until(() -> "available".equals(status(bob)));
        JsonPath list = as(bob.token()).get("/api/me/schedules").then().statusCode(200).extract().jsonPath();
        assertThat(list.getString("[0].id")).isEqualTo(id);
        assertThat(list.getList("[0].repeat.weekdays")).containsExactly(today);
        assertThat(list.getBoolean("[0].active")).isFalse();
        assertThat(Instant.parse(list.getString("[0].next.from")))
                .isEqualTo(now.minusMinutes(1).plusDays(7).atZone(AMSTERDAM).toInstant());
        // Reachability tells what is scheduled next.
        JsonPath reach = as(bob.token()).get("/api/orgs/" + org + "/users/" + bob.id() + "/reachability").then().statusCode(200)
                .extract().jsonPath();
        assertThat(reach.getString("scheduled.status")).isEqualTo("offline");
        assertThat(reach.getString("scheduled.from")).isEqualTo(list.getString("[0].next.from"));
    }

    @Test
    void overlappingWindowsTheLaterStartHoldsAndItsEndReturnsToWhatWasBeforeBoth() {
        UUID org = createOrg();
        TestUser bob = user(org);
        LocalDateTime now = localNow();
        String first = create(bob, "do_not_disturb", now.minusMinutes(2), now.plusSeconds(2));
        create(bob, "offline", now.minusMinutes(1), now.plusSeconds(6));
        Awaitility.await().atMost(WAIT).until(() -> "offline".equals(status(bob)));
        // The first window's end came and went: it no longer holds, so it changes nothing.
        Awaitility.await().atMost(WAIT).until(() -> schedule(bob, first).get("next") == null);
        assertThat(status(bob)).isEqualTo("offline");
        Awaitility.await().atMost(WAIT).until(() -> "available".equals(status(bob)));
    }

    @Test
    void aWindowInsideALongerOneEndsBothAndTheLongerOneIsNotResumed() {
        UUID org = createOrg();
        TestUser bob = user(org);
        LocalDateTime now = localNow();
        LocalDateTime longEnd = now.plusSeconds(90);
        create(bob, "do_not_disturb", now.minusMinutes(2), longEnd);
        Awaitility.await().atMost(WAIT).until(() -> "do_not_disturb".equals(status(bob)));
        String inner = create(bob, "offline", now.minusMinutes(1), now.plusSeconds(5));
        Awaitility.await().atMost(WAIT).until(() -> "offline".equals(status(bob)));
        // The inner window's end restores what was before the longer one, which it had replaced.
        Awaitility.await().atMost(WAIT).until(() -> schedule(bob, inner).get("next") == null);
        assertThat(status(bob)).isEqualTo("available");
        assertThat(localNow()).as("the longer window still runs").isBefore(longEnd);
    }

    @Test
    void aChangeByHandDuringAWindowWinsAndTheWindowsEndLeavesIt() {
        UUID org = createOrg();
        TestUser bob = user(org);
        LocalDateTime now = localNow();
        String id = create(bob, "do_not_disturb", now.minusMinutes(1), now.plusSeconds(4));
        Awaitility.await().atMost(WAIT).until(() -> "do_not_disturb".equals(status(bob)));
        as(bob.token()).body(Map.of("status", "available_for_colleagues")).put("/api/me/availability").then().statusCode(200);
        Awaitility.await().atMost(WAIT).until(() -> schedule(bob, id).get("next") == null);
        assertThat(status(bob)).isEqualTo("available_for_colleagues");
    }

    @Test
    void deletingAScheduleWhoseWindowHoldsEndsItNow() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser bob = user(org);
        LocalDateTime now = localNow();
        String path = "/api/orgs/" + org + "/users/" + bob.id() + "/schedules";
        String id = as(boss.token()).body(Map.of("status", "offline", "from", now.minusMinutes(1).toString(),
                "until", now.plusHours(1).toString())).post(path).then().statusCode(201).extract().path("id");
        Awaitility.await().atMost(WAIT).until(() -> "offline".equals(status(bob)));
        as(bob.token()).delete("/api/me/schedules/" + id).then().statusCode(204);
        assertThat(status(bob)).isEqualTo("available");
        assertThat(as(boss.token()).get(path).then().statusCode(200).extract().<List<?>>path("")).isEmpty();
        as(bob.token()).delete("/api/me/schedules/" + id).then().statusCode(404);
    }

    @Test
    void windowsAreReadInTheUsersTimeZoneElseTheOrganizations() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser bob = user(org);
        LocalDateTime from = localNow().plusDays(30).withHour(9).withMinute(0).withSecond(0);
        Map<String, Object> body = Map.of("status", "offline", "from", from.toString(), "until", from.plusHours(1).toString());
        assertThat(nextFrom(bob, body)).isEqualTo(from.atZone(AMSTERDAM).toInstant());
        as(boss.token()).body(Map.of("settings", Map.of("timeZone", "Europe/London"))).patch("/api/orgs/" + org).then().statusCode(200);
        assertThat(as(boss.token()).get("/api/orgs/" + org).then().extract().<String>path("settings.timeZone")).isEqualTo("Europe/London");
        assertThat(nextFrom(bob, body)).isEqualTo(from.atZone(ZoneId.of("Europe/London")).toInstant());
        // The schedule made before the change waits for 09:00 in the new zone too.
        assertThat(Instant.parse(as(bob.token()).get("/api/me/schedules").then().extract().<String>path("[0].next.from")))
                .isEqualTo(from.atZone(ZoneId.of("Europe/London")).toInstant());
        as(bob.token()).body(Map.of("timeZone", "America/New_York")).patch("/api/orgs/" + org + "/users/" + bob.id()).then().statusCode(200);
        assertThat(nextFrom(bob, body)).isEqualTo(from.atZone(ZoneId.of("America/New_York")).toInstant());
        JsonPath all = as(bob.token()).get("/api/me/schedules").then().extract().jsonPath();
        assertThat(all.getList("timeZone")).containsOnly("America/New_York");
        assertThat(all.getList("next.from")).containsOnly(from.atZone(ZoneId.of("America/New_York")).toInstant().toString());
        assertThat(as(bob.token()).get("/api/me").then().extract().<String>path("user.timeZone")).isEqualTo("America/New_York");
        // "" follows the organization's zone again.
        as(bob.token()).body(Map.of("timeZone", "")).patch("/api/orgs/" + org + "/users/" + bob.id()).then().statusCode(200);
        assertThat(nextFrom(bob, body)).isEqualTo(from.atZone(ZoneId.of("Europe/London")).toInstant());
        Problems.invalid(as(bob.token()).body(Map.of("timeZone", "+01:00")).patch("/api/orgs/" + org + "/users/" + bob.id()), "timeZone");
        Problems.invalid(as(boss.token()).body(Map.of("settings", Map.of("timeZone", "Mars/Olympus"))).patch("/api/orgs/" + org),
                "settings.timeZone");
    }

    @Test
    void badSchedulesAreRefusedNamingTheFieldAndForeignIdsAreNotFound() {
        UUID org = createOrg();
        TestUser bob = user(org);
        LocalDateTime now = localNow();
        Map<String, Object> bad = new HashMap<>(Map.of("status", "do_not_disturb", "note", "x".repeat(81),
                "from", now.plusHours(2).toString(), "until", now.plusHours(1).toString(),
                "repeat", Map.of("weekdays", List.of("fri", "friday"))));
        Problems.invalid(as(bob.token()).body(bad).post("/api/me/schedules"), "note", "until", "repeat.weekdays");
        Problems.invalid(as(bob.token()).body(Map.of("status", "offline", "from", "tomorrow", "until", "2030-01-01T10:00"))
                .post("/api/me/schedules"), "from");
        Problems.invalid(as(bob.token()).body(Map.of("status", "offline", "from", "2030-01-01T10:00", "until", "2030-03-01T10:00"))
                .post("/api/me/schedules"), "until");
        Problems.invalid(as(bob.token()).body(Map.of("status", "offline", "from", now.minusHours(2).toString(),
                "until", now.minusHours(1).toString())).post("/api/me/schedules"), "until");
        Problems.invalid(as(bob.token()).body(Map.of("status", "offline", "from", "2030-01-01T10:00", "until", "2030-01-03T10:00",
                "repeat", Map.of("weekdays", List.of("mon", "tue")))).post("/api/me/schedules"), "until");
        as(bob.token()).body(Map.of("status", "sleeping", "from", "2030-01-01T10:00", "until", "2030-01-01T11:00"))
                .post("/api/me/schedules").then().statusCode(400);

        LocalDateTime later = now.plusDays(1);
        for (int i = 0; i < ScheduleService.MAX_PER_USER; i++) {
            create(bob, "offline", later.plusDays(i), later.plusDays(i).plusHours(1));
        }
        Problems.problemNaming(as(bob.token()).body(Map.of("status", "offline", "from", later.toString(),
                "until", later.plusHours(1).toString())).post("/api/me/schedules"), 422, "schedules");
        Problems.invalid(as(bob.token()).body(Map.of("status", "offline", "from", now.plusYears(2).toString(),
                "until", now.plusYears(2).plusHours(1).toString())).post("/api/me/schedules"), "from");

        UUID other = createOrg();
        TestUser stranger = admin(other);
        as(stranger.token()).get("/api/orgs/" + org + "/users/" + bob.id() + "/schedules").then().statusCode(404);
        String mine = create(stranger, "offline", later, later.plusHours(1));
        as(bob.token()).delete("/api/me/schedules/" + mine).then().statusCode(404);
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static LocalDateTime localNow() {
        return LocalDateTime.now(AMSTERDAM).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String create(TestUser user, String status, LocalDateTime from, LocalDateTime until) {
        return as(user.token()).body(Map.of("status", status, "from", from.toString(), "until", until.toString()))
                .post("/api/me/schedules").then().statusCode(201).extract().path("id");
    }

    private static Instant nextFrom(TestUser user, Map<String, Object> body) {
        return Instant.parse(as(user.token()).body(body).post("/api/me/schedules").then().statusCode(201).extract().path("next.from"));
    }

    private static String status(TestUser user) {
        return as(user.token()).get("/api/me").then().statusCode(200).extract().path("availability.status");
    }

    /** The user's schedule {@code id} as listed. */
    private static Map<String, Object> schedule(TestUser user, String id) {
        return as(user.token()).get("/api/me/schedules").then().statusCode(200).extract().jsonPath()
                .getMap("find { it.id == '" + id + "' }");
    }

    private static JsonObject bobsPresence(SocketClient socket, TestUser bob, java.util.function.Predicate<JsonObject> wanted) {
        return socket.next(f -> "presence".equals(f.getString("type"))
                && f.getJsonObject("colleague").getString("userId").equals(bob.id().toString())
                && wanted.test(f.getJsonObject("colleague"))).getJsonObject("colleague");
    }
}
