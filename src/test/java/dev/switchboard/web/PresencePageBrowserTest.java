package dev.switchboard.web;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import dev.switchboard.presence.PeerRegistry;
import dev.switchboard.presence.ReplicaRestart;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;

/**
 * The presence page in a real browser (headless Chromium): two colleagues in two independent
 * browsers, the webphone device lapsing after the grace period, a server-side drop and resume,
 * and the reachability warning. Data is made through the REST API; the page is driven by clicks.
 */
@QuarkusTest
class PresencePageBrowserTest {

    // Colours of app.css, as the browser computes them.
    static final String GREEN = "rgba(30, 142, 62, 1)";
    static final String ORANGE = "rgba(224, 123, 0, 1)";
    static final String RED = "rgba(211, 47, 47, 1)";
    static final String GREY = "rgba(138, 146, 158, 1)";
    static final String WHITE = "rgba(255, 255, 255, 1)";

    @TestHTTPResource("/")
    URI base;

    /**
     * The real shutdown path: Quarkus fires this when a graceful shutdown begins, and
     * {@code PresenceSocket} answers it with {@code PeerRegistry.closeAllForShutdown()}: every socket is closed with
     * 1001 and new ones are refused. A test cannot restart Quarkus, so it fires the same event and
     * then lets the registry accept sockets again ({@link ReplicaRestart}), as the next process would.
     */
    @Inject
    Event<ShutdownDelayInitiatedEvent> shutdownBegins;

    @Inject
    PeerRegistry registry;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    void aStatusChangeOnOnePageShowsOnAColleaguesPageWithinTwoSeconds() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        UUID mobile = Fixtures.fixedDestination(org, anna.id(), "+31612345678");
        setAvailability(anna, Map.of("status", "available", "destination", Map.of("type", "fixed_destination", "id", mobile)));

        try (Browser annasBrowser = Browser.desktop(1280, 800); Browser bobsBrowser = Browser.desktop(1280, 800)) {
            PresencePage annasPage = PresencePage.signIn(annasBrowser, base, anna.email(), TestApi.PASSWORD);
            PresencePage bobsPage = PresencePage.signIn(bobsBrowser, base, bob.email(), TestApi.PASSWORD);
            PresencePage.Pill before = bobsPage.until(d -> bobsPage.pill(anna.id()));
            assertThat(before.tone()).isEqualTo("available");
            assertThat(before.label()).isEqualTo("Available");
            assertThat(before.dotColour()).isEqualTo(GREEN);
            assertThat(annasPage.row(anna.id())).as("you are not in your own colleague list").isNull();

            long clicked = System.nanoTime();
            annasPage.chooseStatus("do_not_disturb");
            PresencePage.Pill dnd = bobsPage.until(Duration.ofSeconds(2), d -> {
                PresencePage.Pill pill = bobsPage.pill(anna.id());
                return "dnd".equals(pill.tone()) ? pill : null;
            });
            Duration seen = Duration.ofNanos(System.nanoTime() - clicked);
            assertThat(seen).isLessThan(Duration.ofSeconds(2));
            assertThat(dnd.label()).isEqualTo("Do not disturb");
            assertThat(dnd.dotColour()).isEqualTo(ORANGE);
            // Anna's own page says what it means for her.
            annasPage.until(d -> annasPage.myPresenceLabel().equals("Do not disturb"));
            assertThat(annasPage.reachabilityLevel()).isEqualTo("blocked");
            assertThat(annasPage.reachabilityText()).contains("Your status is do not disturb");

            clicked = System.nanoTime();
            annasPage.chooseStatus("available_for_colleagues");
            PresencePage.Pill colleaguesOnly = bobsPage.until(Duration.ofSeconds(2), d -> {
                PresencePage.Pill pill = bobsPage.pill(anna.id());
                return "colleagues".equals(pill.tone()) ? pill : null;
            });
            assertThat(Duration.ofNanos(System.nanoTime() - clicked)).isLessThan(Duration.ofSeconds(2));
            // Distinct from "available": a green outline on white, with its own words.
            assertThat(colleaguesOnly.label()).isEqualTo("Colleagues only");
            assertThat(colleaguesOnly.borderColour()).isEqualTo(GREEN);
            assertThat(colleaguesOnly.background()).isEqualTo(WHITE);
            annasPage.until(d -> annasPage.reachabilityLevel().equals("partial"));
            assertThat(annasPage.reachabilityText()).contains("Only colleagues can reach you");

            assertThat(annasBrowser.uncaughtErrors()).isEmpty();
            assertThat(bobsBrowser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void closingTheWebphonePageTakesItsOwnerOfflineForColleaguesAfterTheGracePeriod() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String webphone = createVoipAccount(org, "webphone", anna.id()).path("id");
        setAvailability(anna, Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", webphone)));

        try (Browser bobsBrowser = Browser.desktop(1280, 800)) {
            PresencePage bobsPage = PresencePage.signIn(bobsBrowser, base, bob.email(), TestApi.PASSWORD);
            assertThat(bobsPage.until(d -> bobsPage.pill(anna.id())).tone()).as("anna's webphone is not connected yet")
                    .isEqualTo("offline");

            Browser annasBrowser = Browser.desktop(1280, 800);
            long closing;
            try {
                PresencePage annasPage = PresencePage.signIn(annasBrowser, base, anna.email(), TestApi.PASSWORD);
                assertThat(annasPage.reachabilityText()).contains("is not registered");
                WebElement checkbox = annasPage.webphoneCheckbox();
                assertThat(checkbox.isEnabled()).isTrue();
                checkbox.click();

                PresencePage.Pill online = bobsPage.until(d -> {
                    PresencePage.Pill pill = bobsPage.pill(anna.id());
                    return "available".equals(pill.tone()) ? pill : null;
                });
                assertThat(online.label()).isEqualTo("Available");
                annasPage.until(d -> annasPage.reachabilityLevel().equals("ok"));
                assertThat(annasPage.reachabilityText()).contains("Calls to you ring on your webphone");
                assertThat(annasPage.driver.findElement(By.id("webphone-hint")).getText()).contains("calls to you ring here");
                assertThat(annasBrowser.uncaughtErrors()).isEmpty();
            } finally {
                closing = System.nanoTime();
                annasBrowser.close(); // the browser goes away, as when the tab or laptop is closed
            }

            PresencePage.Pill offline = bobsPage.until(d -> {
                PresencePage.Pill pill = bobsPage.pill(anna.id());
                return "offline".equals(pill.tone()) ? pill : null;
            });
            Duration after = Duration.ofNanos(System.nanoTime() - closing);
            // The test profile's grace period is 2 s: no flapping before it, no waiting long after it.
            assertThat(after).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofSeconds(10));
            assertThat(offline.label()).isEqualTo("Offline");
            assertThat(offline.dotColour()).isEqualTo(GREY);
            assertThat(bobsBrowser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void whenTheServerDropsEveryConnectionThePageSaysReconnectingAndResumesWithoutAReload() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);

        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            assertThat(page.connectionText()).isEqualTo("Live");
            assertThat(page.until(d -> page.pill(bob.id())).tone()).isEqualTo("offline"); // no destination yet
            // Record every state the indicator shows, and mark this document to prove there is no reload.
            page.js("""
                    window.__sameDocument = true;
                    window.__shown = [];
                    const indicator = document.getElementById('connection');
                    const record = () => window.__shown.push(indicator.dataset.state + ':' + indicator.textContent.trim());
                    new MutationObserver(record).observe(indicator, { attributes: true, childList: true, subtree: true, characterData: true });
                    """);

            try {
                // The server restarts: the old process drains (every socket closed with 1001, new ones
                // refused with 1001 while it goes down), then a fresh one accepts them again.
                shutdownBegins.fire(new ShutdownDelayInitiatedEvent());
                assertThat(ReplicaRestart.goingAway(registry)).isTrue();
                // Changed while the page is away: it must arrive through the resume.
                UUID mobile = Fixtures.fixedDestination(org, bob.id(), "+31687654321");
                setAvailability(bob, Map.of("status", "do_not_disturb", "destination", Map.of("type", "fixed_destination", "id", mobile)));

                page.until(d -> "reconnecting".equals(page.connectionState()));
                assertThat(page.connectionText()).isEqualTo("Reconnecting…");
                assertThat(page.driver.findElement(By.id("stale-banner")).isDisplayed()).as("the list says it may be stale").isTrue();
                // Refused while draining: the page keeps retrying, with growing delays, and stays honest.
                page.until(Duration.ofSeconds(20), d -> String.valueOf(page.driver.findElement(By.id("connection"))
                        .getAttribute("title")).contains("Attempt 3"));
                assertThat(page.connectionState()).isEqualTo("reconnecting");
            } finally {
                ReplicaRestart.acceptAgain(registry);
            }
            page.until(Duration.ofSeconds(30), d -> "open".equals(page.connectionState()));
            assertThat(page.connectionText()).isEqualTo("Live");
            assertThat(shown(page)).as("indicator states, in order").containsSubsequence("reconnecting:Reconnecting…", "open:Live");
            PresencePage.Pill bobNow = page.until(d -> {
                PresencePage.Pill pill = page.pill(bob.id());
                return "dnd".equals(pill.tone()) ? pill : null;
            });
            assertThat(bobNow.label()).isEqualTo("Do not disturb");
            assertThat(page.js("return window.__sameDocument === true")).as("no reload happened").isEqualTo(true);
            assertThat(page.driver.findElement(By.id("stale-banner")).isDisplayed()).isFalse();

            // Live again for real: a change made now still arrives.
            setAvailability(bob, Map.of("status", "available"));
            page.until(d -> "available".equals(page.pill(bob.id()).tone()));
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void theCallPlanShowsInWordsAndRingGroupsWithHowManyCanTakeACall() {
        UUID org = createOrg();
        TestUser boss = admin(org);
        TestUser anna = user(org);
        Response desk = createVoipAccount(org, "desk_phone", anna.id());
        as(platform()).body(Map.of("registered", true, "expiresIn", 300)).put("/api/platform/registrations/" + desk.path("sipUsername"))
                .then().statusCode(200);
        as(anna.token()).body(Map.of("steps", List.of(Map.of("ringSeconds", 15, "targets",
                List.of(Map.of("type", "voip_account", "id", desk.path("id"))))),
                "fallbacks", Map.of("busy", Map.of("type", "voicemail")), "callWaiting", false))
                .put("/api/me/call-plan").then().statusCode(200);
        String number = as(boss.token()).body(Map.of("name", "Sales", "strategy", "ring_all", "members", List.of(anna.id().toString())))
                .post("/api/orgs/" + org + "/ring-groups").then().statusCode(201).extract().path("internalNumber");

        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            page.until(d -> page.reachabilityText().contains("When you are busy: voicemail"));
            assertThat(page.reachabilityText()).contains("Rings your desk phone " + desk.path("internalNumber") + " (test desk_phone) for 15 s");
            page.until(d -> page.groupsText().contains("Sales (" + number + "): 1 of 1 can take a call"));

            // Anna goes to do not disturb: the group follows through the stream.
            setAvailability(anna, Map.of("status", "do_not_disturb"));
            page.until(d -> page.groupsText().contains("Sales (" + number + "): 0 of 1 can take a call"));
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void choosingADeviceThatIsNotRegisteredShowsTheReachabilityWarningUntilItRegisters() {
        UUID org = createOrg();
        TestUser anna = user(org);
        Response desk = createVoipAccount(org, "desk_phone", anna.id());
        String deskId = desk.path("id");
        String deskNumber = desk.path("internalNumber");

        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            assertThat(page.reachabilityText()).contains("You have not chosen where calls should ring");
            assertThat(page.destination().getOptions()).extracting(WebElement::getText)
                    .anySatisfy(text -> assertThat(text).startsWith("Desk phone " + deskNumber).endsWith("(not connected)"));

            page.chooseDestination("voip_account", deskId);
            page.until(d -> page.reachabilityText().contains("is not registered"));
            assertThat(page.reachabilityLevel()).isEqualTo("blocked");
            assertThat(page.reachabilityText())
                    .contains("Calls to you will not ring")
                    .contains("Your desk phone " + deskNumber + " (test desk_phone) is not registered — calls to you will not ring.");
            assertThat(page.myPresenceLabel()).as("status available, but colleagues see the truth").isEqualTo("Offline");

            // The phone registers: the page follows without any action.
            as(platform()).body(Map.of("registered", true, "expiresIn", 300, "userAgent", "Yealink T54W"))
                    .put("/api/platform/registrations/" + desk.path("sipUsername")).then().statusCode(200);
            page.until(d -> "ok".equals(page.reachabilityLevel()));
            assertThat(page.reachabilityText()).contains("Calls to you ring on your desk phone " + deskNumber);
            assertThat(page.myPresenceLabel()).isEqualTo("Available");
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void whenTheTokenExpiresWithNoWayToRenewItThePageAsksToSignInAgain() {
        UUID org = createOrg();
        TestUser anna = user(org);
        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = new PresencePage(browser);
            page.driver.get(base.toString());
            page.waitFor(By.id("email"));
            // A token from an earlier visit (kept in sessionStorage), about to expire: the server closes
            // the socket with 4401 at its expiry, and without the password the page cannot renew it.
            String shortLived = Jwt.subject(anna.id().toString()).upn(anna.email()).groups(Set.of("user"))
                    .claim("org", org.toString()).expiresAt(System.currentTimeMillis() / 1000 + 15).sign();
            page.js("sessionStorage.setItem('switchboard.token', arguments[0]); location.reload();", shortLived);
            page.until(Duration.ofSeconds(12), d -> "open".equals(page.connectionState()));
            assertThat(page.driver.findElement(By.id("app-view")).isDisplayed()).isTrue();

            page.until(Duration.ofSeconds(25), d -> page.driver.findElement(By.id("sign-in-view")).isDisplayed());
            assertThat(page.driver.findElement(By.id("sign-in-notice")).getText())
                    .isEqualTo("Your session has expired. Sign in again to carry on.");
            assertThat(page.driver.findElement(By.id("email")).getAttribute("value")).as("ready to sign in again")
                    .isEqualTo(anna.email());
            assertThat(page.js("return sessionStorage.getItem('switchboard.token')")).isNull();
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void theListSortsSearchesAndFiltersAndEveryControlHasALabel() {
        UUID org = createOrg();
        TestUser me = user(org);
        TestUser first = user(org);
        TestUser second = user(org);
        TestUser third = user(org);
        UUID mobile = Fixtures.fixedDestination(org, second.id(), "+31611111111");
        setAvailability(second, Map.of("status", "available", "destination", Map.of("type", "fixed_destination", "id", mobile)));

        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(browser, base, me.email(), TestApi.PASSWORD);
            // Sorted as the page sorts (the browser's collation), not by code points.
            @SuppressWarnings("unchecked")
            List<String> byName = (List<String>) page.js("return arguments[0].slice().sort((a, b) => a.localeCompare(b))",
                    List.of(name(first), name(second), name(third)));
            page.until(d -> page.names().equals(byName));
            assertThat(page.driver.findElement(By.id("colleague-count")).getText()).isEqualTo("1 of 3 online");

            // Sort by status with the keyboard: the available colleague comes first.
            WebElement statusHeader = page.driver.findElement(By.cssSelector("button.sort[data-sort='status']"));
            statusHeader.sendKeys(Keys.ENTER);
            assertThat(page.names().get(0)).isEqualTo(name(second));
            assertThat(page.driver.findElement(By.cssSelector("th.col-status")).getAttribute("aria-sort")).isEqualTo("ascending");
            page.driver.findElement(By.cssSelector("button.sort[data-sort='name']")).click();
            page.driver.findElement(By.cssSelector("button.sort[data-sort='name']")).click();
            List<String> reversed = new ArrayList<>(byName);
            Collections.reverse(reversed);
            assertThat(page.names()).isEqualTo(reversed);
            assertThat(page.driver.findElement(By.cssSelector("th.col-name")).getAttribute("aria-sort")).isEqualTo("descending");

            page.driver.findElement(By.id("online-only")).click();
            assertThat(page.names()).containsExactly(name(second));
            page.driver.findElement(By.id("online-only")).click();
            WebElement search = page.driver.findElement(By.id("search"));
            search.sendKeys(third.internalNumber());
            assertThat(page.names()).contains(name(third)).doesNotContain(name(first).contains(third.internalNumber()) ? "" : name(first));
            search.clear();
            search.sendKeys(third.email().toUpperCase());
            assertThat(page.names()).containsExactly(name(third));

            // Every form control has an accessible name.
            Object unlabelled = page.js("""
                    return [...document.querySelectorAll('input, select, button')]
                      .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                      .map(e => e.id || e.outerHTML);
                    """);
            assertThat((List<?>) unlabelled).isEmpty();
            assertThat(page.driver.findElement(By.id("announcer")).getAttribute("aria-live")).isEqualTo("polite");
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    // --- helpers ----------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static List<String> shown(PresencePage page) {
        return (List<String>) page.js("return window.__shown || []");
    }

    private static String name(TestUser user) {
        return "Name " + user.email();
    }

    private static void setAvailability(TestUser user, Map<String, Object> body) {
        as(user.token()).body(body).put("/api/me/availability").then().statusCode(200);
    }
}
