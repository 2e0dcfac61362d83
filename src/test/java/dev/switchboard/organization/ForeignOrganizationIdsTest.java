package dev.switchboard.organization;

import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;

import java.util.ArrayList;
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

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Another organization's id is a 404 on every {@code /api/orgs/{orgId}/…} endpoint, for every
 * role — also where the role alone would not be allowed (that would otherwise be a 403 and tell
 * the id apart from an unknown one).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignOrganizationIdsTest {

    /** Every endpoint under {@code /api/orgs/{orgId}}; {org}, {user}, {voip}, {dest} are the other org's. */
    static final List<String[]> ENDPOINTS = List.of(
            new String[] { "GET", "/api/orgs/{org}" },
            new String[] { "PATCH", "/api/orgs/{org}" },
            new String[] { "DELETE", "/api/orgs/{org}" },
            new String[] { "POST", "/api/orgs/{org}/users" },
            new String[] { "GET", "/api/orgs/{org}/users" },
            new String[] { "GET", "/api/orgs/{org}/users/{user}" },
            new String[] { "PATCH", "/api/orgs/{org}/users/{user}" },
            new String[] { "DELETE", "/api/orgs/{org}/users/{user}" },
            new String[] { "POST", "/api/orgs/{org}/voip-accounts" },
            new String[] { "GET", "/api/orgs/{org}/voip-accounts" },
            new String[] { "GET", "/api/orgs/{org}/voip-accounts/{voip}" },
            new String[] { "PATCH", "/api/orgs/{org}/voip-accounts/{voip}" },
            new String[] { "DELETE", "/api/orgs/{org}/voip-accounts/{voip}" },
            new String[] { "POST", "/api/orgs/{org}/voip-accounts/{voip}/credentials" },
            new String[] { "POST", "/api/orgs/{org}/users/{user}/fixed-destinations" },
            new String[] { "GET", "/api/orgs/{org}/users/{user}/fixed-destinations" },
            new String[] { "DELETE", "/api/orgs/{org}/users/{user}/fixed-destinations/{dest}" },
            new String[] { "GET", "/api/orgs/{org}/users/{user}/availability" },
            new String[] { "PUT", "/api/orgs/{org}/users/{user}/availability" },
            new String[] { "GET", "/api/orgs/{org}/users/{user}/reachability" },
            new String[] { "GET", "/api/orgs/{org}/presence" },
            new String[] { "GET", "/api/orgs/{org}/presence/events" },
            new String[] { "POST", "/api/orgs/{org}/calls/route" });

    private UUID theirs;
    private Member theirUser;
    private UUID theirVoip;
    private UUID theirDestination;
    private Member admin;
    private Member user;

    // Once per class, but in @BeforeEach: Quarkus points REST-assured at the test port only per test.
    @BeforeEach
    void createData() {
        if (theirs != null) {
            return;
        }
        UUID mine = createOrg();
        admin = Fixtures.admin(mine);
        user = Fixtures.user(mine);
        theirs = createOrg();
        theirUser = Fixtures.user(theirs);
        theirVoip = Fixtures.voip(theirs, "desk_phone", theirUser.id);
        theirDestination = Fixtures.fixedDestination(theirs, theirUser.id, "+31612345678");
    }

    Stream<Arguments> foreignCalls() {
        List<Arguments> calls = new ArrayList<>();
        for (String role : List.of("user", "admin")) {
            for (String[] endpoint : ENDPOINTS) {
                calls.add(Arguments.of(role, endpoint[0], endpoint[1]));
            }
        }
        return calls.stream();
    }

    @ParameterizedTest(name = "{0}: {1} {2} of another org → 404")
    @MethodSource("foreignCalls")
    void aForeignOrganizationIsNotFoundForEveryRole(String role, String method, String template) {
        String token = role.equals("admin") ? admin.token() : user.token();
        String path = template.replace("{org}", theirs.toString()).replace("{user}", theirUser.id.toString())
                .replace("{voip}", theirVoip.toString()).replace("{dest}", theirDestination.toString());
        problem(as(token).body(Map.of()).request(method, path), 404);
        // Exactly like an organization that does not exist.
        problem(as(token).body(Map.of()).request(method, path.replace(theirs.toString(), UUID.randomUUID().toString())), 404);
    }

    /** What a plain member may do for themselves only, on another user's id. */
    static Stream<Arguments> selfOnlyCalls() {
        return Stream.of(
                Arguments.of("GET", "/users/{user}"),
                Arguments.of("PATCH", "/users/{user}"),
                Arguments.of("GET", "/users/{user}/availability"),
                Arguments.of("PUT", "/users/{user}/availability"),
                Arguments.of("GET", "/users/{user}/reachability"),
                Arguments.of("GET", "/users/{user}/fixed-destinations"),
                Arguments.of("POST", "/users/{user}/fixed-destinations"),
                Arguments.of("DELETE", "/users/{user}/fixed-destinations/{dest}"));
    }

    @ParameterizedTest(name = "user: {0} {1} → 404 for a foreign user, 403 for a colleague")
    @MethodSource("selfOnlyCalls")
    void aForeignUserIdIsNotFoundEvenUnderTheCallersOwnOrganization(String method, String template) {
        String own = "/api/orgs/" + user.orgId;
        String foreign = own + template.replace("{user}", theirUser.id.toString()).replace("{dest}", theirDestination.toString());
        problem(as(user.token()).body(Map.of()).request(method, foreign), 404);
        String unknown = own + template.replace("{user}", UUID.randomUUID().toString()).replace("{dest}", UUID.randomUUID().toString());
        problem(as(user.token()).body(Map.of()).request(method, unknown), 404);
        String colleague = own + template.replace("{user}", admin.id.toString()).replace("{dest}", UUID.randomUUID().toString());
        Map<String, Object> valid = method.equals("POST") ? Map.of("number", "+31612345679") : Map.of();
        problem(as(user.token()).body(valid).request(method, colleague), 403);
    }

    @Test
    void inTheirOwnOrganizationAMissingRoleIsStill403() {
        UUID mine = admin.orgId;
        problem(as(user.token()).get("/api/orgs/" + mine), 403);
        problem(as(admin.token()).delete("/api/orgs/" + mine), 403);
        problem(as(user.token()).body(Fixtures.userBody("user")).post("/api/orgs/" + mine + "/users"), 403);
        problem(as(user.token()).body(Map.of("from", "100", "to", "101")).post("/api/orgs/" + mine + "/calls/route"), 403);
    }

    @Test
    void operatorsAndThePlatformActOnAnyOrganization() {
        as(operator()).get("/api/orgs/" + theirs).then().statusCode(200);
        as(platform()).body(Map.of("from", "+31201234567", "to", theirUser.internalNumber))
                .post("/api/orgs/" + theirs + "/calls/route").then().statusCode(200);
        problem(as(operator()).get("/api/orgs/" + UUID.randomUUID()), 404);
    }
}
