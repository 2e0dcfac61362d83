package dev.switchboard.web;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The page in English and Dutch: English for an English browser, Dutch after the switch (and
 * still Dutch after a reload), with the service's own sentences (reasons, plan words) in Dutch too.
 */
@QuarkusTest
class DutchPageBrowserTest {

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    void theSwitchTurnsThePageAndTheServicesSentencesDutchAndIsRemembered() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        as(anna.token()).body(Map.of("status", "do_not_disturb", "destination", Map.of("type", "voip_account", "id", desk)))
                .put("/api/me/availability").then().statusCode(200);
        as(bob.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);

        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            page.until(d -> page.row(bob.id()) != null);
            // the browser says en-GB: English
            assertThat(text(page, "colleagues-title")).isEqualTo("Colleagues");
            assertThat(page.pill(bob.id()).label()).isEqualTo("Do not disturb");
            page.until(d -> firstReason(page).startsWith("Your status is do not disturb"));

            new Select(page.driver.findElement(By.id("language"))).selectByValue("nl");
            assertDutch(page, bob);
            // the call plan editor too
            page.driver.findElement(By.id("plan-edit")).click();
            page.until(d -> d.findElement(By.id("plan-fallbacks")).getText().contains("Als geen van je telefoons kan overgaan"));
            assertThat(page.driver.findElement(By.id("plan-steps")).getText()).contains("Stap 1: tegelijk laten overgaan");
            assertThat(text(page, "plan-edit")).isEqualTo("Sluiten");

            // remembered: a reload (and a new sign-in would be the same) stays Dutch
            page.driver.navigate().refresh();
            assertDutch(page, bob);
            assertThat(page.js("return localStorage.getItem('switchboard.language')")).isEqualTo("nl");

            new Select(page.driver.findElement(By.id("language"))).selectByValue("en");
            page.until(d -> "Colleagues".equals(text(page, "colleagues-title")) && "open".equals(page.connectionState()));
            page.until(d -> firstReason(page).startsWith("Your status is do not disturb"));
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    /** Every page key in both tables with the same placeholders, and every key the HTML names in them. */
    @Test
    @SuppressWarnings("unchecked")
    void everyPageKeyExistsInBothLanguages() {
        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = new PresencePage(browser);
            page.driver.get(base.toString());
            page.waitFor(By.id("email"));
            Map<String, Object> found = (Map<String, Object>) browser.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import('/js/i18n.js').then(({ TABLES }) => {
                      const holes = (s) => (s.match(/\\{\\w+\\}/g) ?? []).sort().join(',');
                      const en = Object.keys(TABLES.en), nl = Object.keys(TABLES.nl);
                      const named = [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes])
                        .filter((a) => a.name.startsWith('data-i18n')).map((a) => a.value);
                      done({
                        languages: Object.keys(TABLES),
                        onlyEn: en.filter((k) => !(k in TABLES.nl)),
                        onlyNl: nl.filter((k) => !(k in TABLES.en)),
                        placeholders: en.filter((k) => k in TABLES.nl && holes(TABLES.en[k]) !== holes(TABLES.nl[k])),
                        untranslated: en.filter((k) => TABLES.en[k] === TABLES.nl[k]).length,
                        size: en.length,
                        missingFromTables: named.filter((k) => !(k in TABLES.en)),
                        named: named.length,
                      });
                    }, (e) => done({ error: String(e) }));
                    """);
            assertThat(found).doesNotContainKey("error");
            assertThat((List<String>) found.get("languages")).containsExactly("en", "nl");
            assertThat((List<String>) found.get("onlyEn")).isEmpty();
            assertThat((List<String>) found.get("onlyNl")).isEmpty();
            assertThat((List<String>) found.get("placeholders")).isEmpty();
            assertThat((List<String>) found.get("missingFromTables")).isEmpty();
            assertThat((Long) found.get("named")).isGreaterThan(40L);
            // a few words are the same in both ("Status", "Offline", "Live", "App"…), not most
            assertThat((Long) found.get("untranslated")).isLessThan((Long) found.get("size") / 8);
        }
    }

    private static void assertDutch(PresencePage page, TestUser bob) {
        page.until(d -> "Collega's".equals(text(page, "colleagues-title")) && "open".equals(page.connectionState()));
        page.until(d -> page.row(bob.id()) != null);
        assertThat(page.js("return document.documentElement.lang")).isEqualTo("nl");
        assertThat(text(page, "me-title")).isEqualTo("Jij");
        assertThat(text(page, "connection-text")).isEqualTo("Live");
        assertThat(page.pill(bob.id()).label()).isEqualTo("Niet storen");
        assertThat(page.driver.findElement(By.id("search")).getAttribute("placeholder")).isEqualTo("Zoek naam of nummer");
        // the service's sentences, asked for in Dutch by the page
        page.until(d -> firstReason(page).equals("Je status is niet storen — oproepen voor jou gaan niet over."));
        page.until(d -> page.driver.findElements(By.cssSelector("#plan-words li")).stream().map(WebElement::getText)
                .anyMatch(words -> words.startsWith("Belt je bureautelefoon")));
        assertThat(text(page, "reachability-title")).isEqualTo("Oproepen voor jou gaan niet over");
    }

    private static String text(PresencePage page, String id) {
        return (String) page.js("return document.getElementById(arguments[0]).textContent.trim()", id);
    }

    private static String firstReason(PresencePage page) {
        List<WebElement> reasons = page.driver.findElements(By.cssSelector("#reachability-reasons li"));
        return reasons.isEmpty() ? "" : reasons.get(0).getAttribute("textContent").trim();
    }
}
