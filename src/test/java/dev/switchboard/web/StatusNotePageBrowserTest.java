package dev.switchboard.web;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The status note on the page: set and cleared by typing, shown to a colleague as text, gone at its end. */
@QuarkusTest
class StatusNotePageBrowserTest {

    private static final String MARKUP = "<img src=x onerror=\"window.__pwned=1\"> at lunch";

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    void aNoteTypedOnOnePageShowsAsTextOnAColleaguesPageAndClears() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (Browser annasBrowser = Browser.desktop(1280, 800); Browser bobsBrowser = Browser.desktop(1280, 800)) {
            PresencePage annasPage = PresencePage.signIn(annasBrowser, base, anna.email(), TestApi.PASSWORD);
            PresencePage bobsPage = PresencePage.signIn(bobsBrowser, base, bob.email(), TestApi.PASSWORD);
            annasPage.until(d -> annasPage.row(bob.id()) != null);
            assertThat(note(annasPage, bob.id())).isEmpty();

            WebElement field = bobsPage.driver.findElement(By.id("note"));
            field.sendKeys(MARKUP);
            bobsPage.driver.findElement(By.id("note-save")).click();

            annasPage.until(Duration.ofSeconds(5), d -> MARKUP.equals(note(annasPage, bob.id())));
            // Text, never markup: no image was made and its handler never ran.
            assertThat(annasPage.js("return document.querySelectorAll('#colleague-rows img').length")).isEqualTo(0L);
            assertThat(annasPage.js("return window.__pwned === undefined")).isEqualTo(true);
            bobsPage.until(d -> bobsPage.driver.findElement(By.id("me-note")).getText().contains(MARKUP));

            bobsPage.driver.findElement(By.id("note-clear")).click();
            annasPage.until(Duration.ofSeconds(5), d -> note(annasPage, bob.id()).isEmpty());
            assertThat(as(bob.token()).get("/api/me").then().extract().<String>path("availability.note")).isNull();
            assertThat(annasBrowser.uncaughtErrors()).isEmpty();
            assertThat(bobsBrowser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void aNoteWithAnEndDisappearsFromTheColleaguesPageByItself() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (Browser annasBrowser = Browser.desktop(1280, 800)) {
            PresencePage annasPage = PresencePage.signIn(annasBrowser, base, anna.email(), TestApi.PASSWORD);
            annasPage.until(d -> annasPage.row(bob.id()) != null);
            as(bob.token()).body(Map.of("note", "in a meeting", "noteUntil", Instant.now().plusSeconds(3).toString()))
                    .put("/api/me/availability").then().statusCode(200);
            annasPage.until(Duration.ofSeconds(5), d -> "in a meeting".equals(note(annasPage, bob.id())));
            annasPage.until(Duration.ofSeconds(10), d -> note(annasPage, bob.id()).isEmpty());
            assertThat(annasBrowser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theNoteUntilFieldEndsTheNoteOnTheColleaguesPageByItself() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (Browser annasBrowser = Browser.desktop(1280, 800); Browser bobsBrowser = Browser.desktop(1280, 800)) {
            PresencePage annasPage = PresencePage.signIn(annasBrowser, base, anna.email(), TestApi.PASSWORD);
            PresencePage bobsPage = PresencePage.signIn(bobsBrowser, base, bob.email(), TestApi.PASSWORD);
            annasPage.until(d -> annasPage.row(bob.id()) != null);

            // The field takes a wall-clock time in minutes: the next whole minute on Bob's clock, with
            // at least ten seconds left to type and save before it.
            bobsPage.until(Duration.ofSeconds(20), d -> ((Number) bobsPage.js("return new Date().getSeconds()")).intValue() <= 50);
            Map<String, String> end = (Map<String, String>) bobsPage.js("""
                    const at = new Date();
                    at.setSeconds(0, 0);
                    at.setMinutes(at.getMinutes() + 1);
                    const two = (n) => String(n).padStart(2, '0');
                    // The field is written in the browser's own clock: 12-hour with AM/PM, or 24-hour.
                    const twelve = ['h11', 'h12'].includes(new Intl.DateTimeFormat([], { hour: 'numeric' }).resolvedOptions().hourCycle);
                    const h = at.getHours();
                    const keys = twelve ? two(h % 12 || 12) + two(at.getMinutes()) + (h < 12 ? 'A' : 'P') : two(h) + two(at.getMinutes());
                    return { hhmm: two(h) + ':' + two(at.getMinutes()), keys, instant: at.toISOString() };
                    """);
            String hhmm = end.get("hhmm");
            bobsPage.driver.findElement(By.id("note")).sendKeys("back at " + hhmm);
            WebElement noteUntil = bobsPage.driver.findElement(By.id("note-until"));
            noteUntil.sendKeys(end.get("keys"));
            assertThat(noteUntil.getAttribute("value")).isEqualTo(hhmm);
            bobsPage.driver.findElement(By.id("note-save")).click();

            annasPage.until(Duration.ofSeconds(5), d -> ("back at " + hhmm).equals(note(annasPage, bob.id())));
            Instant noteEnds = Instant.parse(end.get("instant"));
            assertThat(Instant.parse(as(bob.token()).get("/api/me").then().statusCode(200).extract().<String>path("availability.noteUntil")))
                    .isEqualTo(noteEnds);
            bobsPage.until(d -> bobsPage.driver.findElement(By.id("me-note")).getText().startsWith("“back at " + hhmm + "” (until "));

            // Nobody touches it again: at that minute the service's timer ends it, and Anna's page shows it go.
            annasPage.until(Duration.ofSeconds(80), d -> note(annasPage, bob.id()).isEmpty());
            assertThat(Instant.now()).as("not before its end").isAfterOrEqualTo(noteEnds);
            bobsPage.until(Duration.ofSeconds(5), d -> bobsPage.driver.findElement(By.id("me-note")).getText().isEmpty());
            assertThat(annasBrowser.uncaughtErrors()).isEmpty();
            assertThat(bobsBrowser.uncaughtErrors()).isEmpty();
        }
    }

    /** The note shown in the colleague's row ("" when none; null when the row is not shown). */
    private static String note(PresencePage page, UUID userId) {
        return (String) page.js("""
                const note = document.querySelector(`#colleague-rows tr[data-user-id='${arguments[0]}'] .presence-note`);
                return note ? note.textContent : null;
                """, userId.toString());
    }
}
