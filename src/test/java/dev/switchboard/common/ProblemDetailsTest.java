package dev.switchboard.common;

import static dev.switchboard.support.Fixtures.fixedDestinationsPath;
import static dev.switchboard.support.Fixtures.usersPath;
import static dev.switchboard.support.Fixtures.voipPath;
import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.unauthorized;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The error conventions that hold across every resource: RFC 9457 bodies, 400/401/404/415, pagination. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemDetailsTest {

    /** One request of the API: method and path template ({orgId}, {userId}, {id} are the shared data). */
    record Call(String method, String template) {
        String path(ProblemDetailsTest test) {
            return template.replace("{orgId}", test.orgId).replace("{userId}", test.userId).replace("{id}", test.voipId)
                    .replace("{random}", UUID.randomUUID().toString());
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private String orgId;
    private String userId;
    private String voipId;
    private UUID org;
    private Member member;

    // Once per class, but in @BeforeEach: Quarkus points REST-assured at the test port only per test.
    @BeforeEach
    void createData() {
        if (org != null) {
            return;
        }
        org = createOrg();
        member = Fixtures.user(org);
        orgId = org.toString();
        userId = member.id.toString();
        voipId = Fixtures.voip(org, "desk_phone", member.id).toString();
    }

    static Stream<Call> everyProtectedCall() {
        return Stream.of(
                new Call("POST", "/api/orgs"),
                new Call("GET", "/api/orgs"),
                new Call("GET", "/api/orgs/{orgId}"),
                new Call("PATCH", "/api/orgs/{orgId}"),
                new Call("DELETE", "/api/orgs/{orgId}"),
                new Call("POST", "/api/orgs/{orgId}/users"),
                new Call("GET", "/api/orgs/{orgId}/users"),
                new Call("GET", "/api/orgs/{orgId}/users/{userId}"),
                new Call("PATCH", "/api/orgs/{orgId}/users/{userId}"),
                new Call("DELETE", "/api/orgs/{orgId}/users/{userId}"),
                new Call("POST", "/api/orgs/{orgId}/voip-accounts"),
                new Call("GET", "/api/orgs/{orgId}/voip-accounts"),
                new Call("GET", "/api/orgs/{orgId}/voip-accounts/{id}"),
                new Call("PATCH", "/api/orgs/{orgId}/voip-accounts/{id}"),
                new Call("DELETE", "/api/orgs/{orgId}/voip-accounts/{id}"),
                new Call("POST", "/api/orgs/{orgId}/voip-accounts/{id}/credentials"),
                new Call("POST", "/api/orgs/{orgId}/users/{userId}/fixed-destinations"),
                new Call("GET", "/api/orgs/{orgId}/users/{userId}/fixed-destinations"),
                new Call("DELETE", "/api/orgs/{orgId}/users/{userId}/fixed-destinations/{random}"));
    }

    static Stream<Arguments> callsWithBadTokens() {
        List<String> tokens = List.of("none", "garbage", "unsigned-jwt");
        return everyProtectedCall().flatMap(call -> tokens.stream().map(token -> Arguments.of(call, token)));
    }

    @ParameterizedTest(name = "{0} with token {1} → 401")
    @MethodSource("callsWithBadTokens")
    void withoutAValidTokenEveryCallIs401WithABearerChallenge(Call call, String token) {
        RequestSpecification request = given().contentType(ContentType.JSON).accept(ContentType.JSON).body("{}");
        switch (token) {
            case "garbage" -> request.auth().oauth2("garbage");
            // {"alg":"none"} . {"sub":"x","groups":["operator"]} . (no signature)
            case "unsigned-jwt" -> request.auth().oauth2("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZ3JvdXBzIjpbIm9wZXJhdG9yIl19.");
            default -> {
            }
        }
        unauthorized(request.request(call.method(), call.path(this)));
        // Nothing was done: the data is still there.
        as(operator()).get(usersPath(org) + "/" + userId).then().statusCode(200);
        as(operator()).get(voipPath(org) + "/" + voipId).then().statusCode(200);
    }

    static Stream<Call> callsWithBodies() {
        return everyProtectedCall().filter(call -> call.method().equals("POST") || call.method().equals("PATCH"))
                .filter(call -> !call.template().endsWith("/credentials"));
    }

    @ParameterizedTest(name = "{0} with malformed JSON → 400")
    @MethodSource("callsWithBodies")
    void malformedJsonIs400(Call call) {
        problem(as(operator()).body("{\"name\": ").request(call.method(), call.path(this)), 400);
    }

    @ParameterizedTest(name = "{0} with text/plain → 415")
    @MethodSource("callsWithBodies")
    void aBodyThatIsNotJsonIs415ProblemJson(Call call) {
        problem(given().auth().oauth2(operator()).contentType(ContentType.TEXT).accept(ContentType.JSON).body("name=x")
                .request(call.method(), call.path(this)), 415);
    }

    @Test
    void malformedJsonAtLoginIs400AndWrongContentTypeIs415() {
        problem(given().contentType(ContentType.JSON).body("{\"email\": ").post("/api/auth/token"), 400);
        problem(given().contentType(ContentType.TEXT).body("email=x").post("/api/auth/token"), 415);
    }

    @Test
    void unknownEnumValuesAre400NamingTheField() {
        invalid(as(operator()).body(Map.of("kind", "fax")).post(voipPath(org)), "kind")
                .body("errors[0].message", equalTo("must be one of desk_phone, webphone, app, softphone"));
        invalid(as(operator()).body(Map.of("email", Fixtures.newEmail(), "name", "n", "role", "boss")).post(usersPath(org)), "role");
        invalid(as(operator()).body(Map.of("role", "boss")).patch(usersPath(org) + "/" + userId), "role");
    }

    @Test
    void aMissingBodyIs400() {
        problem(as(operator()).post(usersPath(org)), 400);
        problem(as(operator()).post(voipPath(org)), 400);
        problem(as(operator()).post("/api/orgs"), 400);
        problem(as(operator()).post(fixedDestinationsPath(org, member.id)), 400);
    }

    static Stream<String> paginatedLists() {
        return Stream.of("/api/orgs", "/api/orgs/{orgId}/users", "/api/orgs/{orgId}/voip-accounts");
    }

    static Stream<Arguments> badPageParameters() {
        return paginatedLists().flatMap(list -> Stream.of(
                Arguments.of(list, "page=-1", "page"),
                Arguments.of(list, "page=x", "page"),
                Arguments.of(list, "size=abc", "size"),
                Arguments.of(list, "size=0", "size"),
                Arguments.of(list, "size=-5", "size")));
    }

    @ParameterizedTest(name = "GET {0}?{1} → 400 naming {2}")
    @MethodSource("badPageParameters")
    void badPageParametersAre400NamingTheParameter(String list, String query, String field) {
        invalid(as(operator()).get(list.replace("{orgId}", orgId) + "?" + query), field);
    }

    @ParameterizedTest(name = "GET {0}?size=1000 is capped at 200")
    @MethodSource("paginatedLists")
    void sizeAbove200IsCappedInTheAnswer(String list) {
        as(operator()).get(list.replace("{orgId}", orgId) + "?size=1000").then().statusCode(200)
                .body("size", equalTo(200)).body("page", equalTo(0)).body("items.size()", lessThanOrEqualTo(200));
    }

    @ParameterizedTest(name = "GET {0} without parameters: page 0, size 50")
    @MethodSource("paginatedLists")
    void defaultsArePage0Size50(String list) {
        as(operator()).get(list.replace("{orgId}", orgId)).then().statusCode(200)
                .body("size", equalTo(50)).body("page", equalTo(0)).body("items.size()", lessThanOrEqualTo(50));
    }

    @ParameterizedTest(name = "unknown path {0} → 404 problem")
    @ValueSource(strings = { "/api/nothing-here", "/api/orgs/not-a-uuid", "/api/orgs/{orgId}/users/not-a-uuid",
            "/api/orgs/{orgId}/voip-accounts/not-a-uuid" })
    void unknownPathsAndMalformedIdsAre404Problems(String path) {
        problem(as(operator()).get(path.replace("{orgId}", orgId)), 404);
    }

    @Test
    void aNonJsonAcceptIs406ProblemJson() {
        problem(given().auth().oauth2(operator()).accept(ContentType.TEXT).get(usersPath(org)), 406);
    }

    @Test
    void validationProblemsListEveryInvalidField() {
        invalid(as(operator()).body(Map.of("email", "bad", "name", " ", "internalNumber", "0123")).post(usersPath(org)),
                "email", "name", "internalNumber", "role")
                .body("type", equalTo("https://switchboard.dev/problems/validation"));
    }

    @ParameterizedTest(name = "unknown field on {0} → 400 problem naming it")
    @MethodSource("callsWithBodies")
    void anUnknownFieldIs400ProblemNamingIt(Call call) {
        invalid(as(operator()).body(Map.of("surprise", 1)).request(call.method(), call.path(this)), "surprise");
    }

    @Test
    void wrongJsonTypesAre400ProblemsNamingTheField() {
        invalid(as(operator()).body(Map.of("kind", "desk_phone", "userId", "not-a-uuid")).post(voipPath(org)), "userId");
        invalid(as(operator()).body(Map.of("dnd", "maybe")).patch(voipPath(org) + "/" + voipId), "dnd");
        invalid(as(operator()).body(Map.of("name", "x", "settings", Map.of("maxVoipAccountsPerUser", "ten"))).post("/api/orgs"),
                "settings.maxVoipAccountsPerUser");
        invalid(as(operator()).body(Map.of("email", "a@b.test", "password", "x", "extra", 1)).post("/api/auth/token"), "extra");
        problem(as(operator()).body("[]").post(usersPath(org)), 400);
    }
}
