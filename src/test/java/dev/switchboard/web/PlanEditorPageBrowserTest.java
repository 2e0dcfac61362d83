package dev.switchboard.web;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * "Your call plan" in a real browser (headless Chromium): the user builds their plan with clicks
 * and the keyboard, the page shows the plan in the server's words, and what REST answers is exactly
 * what was built; a stale edit and invalid input are refused with a visible message and store nothing.
 */
@QuarkusTest
class PlanEditorPageBrowserTest {

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    void aUserBuildsATwoStepPlanAndThePageShowsItInTheServersWords() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        // A description with markup: the form must show it as text.
        Response deskAccount = as(operator()).body(Map.of("kind", "desk_phone", "description", "<b>Hall</b>", "userId", anna.id().toString()))
                .post("/api/orgs/" + org + "/voip-accounts");
        deskAccount.then().statusCode(201);
        String desk = deskAccount.path("id");
        as(platform()).body(Map.of("registered", true, "expiresIn", 300))
                .put("/api/platform/registrations/" + deskAccount.path("sipUsername")).then().statusCode(200);
        String mobile = as(anna.token()).body(Map.of("number", "+31612345678", "description", "Mobile"))
                .post("/api/orgs/" + org + "/users/" + anna.id() + "/fixed-destinations").then().statusCode(201).extract().path("id");

        try (Browser browser = Browser.desktop(1280, 900)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            openEditor(page);
            assertThat(steps(page)).as("a new user's plan has no steps").isZero();

            // Built in the wrong order, then put right with the keyboard.
            page.driver.findElement(By.id("plan-add-step")).click();
            target(page, 1, "fixed_destination", mobile).click();
            ringFor(page, 1, "30");
            page.driver.findElement(By.id("plan-add-step")).sendKeys(Keys.ENTER);
            target(page, 2, "voip_account", desk).sendKeys(Keys.SPACE);
            ringFor(page, 2, "20");
            page.driver.findElement(By.cssSelector("button[aria-label='Move step 2 up']")).sendKeys(Keys.ENTER);
            assertThat(page.js("return document.activeElement.getAttribute('aria-label')"))
                    .as("the keyboard stays with the moved step").isEqualTo("Move step 1 down");
            assertThat(target(page, 1, "voip_account", desk).isSelected()).isTrue();
            assertThat(ring(page, 1).getAttribute("value")).isEqualTo("20");
            assertThat(target(page, 2, "fixed_destination", mobile).isSelected()).isTrue();

            fallback(page, "busy").selectByValue("voicemail");
            fallback(page, "noAnswer").selectByVisibleText("Name " + bob.email() + " (" + bob.internalNumber() + ")");
            page.driver.findElement(By.id("plan-call-waiting")).click();
            assertThat(page.driver.findElement(By.id("plan-call-waiting")).isSelected()).isFalse();
            assertThat(page.driver.findElement(By.id("plan-form")).getText()).contains("<b>Hall</b>");
            assertThat(page.driver.findElements(By.cssSelector("#plan-form b"))).as("text, never markup").isEmpty();
            assertThat(unlabelledControls(page)).isEmpty();

            page.driver.findElement(By.id("plan-save")).click();
            page.until(d -> d.findElement(By.id("plan-notice")).isDisplayed());
            assertThat(page.driver.findElement(By.id("plan-notice")).getText()).contains("Your call plan is saved");
            assertThat(page.driver.findElement(By.id("plan-error")).isDisplayed()).isFalse();

            // Exactly what was built is stored.
            JsonPath plan = as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().jsonPath();
            assertThat(plan.getList("steps.ringSeconds")).containsExactly(20, 30);
            assertThat(plan.getList("steps[0].targets")).containsExactly(Map.of("type", "voip_account", "id", desk));
            assertThat(plan.getList("steps[1].targets")).containsExactly(Map.of("type", "fixed_destination", "id", mobile));
            assertThat(plan.getMap("fallbacks")).isEqualTo(Map.of(
                    "unreachable", Map.of("type", "reject"), "busy", Map.of("type", "voicemail"),
                    "noAnswer", Map.of("type", "user", "id", bob.id().toString()), "unavailable", Map.of("type", "reject")));
            assertThat(plan.getBoolean("callWaiting")).isFalse();

            // The words on the page are the server's words for that plan.
            List<String> serverWords = as(anna.token()).get("/api/me").then().statusCode(200).extract().path("reachability.plan.words");
            assertThat(serverWords).hasSize(4).anySatisfy(w -> assertThat(w).contains("voicemail"));
            page.until(d -> planWords(page).equals(serverWords));
            assertThat(serverWords.get(0)).contains("desk phone " + deskAccount.path("internalNumber")).contains("20 s");
            assertThat(serverWords.get(1)).contains("+31612345678").contains("30 s");
            // The form now holds the stored plan, ready for the next change.
            assertThat(ring(page, 2).getAttribute("value")).isEqualTo("30");
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void aStaleEditIsRefusedWithAMessageAndDoesNotOverwriteTheChangeMadeElsewhere() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String desk = TestApi.createVoipAccount(org, "desk_phone", anna.id()).path("id");
        String mobile = as(anna.token()).body(Map.of("number", "+31612345679", "description", "Mobile"))
                .post("/api/orgs/" + org + "/users/" + anna.id() + "/fixed-destinations").then().statusCode(201).extract().path("id");

        try (Browser browser = Browser.desktop(1280, 900)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            openEditor(page);
            page.driver.findElement(By.id("plan-add-step")).click();
            target(page, 1, "voip_account", desk).click();

            // Meanwhile, from another device:
            Map<String, Object> elsewhere = Map.of("steps", List.of(Map.of("ringSeconds", 45,
                    "targets", List.of(Map.of("type", "fixed_destination", "id", mobile)))), "callWaiting", false);
            as(anna.token()).body(elsewhere).put("/api/me/call-plan").then().statusCode(200);
            String before = as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().asString();

            WebElement error = saveAndAwaitError(page);
            assertThat(error.getText()).contains("changed elsewhere").contains("now shows the current plan");
            assertThat(error.getAttribute("role")).isEqualTo("alert");

            String after = as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().asString();
            assertThat(after).as("nothing overwritten").isEqualTo(before);
            // The form was reloaded with the plan as it is now.
            page.until(d -> steps(page) == 1 && target(page, 1, "fixed_destination", mobile).isSelected());
            assertThat(target(page, 1, "voip_account", desk).isSelected()).isFalse();
            assertThat(ring(page, 1).getAttribute("value")).isEqualTo("45");
            assertThat(page.driver.findElement(By.id("plan-call-waiting")).isSelected()).isFalse();

            // Made again on the current plan, the change goes through.
            ringFor(page, 1, "50");
            page.driver.findElement(By.id("plan-save")).click();
            page.until(d -> d.findElement(By.id("plan-notice")).isDisplayed());
            assertThat(as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().<Integer>path("steps[0].ringSeconds"))
                    .isEqualTo(50);
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void invalidInputIsRefusedWithAVisibleMessageAndNothingIsStored() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String desk = TestApi.createVoipAccount(org, "desk_phone", anna.id()).path("id");
        Response stored = as(anna.token()).get("/api/me/call-plan");
        stored.then().statusCode(200);
        String etag = stored.header("ETag");

        try (Browser browser = Browser.desktop(1280, 900)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            openEditor(page);
            // A step with no target and a ring time the server does not allow.
            page.driver.findElement(By.id("plan-add-step")).click();
            ringFor(page, 1, "3");
            WebElement error = saveAndAwaitError(page);
            assertThat(error.getText()).contains("Not saved")
                    .contains("Step 1, phones and numbers: must have 1 to 5 targets")
                    .contains("Step 1, ring time: must be between 5 and 120");
            assertThat(page.driver.findElement(By.id("plan-notice")).isDisplayed()).isFalse();
            assertThat(as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().header("ETag"))
                    .as("nothing stored").isEqualTo(etag);
            assertThat(steps(page)).as("the form keeps what was typed").isEqualTo(1);

            // A ring time that is no number is caught before sending.
            target(page, 1, "voip_account", desk).click();
            ringFor(page, 1, "");
            page.driver.findElement(By.id("plan-save")).click();
            page.until(d -> d.findElement(By.id("plan-error")).getText().contains("Step 1, ring time: enter whole seconds"));
            assertThat(page.js("return document.activeElement.id")).isEqualTo("plan-ring-0");
            assertThat(as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().header("ETag")).isEqualTo(etag);

            // At most five steps: the button says so.
            for (int i = steps(page); i < 5; i++) {
                page.driver.findElement(By.id("plan-add-step")).click();
            }
            assertThat(page.driver.findElement(By.id("plan-add-step")).isEnabled()).isFalse();
            assertThat(page.driver.findElement(By.id("plan-add-hint")).getText()).isEqualTo("A plan has at most 5 steps.");
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    @Test
    void aFallbackToSomeoneWhoLeftMeanwhileIsRefusedWithTheReasonAndNothingIsStored() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        try (Browser browser = Browser.desktop(1280, 900)) {
            PresencePage page = PresencePage.signIn(browser, base, anna.email(), TestApi.PASSWORD);
            openEditor(page);
            fallback(page, "noAnswer").selectByValue("user:" + bob.id());
            as(operator()).delete("/api/orgs/" + org + "/users/" + bob.id()).then().statusCode(204);
            String before = as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().asString();

            WebElement error = saveAndAwaitError(page);
            assertThat(error.getText()).contains("Not saved: the plan points at something you cannot use")
                    .contains("When nobody answers: ");
            assertThat(as(anna.token()).get("/api/me/call-plan").then().statusCode(200).extract().asString()).isEqualTo(before);
            assertThat(browser.uncaughtErrors()).isEmpty();
        }
    }

    // --- the form, as a user drives it -------------------------------------------------------

    private static void openEditor(PresencePage page) {
        WebElement edit = page.driver.findElement(By.id("plan-edit"));
        edit.click();
        assertThat(edit.getAttribute("aria-expanded")).isEqualTo("true");
        page.until(d -> d.findElement(By.id("plan-save")).isEnabled() && d.findElement(By.id("plan-fallback-busy")) != null);
    }

    /** Saves and answers the error box once it shows. */
    private static WebElement saveAndAwaitError(PresencePage page) {
        page.driver.findElement(By.id("plan-save")).click();
        return page.until(d -> {
            WebElement error = d.findElement(By.id("plan-error"));
            return error.isDisplayed() ? error : null;
        });
    }

    private static int steps(PresencePage page) {
        return page.driver.findElements(By.cssSelector("#plan-steps > li")).size();
    }

    private static WebElement target(PresencePage page, int step, String type, String id) {
        return page.driver.findElement(By.cssSelector("#plan-steps > li:nth-child(" + step + ") input[value='" + type + ":" + id + "']"));
    }

    private static WebElement ring(PresencePage page, int step) {
        return page.driver.findElement(By.id("plan-ring-" + (step - 1)));
    }

    private static void ringFor(PresencePage page, int step, String seconds) {
        WebElement input = ring(page, step);
        input.clear();
        input.sendKeys(seconds);
    }

    private static Select fallback(PresencePage page, String name) {
        return new Select(page.driver.findElement(By.id("plan-fallback-" + name)));
    }

    @SuppressWarnings("unchecked")
    private static List<String> planWords(PresencePage page) {
        return (List<String>) page.js("return [...document.querySelectorAll('#plan-words li')].map(li => li.textContent)");
    }

    private static List<?> unlabelledControls(PresencePage page) {
        return (List<?>) page.js("""
                return [...document.querySelectorAll('#plan-card input, #plan-card select, #plan-card button')]
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                  .map(e => e.id || e.outerHTML);
                """);
    }
}
