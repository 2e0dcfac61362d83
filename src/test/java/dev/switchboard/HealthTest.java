package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthTest {

    @Test
    void readinessLivenessMetricsAndOpenApiAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi?format=json").then().statusCode(200);
    }

    /**
     * The Kubernetes probes (k8s/base/deployment.yaml) rely on this split: a database or event
     * channel outage makes a pod unready, never restarts it.
     */
    @Test
    void theDatabaseAndTheEventChannelAreReadinessChecksOnly() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check", "Presence event channel"));
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.name", everyItem(not(matchesPattern("(?i).*(postgres|database|datasource|presence).*"))));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void everyRequestCarriesARequestId() {
        given().header("X-Request-Id", "edge-42.a_b:c").get("/q/health/live")
                .then().header("X-Request-Id", "edge-42.a_b:c");
        given().get("/q/health/live")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
        // An id that could forge log fields is replaced, not echoed.
        given().header("X-Request-Id", "x\"} {\"level\":\"ERROR").get("/q/health/live")
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
