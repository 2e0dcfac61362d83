package dev.switchboard.web;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The page's "Calls that did not reach you" in a real browser (headless Chromium): calls the
 * platform was told not to ring and calls nobody answered, with the caller and the reason in words,
 * shown as plain text.
 */
@QuarkusTest
class MissedCallsPageBrowserTest {

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    void thePageListsTheCallsThatDidNotReachYouAndWhy() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        // A description with markup: the page must show it as text.
        Response desk = as(operator()).body(Map.of("kind", "desk_phone", "description", "<b>Hall</b>", "userId", anna.id().toString()))
                .post("/api/orgs/" + org + "/voip-accounts");
        desk.then().statusCode(201);
        String sip = desk.path("sipUsername");
        as(platform()).body(Map.of("registered", true, "expiresIn", 300)).put("/api/platform/registrations/" + sip).then().statusCode(200);
        as(anna.token()).body(Map.of("status", "do_not_disturb", "destination", Map.of("type", "voip_account", "id", desk.path("id"))))
                .put("/api/me/availability").then().statusCode(200);

        route(org, bob.internalNumber(), anna);                      // rejected: do not disturb
        as(anna.token()).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(200);
        route(org, "+31201234567", anna);                            // rang: not a missed call
        callEvent(sip, "call-1", "ringing");
        callEvent(sip, "call-1", "no_answer");                       // rang, nobody answered
        awaitCallItems(anna, 3);

        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            List<String> shown = page.until(d -> {
                List<String> rows = missed(page);
                return rows.size() == 2 ? rows : null;
            });
            assertThat(shown.get(0)).contains("Caller not known").contains("Not answered")
                    .contains("It rang on your desk phone " + desk.path("internalNumber") + " (<b>Hall</b>) and nobody answered");
            assertThat(shown.get(1)).contains("From " + bob.internalNumber()).contains("Did not ring")
                    .contains("Your status is do not disturb");
            assertThat(page.driver.findElements(By.cssSelector("#missed-calls b"))).as("text, never markup").isEmpty();
            assertThat(page.driver.findElement(By.id("missed-empty")).isDisplayed()).isFalse();

            // A new one shows after "Refresh".
            as(anna.token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);
            route(org, "+31209876543", anna);
            awaitCallItems(anna, 4);
            page.driver.findElement(By.id("missed-refresh")).click();
            List<String> after = page.until(d -> {
                List<String> rows = missed(page);
                return rows.size() == 3 ? rows : null;
            });
            assertThat(after.get(0)).contains("From +31209876543").contains("Did not ring").contains("Your status is offline");
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void withNoMissedCallsThePageSaysSo() {
        UUID org = createOrg();
        TestUser anna = user(org);
        try (Browser browser = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            page.until(d -> d.findElement(By.id("missed-empty")).isDisplayed());
            assertThat(page.driver.findElement(By.id("missed-empty")).getText()).isEqualTo("No missed calls lately.");
            assertThat(missed(page)).isEmpty();
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> missed(PresencePage page) {
        return (List<String>) page.js("return [...document.querySelectorAll('#missed-calls li')].map(li => li.textContent)");
    }

    private static void route(UUID org, String from, TestUser to) {
        as(platform()).body(Map.of("from", from, "to", to.internalNumber())).post("/api/orgs/" + org + "/calls/route")
                .then().statusCode(200);
    }

    private static void callEvent(String sip, String callId, String state) {
        as(platform()).body(Map.of("callId", callId, "sipUsername", sip, "state", state)).post("/api/platform/call-events")
                .then().statusCode(200);
    }

    /** Call items are written in batches shortly after the answer. */
    private static void awaitCallItems(TestUser user, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> as(user.token()).get("/api/me/history?type=call")
                .then().statusCode(200).extract().jsonPath().getList("items").size() == count);
    }
}
