package dev.switchboard.web;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What is scheduled next, on the page's "You" card: the window ahead, then — when the service's
 * timers apply it — the status it sets and until when, then nothing once it ended; in English and
 * Dutch. Schedules are made through the REST API, in the organization's zone (Europe/Amsterdam);
 * the browser is an en-GB one (24-hour times) whose clock runs in that zone too, so the times on
 * screen are the schedule's own.
 */
@QuarkusTest
class ScheduledStatusPageBrowserTest {

    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    /** How the page's locales abbreviate weekdays (en-GB, nl-NL). */
    private static final Map<DayOfWeek, String> ENGLISH_DAYS = Map.of(DayOfWeek.MONDAY, "Mon", DayOfWeek.TUESDAY, "Tue",
            DayOfWeek.WEDNESDAY, "Wed", DayOfWeek.THURSDAY, "Thu", DayOfWeek.FRIDAY, "Fri", DayOfWeek.SATURDAY, "Sat",
            DayOfWeek.SUNDAY, "Sun");
    private static final Map<DayOfWeek, String> DUTCH_DAYS = Map.of(DayOfWeek.MONDAY, "ma", DayOfWeek.TUESDAY, "di",
            DayOfWeek.WEDNESDAY, "wo", DayOfWeek.THURSDAY, "do", DayOfWeek.FRIDAY, "vr", DayOfWeek.SATURDAY, "za",
            DayOfWeek.SUNDAY, "zo");
    private static final String NOTE = "<b>focus</b> time";

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    void theNextWindowIsShownThenItsStatusUntilItsEndThenNothing() {
        UUID org = createOrg();
        TestUser bob = user(org);
        UUID mobile = Fixtures.fixedDestination(org, bob.id(), "+31612345678");
        as(bob.token()).body(Map.of("status", "available_for_colleagues", "destination", Map.of("type", "fixed_destination", "id", mobile)))
                .put("/api/me/availability").then().statusCode(200);

        try (Browser browser = Browser.desktop(1280, 800).speaking("en-GB").inTimeZone(AMSTERDAM)) {
            PresencePage page = PresencePage.signIn(browser, base, bob.email(), TestApi.PASSWORD);
            page.until(d -> "Colleagues only".equals(page.myPresenceLabel()));
            assertThat(page.scheduledLine()).as("nothing is scheduled").isNull();

            // A window a few seconds ahead and a few seconds long (the timers tick every 500 ms).
            LocalDateTime from = LocalDateTime.now(AMSTERDAM).truncatedTo(ChronoUnit.SECONDS).plusSeconds(12);
            LocalDateTime until = from.plusSeconds(6);
            as(bob.token()).body(Map.of("status", "do_not_disturb", "note", NOTE, "from", from.toString(), "until", until.toString()))
                    .post("/api/me/schedules").then().statusCode(201);

            // Ahead: the status, the note (as text) and the window, while the status is still the old one.
            String ahead = page.until(Duration.ofSeconds(8), d -> page.scheduledLine());
            assertThat(ahead).isEqualTo("Scheduled: Do not disturb (“" + NOTE + "”), " + moment(from, ENGLISH_DAYS) + "–"
                    + (from.toLocalDate().equals(until.toLocalDate()) ? until.format(HH_MM) : moment(until, ENGLISH_DAYS)));
            assertThat(page.js("return document.querySelectorAll('#me-scheduled *').length")).as("no markup").isEqualTo(0L);
            assertThat(page.myPresenceLabel()).isEqualTo("Colleagues only");

            // It holds: the page shows do not disturb and its note, and the line says until when.
            page.until(d -> "Do not disturb".equals(page.myPresenceLabel()));
            page.until(d -> ("Do not disturb until " + moment(until, ENGLISH_DAYS) + " (scheduled)").equals(page.scheduledLine()));
            assertThat(page.driver.findElement(By.id("me-note")).getText()).contains(NOTE);
            assertThat(page.driver.findElement(By.id("me-scheduled")).getAttribute("data-active")).isEqualTo("true");

            // It ended: back to what it was, and nothing more is scheduled.
            page.until(d -> "Colleagues only".equals(page.myPresenceLabel()));
            page.until(d -> page.scheduledLine() == null);
            assertThat(page.checkedStatus()).isEqualTo("available_for_colleagues");
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void theLineInEnglishAndInDutchAheadAndWhileAWindowHolds() {
        UUID org = createOrg();
        TestUser bob = user(org);
        LocalDate day = LocalDate.now(AMSTERDAM).plusDays(2);
        as(bob.token()).body(Map.of("status", "do_not_disturb", "from", day.atTime(12, 0).toString(), "until", day.atTime(13, 0).toString()))
                .post("/api/me/schedules").then().statusCode(201);

        try (Browser browser = Browser.desktop(1280, 800).speaking("en-GB").inTimeZone(AMSTERDAM)) {
            PresencePage page = PresencePage.signIn(browser, base, bob.email(), TestApi.PASSWORD);
            page.until(d -> ("Scheduled: Do not disturb, " + ENGLISH_DAYS.get(day.getDayOfWeek()) + " 12:00–13:00")
                    .equals(page.scheduledLine()));

            new Select(page.driver.findElement(By.id("language"))).selectByValue("nl");
            page.until(d -> "Collega's".equals(page.js("return document.getElementById('colleagues-title').textContent"))
                    && "open".equals(page.connectionState()));
            String aheadInDutch = "Gepland: Niet storen, " + DUTCH_DAYS.get(day.getDayOfWeek()) + " 12:00–13:00";
            page.until(d -> aheadInDutch.equals(page.scheduledLine()));

            // A window that holds now comes first; when it is deleted, the one ahead shows again.
            LocalDateTime now = LocalDateTime.now(AMSTERDAM).truncatedTo(ChronoUnit.SECONDS);
            LocalDateTime end = now.plusMinutes(30);
            String running = as(bob.token()).body(Map.of("status", "offline", "from", now.minusMinutes(1).toString(), "until", end.toString()))
                    .post("/api/me/schedules").then().statusCode(201).extract().path("id");
            page.until(d -> ("Offline tot " + moment(end, DUTCH_DAYS) + " (gepland)").equals(page.scheduledLine()));
            as(bob.token()).delete("/api/me/schedules/" + running).then().statusCode(204);
            page.until(d -> aheadInDutch.equals(page.scheduledLine()));
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    /** A moment as the page writes one within the coming days: "13:00" today, else "Fri 13:00". */
    private static String moment(LocalDateTime at, Map<DayOfWeek, String> days) {
        return at.toLocalDate().equals(LocalDate.now(AMSTERDAM)) ? at.format(HH_MM) : days.get(at.getDayOfWeek()) + " " + at.format(HH_MM);
    }
}
