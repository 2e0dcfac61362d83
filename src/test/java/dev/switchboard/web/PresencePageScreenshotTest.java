package dev.switchboard.web;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.interactions.Actions;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Screenshots of the page with the same demo organization as dev mode (DevDataSeeder), made
 * through the REST API: desktop 1280×800 and phone 390×844, in English and in Dutch ({@code -nl}). They go to {@code target/screenshots}
 * on every build; to refresh the ones in the README run
 * {@code ./mvnw verify -Dtest=PresencePageScreenshotTest -Dswitchboard.screenshots.dir=docs/screenshots}.
 */
@QuarkusTest
class PresencePageScreenshotTest {

    /** The dev seed's password. */
    static final String PASSWORD = "switchboard";

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    void desktopAndPhoneScreenshotsOfTheDemoOrganizationInEnglishAndDutch() throws IOException {
        String anna = seedDemoOrganization();
        Path dir = Path.of(System.getProperty("switchboard.screenshots.dir", "target/screenshots"));
        Files.createDirectories(dir);

        try (Browser desktop = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(desktop, base, anna, PASSWORD);
            settle(page, 7);
            Path file = dir.resolve("presence-desktop.png");
            Files.write(file, desktop.driver.getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(file)).isGreaterThan(10_000);
            assertThat(desktop.uncaughtErrors()).isEmpty();
        }
        try (Browser phone = Browser.phone(390, 844)) {
            PresencePage page = PresencePage.signIn(phone, base, anna, PASSWORD);
            settle(page, 7);
            Path file = dir.resolve("presence-phone.png");
            Files.write(file, phone.driver.getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(file)).isGreaterThan(10_000);
            assertThat(phone.uncaughtErrors()).isEmpty();
        }
        // The same in Dutch, as chosen with the page's switch (remembered in localStorage).
        try (Browser desktop = Browser.desktop(1280, 800)) {
            PresencePage page = PresencePage.signIn(inDutch(desktop), base, anna, PASSWORD);
            settle(page, 7);
            page.until(d -> "Collega's".equals(page.js("return document.getElementById('colleagues-title').textContent")));
            Path file = dir.resolve("presence-desktop-nl.png");
            Files.write(file, desktop.driver.getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(file)).isGreaterThan(10_000);
            assertThat(desktop.uncaughtErrors()).isEmpty();
        }
        try (Browser phone = Browser.phone(390, 844)) {
            PresencePage page = PresencePage.signIn(inDutch(phone), base, anna, PASSWORD);
            settle(page, 7);
            Path file = dir.resolve("presence-phone-nl.png");
            Files.write(file, phone.driver.getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(file)).isGreaterThan(10_000);
            assertThat(phone.uncaughtErrors()).isEmpty();
        }
    }

    /** Chooses Dutch as the page's switch does, before signing in. */
    private Browser inDutch(Browser browser) {
        browser.driver.get(base.toString());
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("localStorage.setItem('switchboard.language', 'nl')");
        return browser;
    }

    /** Waits until every colleague is listed and fonts are in, then drops focus rings and the caret. */
    private static void settle(PresencePage page, int colleagues) {
        page.until(d -> page.names().size() == colleagues);
        page.js("return document.fonts.ready.then(() => true)");
        page.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        new Actions(page.driver).moveToLocation(1, 1).perform(); // no row under the mouse: no hover highlight
    }

    /** The dev seed's "Acme Demo", member by member; answers Anna's email. */
    private static String seedDemoOrganization() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String orgId = as(operator()).body(Map.of("name", "Acme Demo")).post("/api/orgs").then().extract().path("id");
        if (orgId == null) { // the name is taken (a re-run on the same database)
            orgId = as(operator()).body(Map.of("name", "Acme Demo " + suffix)).post("/api/orgs").then().statusCode(201)
                    .extract().path("id");
        }
        UUID org = UUID.fromString(orgId);
        String annaEmail = "anna-" + suffix + "@acme.test";
        UUID annaId = member(org, annaEmail, "Anna Admin", "admin");
        Device annaDesk = device(org, annaId, "desk_phone", "Anna's desk phone");
        device(org, annaId, "webphone", "Anna's webphone");
        register(annaDesk);
        choose(org, annaId, "available", "voip_account", annaDesk.id(), null);

        UUID bob = member(org, "bob-" + suffix + "@acme.test", "Bob Baker", "user");
        Device bobDesk = device(org, bob, "desk_phone", "Bob's desk phone");
        register(bobDesk);
        choose(org, bob, "do_not_disturb", "voip_account", bobDesk.id(), Instant.now().plus(2, ChronoUnit.HOURS));

        UUID carla = member(org, "carla-" + suffix + "@acme.test", "Carla Cruz", "user");
        Device carlaSoftphone = device(org, carla, "softphone", "Carla's softphone");
        register(carlaSoftphone);
        choose(org, carla, "available_for_colleagues", "voip_account", carlaSoftphone.id(), null);

        UUID dave = member(org, "dave-" + suffix + "@acme.test", "Dave Dekker", "user");
        choose(org, dave, "available", "voip_account", device(org, dave, "app", "Dave's app").id(), null);

        UUID eva = member(org, "eva-" + suffix + "@acme.test", "Eva Evers", "user");
        String mobile = as(operator()).body(Map.of("number", "+31612345678", "description", "Eva's mobile"))
                .post("/api/orgs/" + org + "/users/" + eva + "/fixed-destinations").then().statusCode(201).extract().path("id");
        choose(org, eva, "available", "fixed_destination", UUID.fromString(mobile), null);

        UUID frank = member(org, "frank-" + suffix + "@acme.test", "Frank Fisher", "user");
        choose(org, frank, "available", "voip_account", device(org, frank, "desk_phone", "Frank's desk phone").id(), null);

        UUID gina = member(org, "gina-" + suffix + "@acme.test", "Gina Gomez", "user");
        Device ginaDesk = device(org, gina, "desk_phone", "Gina's desk phone");
        register(ginaDesk);
        choose(org, gina, "available", "voip_account", ginaDesk.id(), null);
        as(platform()).body(Map.of("callId", "demo-" + suffix, "sipUsername", ginaDesk.sipUsername(), "state", "answered"))
                .post("/api/platform/call-events").then().statusCode(200);

        UUID hank = member(org, "hank-" + suffix + "@acme.test", "Hank Hill", "user");
        choose(org, hank, "offline", "voip_account", device(org, hank, "webphone", "Hank's webphone").id(), null);
        return annaEmail;
    }

    record Device(UUID id, String sipUsername) {
    }

    private static UUID member(UUID org, String email, String name, String role) {
        String id = as(operator()).body(Map.of("email", email, "name", name, "role", role, "password", PASSWORD))
                .post("/api/orgs/" + org + "/users").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    private static Device device(UUID org, UUID owner, String kind, String description) {
        Response response = as(operator()).body(Map.of("kind", kind, "description", description, "userId", owner.toString()))
                .post("/api/orgs/" + org + "/voip-accounts");
        response.then().statusCode(201);
        return new Device(UUID.fromString(response.path("id")), response.path("sipUsername"));
    }

    private static void register(Device device) {
        as(platform()).body(Map.of("registered", true, "expiresIn", 3600, "userAgent", "Demo phone"))
                .put("/api/platform/registrations/" + device.sipUsername()).then().statusCode(200);
    }

    private static void choose(UUID org, UUID user, String status, String type, UUID destination, Instant until) {
        Map<String, Object> body = new HashMap<>();
        body.put("status", status);
        body.put("destination", Map.of("type", type, "id", destination.toString()));
        if (until != null) {
            body.put("until", until.toString());
        }
        as(operator()).body(body).put("/api/orgs/" + org + "/users/" + user + "/availability").then().statusCode(200);
    }
}
