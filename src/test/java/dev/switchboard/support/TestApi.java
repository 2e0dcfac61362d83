package dev.switchboard.support;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Builds test data through the public REST API only (never the database), so every test also
 * exercises the real endpoints. Each call makes fresh, uniquely named data: tests share one
 * database and must not see each other.
 */
public final class TestApi {

    public static final String OPERATOR_EMAIL = "operator@switchboard.test";
    public static final String OPERATOR_PASSWORD = "operator-test-password";
    public static final String PLATFORM_ID = "sip-platform";
    public static final String PLATFORM_SECRET = "platform-test-secret";
    public static final String PASSWORD = "correct-horse-battery";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile String operatorToken;
    private static volatile String platformToken;

    private TestApi() {
    }

    /** A user created through the API, with a token to act as them. */
    public record TestUser(UUID id, UUID orgId, String email, String internalNumber, String token) {
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + COUNTER.incrementAndGet();
    }

    public static RequestSpecification as(String token) {
        RequestSpecification spec = given().contentType(ContentType.JSON).accept(ContentType.JSON);
        return token == null ? spec : spec.auth().oauth2(token);
    }

    public static String login(String email, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password))
                .post("/api/auth/token")
                .then().statusCode(200).extract().path("accessToken");
    }

    public static synchronized String operator() {
        if (operatorToken == null) {
            operatorToken = login(OPERATOR_EMAIL, OPERATOR_PASSWORD);
        }
        return operatorToken;
    }

    public static synchronized String platform() {
        if (platformToken == null) {
            platformToken = given().contentType(ContentType.JSON)
                    .body(Map.of("clientId", PLATFORM_ID, "clientSecret", PLATFORM_SECRET))
                    .post("/api/auth/token")
                    .then().statusCode(200).extract().path("accessToken");
        }
        return platformToken;
    }

    public static UUID createOrg() {
        return createOrg(Map.of());
    }

    public static UUID createOrg(Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("Org"));
        if (!settings.isEmpty()) {
            body.put("settings", settings);
        }
        String id = as(operator()).body(body).post("/api/orgs").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** A member of the org, created by the operator, logged in. */
    public static TestUser createUser(UUID orgId, String role) {
        String email = unique("user").toLowerCase() + "@example.test";
        Response response = as(operator())
                .body(Map.of("email", email, "name", "Name " + email, "role", role, "password", PASSWORD))
                .post("/api/orgs/" + orgId + "/users");
        response.then().statusCode(201);
        UUID id = UUID.fromString(response.path("id"));
        return new TestUser(id, orgId, email, response.path("internalNumber"), login(email, PASSWORD));
    }

    public static TestUser admin(UUID orgId) {
        return createUser(orgId, "admin");
    }

    public static TestUser user(UUID orgId) {
        return createUser(orgId, "user");
    }

    /** Creates a VoIP account (owned by {@code userId} when not null); answers the JSON of the 201. */
    public static Response createVoipAccount(UUID orgId, String kind, UUID userId) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("description", "test " + kind);
        if (userId != null) {
            body.put("userId", userId.toString());
        }
        Response response = as(operator()).body(body).post("/api/orgs/" + orgId + "/voip-accounts");
        response.then().statusCode(201);
        return response;
    }
}
