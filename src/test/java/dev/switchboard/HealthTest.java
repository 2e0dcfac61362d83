package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.net.URL;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics and OpenAPI answer on the management interface (ManagementInterfaceTest: only there). */
@QuarkusTest
class HealthTest {

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    @TestHTTPResource(value = "health/started", management = true)
    URL started;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "openapi", management = true)
    URL openapi;

    @Test
    void readinessLivenessMetricsAndOpenApiAnswer() {
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"));
        given().get(live).then().statusCode(200);
        given().get(metrics).then().statusCode(200);
        given().queryParam("format", "json").get(openapi).then().statusCode(200);
    }

    /**
     * The Kubernetes probes (k8s/base/deployment.yaml) rely on this split: a database or event
     * channel outage makes a pod unready, never restarts it.
     */
    @Test
    void theDatabaseAndTheEventChannelAreReadinessChecksOnly() {
        given().get(ready).then().statusCode(200)
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check", "Presence event channel"));
        given().get(live).then().statusCode(200)
                .body("checks.name", everyItem(not(matchesPattern("(?i).*(postgres|database|datasource|presence).*"))));
        given().get(started).then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void everyRequestCarriesARequestId() {
        given().header("X-Request-Id", "edge-42.a_b:c").get("/")
                .then().header("X-Request-Id", "edge-42.a_b:c");
        given().get("/")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
        // An id that could forge log fields is replaced, not echoed.
        given().header("X-Request-Id", "x\"} {\"level\":\"ERROR").get("/")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void operatorFromConfigurationCanLogIn() {
        given().contentType("application/json")
                .body("{\"email\":\"operator@switchboard.test\",\"password\":\"operator-test-password\"}")
                .post("/api/auth/token")
                .then().statusCode(200).body("tokenType", equalTo("Bearer")).body("expiresIn", equalTo(3600));
    }
}
