package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code /q/openapi} (on the management interface, not the main port) documents every operation
 * of the foundation resources, each with its 4xx answers.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

    /** The document is served on the management port only. */
    @TestHTTPResource(value = "openapi", management = true)
    URL openapi;

    private Map<String, Map<String, Object>> paths;

    // Once per class, but in @BeforeEach: Quarkus points REST-assured at the test port only per test.
    @BeforeEach
    void readDocument() {
        if (paths != null) {
            return;
        }
        paths = given().queryParam("format", "json").get(openapi).then().statusCode(200).extract().path("paths");
    }

    static Stream<String> operations() {
        return Stream.of(
                "POST /api/auth/token",
                "POST /api/orgs",
                "GET /api/orgs",
                "GET /api/orgs/{orgId}",
                "PATCH /api/orgs/{orgId}",
                "DELETE /api/orgs/{orgId}",
                "POST /api/orgs/{orgId}/users",
                "GET /api/orgs/{orgId}/users",
                "GET /api/orgs/{orgId}/users/{userId}",
                "PATCH /api/orgs/{orgId}/users/{userId}",
                "DELETE /api/orgs/{orgId}/users/{userId}",
                "POST /api/orgs/{orgId}/voip-accounts",
                "GET /api/orgs/{orgId}/voip-accounts",
                "GET /api/orgs/{orgId}/voip-accounts/{id}",
                "PATCH /api/orgs/{orgId}/voip-accounts/{id}",
                "DELETE /api/orgs/{orgId}/voip-accounts/{id}",
                "POST /api/orgs/{orgId}/voip-accounts/{id}/credentials",
                "POST /api/orgs/{orgId}/users/{userId}/fixed-destinations",
                "GET /api/orgs/{orgId}/users/{userId}/fixed-destinations",
                "DELETE /api/orgs/{orgId}/users/{userId}/fixed-destinations/{id}",
                "GET /api/orgs/{orgId}/users/{userId}/call-plan",
                "PUT /api/orgs/{orgId}/users/{userId}/call-plan",
                "GET /api/me/call-plan",
                "PUT /api/me/call-plan",
                "POST /api/orgs/{orgId}/ring-groups",
                "GET /api/orgs/{orgId}/ring-groups",
                "GET /api/orgs/{orgId}/ring-groups/{id}",
                "PATCH /api/orgs/{orgId}/ring-groups/{id}",
                "DELETE /api/orgs/{orgId}/ring-groups/{id}",
                "POST /api/orgs/{orgId}/calls/route");
    }

    @ParameterizedTest(name = "{0} is documented with at least one 4xx response")
    @MethodSource("operations")
    @SuppressWarnings("unchecked")
    void everyOperationIsDocumentedWithA4xxResponse(String operation) {
        String[] parts = operation.split(" ", 2);
        Map<String, Object> path = paths.get(parts[1]);
        assertThat(path).as("path %s in /q/openapi", parts[1]).isNotNull();
        Map<String, Object> op = (Map<String, Object>) path.get(parts[0].toLowerCase());
        assertThat(op).as("operation %s", operation).isNotNull();
        Map<String, Object> responses = (Map<String, Object>) op.get("responses");
        assertThat(responses).as("responses of %s", operation).isNotNull();
        assertThat(responses.keySet()).as("documented responses of %s", operation).anyMatch(code -> code.startsWith("4"));
    }

    @Test
    void everyFoundationOperationIsListed() {
        List<String> documented = new ArrayList<>();
        paths.forEach((path, ops) -> ops.keySet().forEach(method -> documented.add(method.toUpperCase() + " " + path)));
        assertThat(documented).containsAll(operations().toList());
    }
}
