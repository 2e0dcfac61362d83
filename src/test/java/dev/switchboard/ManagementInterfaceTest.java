package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import java.net.MalformedURLException;
import java.net.URL;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Health, metrics and OpenAPI are served on the management interface (its own port, which no
 * Service or Ingress exposes) and nowhere on the main port, which the Ingress routes to clients.
 */
@QuarkusTest
class ManagementInterfaceTest {

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "openapi", management = true)
    URL openapi;

    @ParameterizedTest(name = "main port: {0} is 404")
    @ValueSource(strings = { "/q/health", "/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics",
            "/q/openapi", "/q/openapi?format=json", "/q/swagger-ui" })
    void theMainPortDoesNotServeManagementEndpoints(String path) {
        given().urlEncodingEnabled(false).get(path).then().statusCode(404);
    }

    @Test
    void theManagementPortServesHealthMetricsAndOpenApi() {
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"));
        given().get(metrics).then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().queryParam("format", "json").get(openapi).then().statusCode(200)
                .body("paths", hasKey("/api/orgs"));
    }

    @Test
    void theManagementPortDoesNotServeTheApiOrThePage() throws MalformedURLException {
        given().get(new URL(ready, "/api/orgs")).then().statusCode(404);
        given().get(new URL(ready, "/")).then().statusCode(404);
        given().get("/").then().statusCode(200); // the page, on the main port
    }
}
