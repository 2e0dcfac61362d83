package dev.switchboard.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The page and the client are served as plain static files, with a same-origin-only policy for the page. */
@QuarkusTest
class PresencePageResourcesTest {

    @Test
    void thePageIsServedAtTheRootWithAStrictContentSecurityPolicy() {
        given().get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-cache")
                .body(containsString("<script type=\"module\" src=\"/js/app.js\"></script>"));
    }

    @Test
    void browsersRevalidateThePagesFilesSoADeployIsSeenAtOnce() {
        for (String path : new String[] { "/index.html", "/js/app.js", "/js/presence-client.js", "/css/app.css" }) {
            given().get(path).then().statusCode(200).header("Cache-Control", "no-cache");
        }
    }

    @Test
    void theClientIsAnEsModuleAtAStablePath() {
        given().get("/js/presence-client.js").then().statusCode(200)
                .contentType(containsString("javascript"))
                .body(containsString("export class PresenceClient extends EventTarget"));
        given().get("/css/app.css").then().statusCode(200).contentType(startsWith("text/css"));
        given().get("/favicon.svg").then().statusCode(200).contentType(startsWith("image/svg+xml"));
    }
}
