package dev.switchboard.auth;

import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.unauthorized;
import static dev.switchboard.support.TestApi.createOrg;
import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import dev.switchboard.support.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The login limiter tracks a bounded number of keys. Filling it with distinct emails must neither
 * lock anybody out nor free a locked email.
 */
@QuarkusTest
@TestProfile(LoginLimiterBoundsTest.SmallTable.class)
class LoginLimiterBoundsTest {

    public static class SmallTable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.auth.login.max-tracked-keys", "20");
        }
    }

    private static Response token(String email, String password) {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON)
                .body(Map.of("email", email, "password", password)).post("/api/auth/token");
    }

    @Test
    void aFullTableKeepsLimitedEmailsLimitedAndLetsEveryoneElseTry() {
        UUID orgId = createOrg();
        Member victim = Fixtures.user(orgId);
        Member bystander = Fixtures.user(orgId);
        for (int attempt = 1; attempt <= 10; attempt++) {
            unauthorized(token(victim.email, "wrong-" + attempt));
        }
        problem(token(victim.email, TestApi.PASSWORD), 429);

        // Far more distinct emails than the table holds: each is an ordinary failed login, none is 429.
        for (int i = 0; i < 200; i++) {
            unauthorized(token(Fixtures.newEmail(), "not-the-password"));
        }

        problem(token(victim.email, TestApi.PASSWORD), 429);
        token(bystander.email, TestApi.PASSWORD).then().statusCode(200);
    }
}
