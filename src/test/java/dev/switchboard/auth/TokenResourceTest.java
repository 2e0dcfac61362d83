package dev.switchboard.auth;

import static dev.switchboard.support.Fixtures.userBody;
import static dev.switchboard.support.Fixtures.usersPath;
import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.unauthorized;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import dev.switchboard.support.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class TokenResourceTest {

    private static Response token(Object body) {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON).body(body).post("/api/auth/token");
    }

    @Test
    void aMemberLogsInWithEmailAndPasswordAndTheTokenWorks() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);

        String accessToken = token(Map.of("email", user.email, "password", TestApi.PASSWORD))
                .then().statusCode(200)
                .body("accessToken", not(emptyOrNullString()))
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(3600))
                .extract().path("accessToken");

        as(accessToken).get(user.path()).then().statusCode(200).body("id", equalTo(user.id.toString()));
    }

    @Test
    void theEmailIsMatchedCaseInsensitivelyAndTrimmed() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);

        String accessToken = token(Map.of("email", "  " + user.email.toUpperCase() + " ", "password", TestApi.PASSWORD))
                .then().statusCode(200).extract().path("accessToken");
        as(accessToken).get(user.path()).then().statusCode(200);
    }

    @Test
    void wrongPasswordUnknownEmailAndPasswordlessUserGetTheIdentical401() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        Map<String, Object> passwordless = userBody("user");
        passwordless.remove("password");
        String passwordlessEmail = as(operator()).body(passwordless).post(usersPath(orgId))
                .then().statusCode(201).extract().path("email");

        Response wrongPassword = token(Map.of("email", user.email, "password", "not-the-password"));
        Response unknownEmail = token(Map.of("email", Fixtures.newEmail(), "password", "not-the-password"));
        Response noPassword = token(Map.of("email", passwordlessEmail, "password", "anything-at-all"));

        unauthorized(wrongPassword);
        unauthorized(unknownEmail);
        unauthorized(noPassword);
        assertThat(unknownEmail.asString()).isEqualTo(wrongPassword.asString());
        assertThat(noPassword.asString()).isEqualTo(wrongPassword.asString());
        assertThat(unknownEmail.header("WWW-Authenticate")).isEqualTo(wrongPassword.header("WWW-Authenticate"));
    }

    @Test
    void thePlatformClientLogsInAndGetsAPlatformToken() {
        String platformToken = token(Map.of("clientId", TestApi.PLATFORM_ID, "clientSecret", TestApi.PLATFORM_SECRET))
                .then().statusCode(200)
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(3600))
                .extract().path("accessToken");

        // A valid token (not 401) whose role may not list organizations (403).
        problem(as(platformToken).get("/api/orgs"), 403);
    }

    @Test
    void aWrongClientSecretOrUnknownClientIs401() {
        Response badSecret = token(Map.of("clientId", TestApi.PLATFORM_ID, "clientSecret", "not-the-secret"));
        Response unknownClient = token(Map.of("clientId", "someone-" + UUID.randomUUID(), "clientSecret", TestApi.PLATFORM_SECRET));

        unauthorized(badSecret);
        unauthorized(unknownClient);
        assertThat(unknownClient.asString()).isEqualTo(badSecret.asString());
    }

    static Stream<Arguments> incompleteRequests() {
        return Stream.of(
                Arguments.of(Map.of("email", "someone@example.test"), "password"),
                Arguments.of(Map.of("password", "secret-secret"), "email"),
                Arguments.of(Map.of("email", "  ", "password", "secret-secret"), "email"),
                Arguments.of(Map.of("email", "someone@example.test", "password", ""), "password"),
                Arguments.of(Map.of("clientId", TestApi.PLATFORM_ID), "clientSecret"),
                Arguments.of(Map.of("clientSecret", "x"), "clientId"));
    }

    @ParameterizedTest(name = "{0} → 400 naming {1}")
    @MethodSource("incompleteRequests")
    void incompleteCredentialsAre400NamingTheMissingField(Map<String, Object> body, String field) {
        invalid(token(body), field);
    }

    @Test
    void mixedOrEmptyOrMissingBodiesAre400() {
        problem(token(Map.of("email", "someone@example.test", "password", "secret-secret", "clientId", "x", "clientSecret", "y")), 400);
        problem(token(Map.of()), 400);
        problem(given().contentType(ContentType.JSON).post("/api/auth/token"), 400);
    }

    @Test
    void theEleventhAttemptWithinAMinuteForOneEmailIs429WithRetryAfter() {
        UUID orgId = createOrg();
        Member victim = Fixtures.user(orgId);
        Member bystander = Fixtures.user(orgId);

        for (int attempt = 1; attempt <= 10; attempt++) {
            unauthorized(token(Map.of("email", victim.email, "password", "wrong-" + attempt)));
        }

        // Spelled differently, it is still the same email; even the right password is refused now.
        Response limited = token(Map.of("email", victim.email.toUpperCase(), "password", TestApi.PASSWORD));
        problem(limited, 429);
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);

        // Only this email is locked.
        token(Map.of("email", bystander.email, "password", TestApi.PASSWORD)).then().statusCode(200);
        Map<String, Object> other = new HashMap<>(Map.of("email", Fixtures.newEmail(), "password", "whatever-it-is"));
        unauthorized(token(other));
    }

    @Test
    void onceAnEmailIsLimitedEverySpellingOfItIsRefusedToo() {
        UUID orgId = createOrg();
        Member victim = Fixtures.user(orgId);

        for (int attempt = 1; attempt <= 10; attempt++) {
            unauthorized(token(Map.of("email", victim.email, "password", "wrong-" + attempt)));
        }

        for (String spelling : new String[] { " " + victim.email, victim.email + " ", victim.email.toUpperCase(),
                "  " + victim.email.toUpperCase() + "  " }) {
            Response limited = token(Map.of("email", spelling, "password", TestApi.PASSWORD));
            problem(limited, 429);
        }
    }

    static Stream<Arguments> oversizedFields() {
        String longEmail = "x".repeat(250) + "@e.test"; // 257 characters
        String password73Bytes = "\u00e9".repeat(36) + "x"; // 37 characters, 73 bytes of UTF-8
        return Stream.of(
                Arguments.of(Map.of("email", longEmail, "password", "secret-secret"), "email"),
                Arguments.of(Map.of("email", "someone@example.test", "password", password73Bytes), "password"),
                Arguments.of(Map.of("email", "someone@example.test", "password", "p".repeat(73)), "password"),
                Arguments.of(Map.of("clientId", "c".repeat(201), "clientSecret", "secret"), "clientId"),
                Arguments.of(Map.of("clientId", TestApi.PLATFORM_ID, "clientSecret", "s".repeat(513)), "clientSecret"));
    }

    @ParameterizedTest(name = "{1} too long → 400")
    @MethodSource("oversizedFields")
    void oversizedCredentialsAre400NamingTheField(Map<String, Object> body, String field) {
        invalid(token(body), field).body("errors.message", org.hamcrest.Matchers.hasItem(
                org.hamcrest.Matchers.containsString("at most")));
    }

    @Test
    void oversizedEmailsAreRefusedBeforeTheyCountAgainstTheEmailsBudget() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        // Eleven refused attempts with the email padded beyond the limit: none is counted...
        String padded = user.email + " ".repeat(300);
        for (int attempt = 1; attempt <= 11; attempt++) {
            invalid(token(Map.of("email", padded, "password", "wrong")), "email");
        }
        // ...so the real email still logs in.
        token(Map.of("email", user.email, "password", TestApi.PASSWORD)).then().statusCode(200);
    }

    @Test
    void aPasswordOfExactly72BytesWorksAndOneByteMoreIsRefusedEverywhere() {
        UUID orgId = createOrg();
        String password72 = "\u00e9".repeat(36); // 36 characters, 72 bytes
        String password73 = password72 + "x";
        Map<String, Object> body = userBody("user");
        body.put("password", password72);
        String path = usersPath(orgId) + "/" + as(operator()).body(body).post(usersPath(orgId))
                .then().statusCode(201).extract().path("id");
        String email = (String) body.get("email");

        token(Map.of("email", email, "password", password72)).then().statusCode(200);
        invalid(token(Map.of("email", email, "password", password73)), "password");

        Map<String, Object> tooLong = userBody("user");
        tooLong.put("password", password73);
        invalid(as(operator()).body(tooLong).post(usersPath(orgId)), "password");
        invalid(as(operator()).body(Map.of("password", password73)).patch(path), "password");
        // bcrypt would have matched on the first 72 bytes: a truncating service would answer 200 here.
        token(Map.of("email", email, "password", password72)).then().statusCode(200);
    }

    @Test
    void anEmailSpelledLikeAClientIdDoesNotSpendThatClientsBudget() {
        for (int attempt = 1; attempt <= 11; attempt++) {
            token(Map.of("email", "client:" + TestApi.PLATFORM_ID, "password", "wrong-" + attempt));
        }
        token(Map.of("clientId", TestApi.PLATFORM_ID, "clientSecret", TestApi.PLATFORM_SECRET)).then().statusCode(200);
    }
}
