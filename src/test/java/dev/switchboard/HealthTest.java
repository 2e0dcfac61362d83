package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

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

    @Test
    void operatorFromConfigurationCanLogIn() {
        given().contentType("application/json")
                .body("{\"email\":\"operator@switchboard.test\",\"password\":\"operator-test-password\"}")
                .post("/api/auth/token")
                .then().statusCode(200).body("tokenType", equalTo("Bearer")).body("expiresIn", equalTo(3600));
    }
}
