package dev.switchboard;

import static dev.switchboard.support.Fixtures.fixedDestinationsPath;
import static dev.switchboard.support.Fixtures.usersPath;
import static dev.switchboard.support.Fixtures.voipBody;
import static dev.switchboard.support.Fixtures.voipPath;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

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
import io.restassured.response.Response;

/**
 * Nothing of one organization is visible to another: lists never mix, and every foreign id answers
 * 404 (never 403), exactly like an id that does not exist.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {

    /** One organization with an admin, two users, devices and fixed destinations. */
    record Tenant(UUID orgId, Member admin, Member user, Member other, UUID deskPhone, UUID userApp, UUID unowned,
            UUID destination) {

        static Tenant create() {
            UUID orgId = createOrg();
            Member admin = Fixtures.admin(orgId);
            Member user = Fixtures.user(orgId);
            Member other = Fixtures.user(orgId);
            UUID desk = Fixtures.voip(orgId, "desk_phone", admin.id);
            UUID app = Fixtures.voip(orgId, "app", user.id);
            UUID unowned = Fixtures.voip(orgId, "softphone", null);
            UUID destination = Fixtures.fixedDestination(orgId, user.id, "+31612345678");
            Fixtures.fixedDestination(orgId, admin.id, "+31612345678");
            return new Tenant(orgId, admin, user, other, desk, app, unowned, destination);
        }

        List<String> ids() {
            return Stream.of(orgId, admin.id, user.id, other.id, deskPhone, userApp, unowned, destination)
                    .map(UUID::toString).toList();
        }
    }

    private Tenant a;
    private Tenant b;

    // Once per class, but in @BeforeEach: Quarkus points REST-assured at the test port only per test.
    @BeforeEach
    void createTwoTenants() {
        if (a != null) {
            return;
        }
        a = Tenant.create();
        b = Tenant.create();
    }

    /** Every list of {@code mine}, as each of its members may read them. */
    private static List<Response> everyList(Tenant mine) {
        List<Response> lists = new ArrayList<>();
        for (Member reader : List.of(mine.admin(), mine.user())) {
            lists.add(as(reader.token()).get(usersPath(mine.orgId()) + "?size=200"));
            lists.add(as(reader.token()).get(voipPath(mine.orgId()) + "?size=200"));
            lists.add(as(reader.token()).get(fixedDestinationsPath(mine.orgId(), mine.user().id)));
        }
        lists.add(as(mine.admin().token()).get(fixedDestinationsPath(mine.orgId(), mine.admin().id)));
        lists.add(as(mine.admin().token()).get(voipPath(mine.orgId()) + "?size=200&userId=" + mine.user().id));
        lists.add(as(operator()).get(usersPath(mine.orgId()) + "?size=200"));
        lists.add(as(operator()).get(voipPath(mine.orgId()) + "?size=200"));
        return lists;
    }

    @Test
    void everyListOfOneOrganizationShowsNothingOfTheOther() {
        for (Tenant[] pair : new Tenant[][] { { a, b }, { b, a } }) {
            Tenant mine = pair[0];
            Tenant theirs = pair[1];
            for (Response list : everyList(mine)) {
                list.then().statusCode(200);
                String body = list.asString();
                assertThat(list.<List<String>>path("items.id")).isNotEmpty();
                for (String foreignId : theirs.ids()) {
                    assertThat(body).as("a list of org %s mentions %s of org %s", mine.orgId(), foreignId, theirs.orgId())
                            .doesNotContain(foreignId);
                }
            }
        }
    }

    @Test
    void theUsersListOfEachOrganizationIsExactlyItsMembers() {
        assertThat(as(a.admin().token()).get(usersPath(a.orgId())).<List<String>>path("items.id"))
                .containsExactlyInAnyOrder(a.admin().id.toString(), a.user().id.toString(), a.other().id.toString());
        assertThat(as(b.user().token()).get(voipPath(b.orgId())).<List<String>>path("items.id"))
                .containsExactly(b.userApp().toString());
    }

    /** Requests by org A's admin (or user) that name something of org B. */
    static Stream<Arguments> foreignRequests() {
        return Stream.of(
                Arguments.of("admin A: GET org B", "admin", "GET", "/api/orgs/{B}"),
                Arguments.of("admin A: PATCH org B", "admin", "PATCH", "/api/orgs/{B}"),
                Arguments.of("admin A: list users of B", "admin", "GET", "/api/orgs/{B}/users"),
                Arguments.of("admin A: create user in B", "admin", "POST", "/api/orgs/{B}/users"),
                Arguments.of("admin A: GET user of B", "admin", "GET", "/api/orgs/{B}/users/{B.user}"),
                Arguments.of("admin A: PATCH user of B", "admin", "PATCH", "/api/orgs/{B}/users/{B.user}"),
                Arguments.of("admin A: DELETE user of B", "admin", "DELETE", "/api/orgs/{B}/users/{B.user}"),
                Arguments.of("admin A: GET B's user via A's path", "admin", "GET", "/api/orgs/{A}/users/{B.user}"),
                Arguments.of("admin A: PATCH B's user via A's path", "admin", "PATCH", "/api/orgs/{A}/users/{B.user}"),
                Arguments.of("admin A: DELETE B's user via A's path", "admin", "DELETE", "/api/orgs/{A}/users/{B.user}"),
                Arguments.of("admin A: list devices of B", "admin", "GET", "/api/orgs/{B}/voip-accounts"),
                Arguments.of("admin A: create device in B", "admin", "POST", "/api/orgs/{B}/voip-accounts"),
                Arguments.of("admin A: GET device of B", "admin", "GET", "/api/orgs/{B}/voip-accounts/{B.app}"),
                Arguments.of("admin A: PATCH device of B", "admin", "PATCH", "/api/orgs/{B}/voip-accounts/{B.app}"),
                Arguments.of("admin A: DELETE device of B", "admin", "DELETE", "/api/orgs/{B}/voip-accounts/{B.app}"),
                Arguments.of("admin A: rotate device of B", "admin", "POST", "/api/orgs/{B}/voip-accounts/{B.app}/credentials"),
                Arguments.of("admin A: GET B's device via A's path", "admin", "GET", "/api/orgs/{A}/voip-accounts/{B.app}"),
                Arguments.of("admin A: PATCH B's device via A's path", "admin", "PATCH", "/api/orgs/{A}/voip-accounts/{B.app}"),
                Arguments.of("admin A: DELETE B's device via A's path", "admin", "DELETE", "/api/orgs/{A}/voip-accounts/{B.app}"),
                Arguments.of("admin A: rotate B's device via A's path", "admin", "POST", "/api/orgs/{A}/voip-accounts/{B.app}/credentials"),
                Arguments.of("admin A: list B's fixed destinations", "admin", "GET", "/api/orgs/{B}/users/{B.user}/fixed-destinations"),
                Arguments.of("admin A: add B's fixed destination", "admin", "POST", "/api/orgs/{B}/users/{B.user}/fixed-destinations"),
                Arguments.of("admin A: delete B's fixed destination", "admin", "DELETE", "/api/orgs/{B}/users/{B.user}/fixed-destinations/{B.destination}"),
                Arguments.of("admin A: B's user via A's path: list destinations", "admin", "GET", "/api/orgs/{A}/users/{B.user}/fixed-destinations"),
                Arguments.of("admin A: B's user via A's path: add destination", "admin", "POST", "/api/orgs/{A}/users/{B.user}/fixed-destinations"),
                Arguments.of("admin A: B's destination via A's user", "admin", "DELETE", "/api/orgs/{A}/users/{A.user}/fixed-destinations/{B.destination}"),
                Arguments.of("user A: list users of B", "user", "GET", "/api/orgs/{B}/users"),
                Arguments.of("user A: GET user of B", "user", "GET", "/api/orgs/{B}/users/{B.user}"),
                Arguments.of("user A: PATCH user of B", "user", "PATCH", "/api/orgs/{B}/users/{B.user}"),
                Arguments.of("user A: list devices of B", "user", "GET", "/api/orgs/{B}/voip-accounts"),
                Arguments.of("user A: GET device of B", "user", "GET", "/api/orgs/{B}/voip-accounts/{B.app}"),
                Arguments.of("user A: PATCH device of B", "user", "PATCH", "/api/orgs/{B}/voip-accounts/{B.app}"),
                Arguments.of("user A: list B's fixed destinations", "user", "GET", "/api/orgs/{B}/users/{B.user}/fixed-destinations"),
                Arguments.of("operator: B's user via A's path", "operator", "GET", "/api/orgs/{A}/users/{B.user}"),
                Arguments.of("operator: B's device via A's path", "operator", "GET", "/api/orgs/{A}/voip-accounts/{B.app}"),
                Arguments.of("operator: B's destination via A's user", "operator", "DELETE", "/api/orgs/{A}/users/{A.user}/fixed-destinations/{B.destination}"));
    }

    @ParameterizedTest(name = "{0} → 404")
    @MethodSource("foreignRequests")
    void everyForeignIdIs404(String label, String caller, String method, String template) {
        String token = switch (caller) {
            case "admin" -> a.admin().token();
            case "user" -> a.user().token();
            default -> operator();
        };
        Object body = switch (method) {
            case "POST" -> template.endsWith("/users") ? Fixtures.userBody("user")
                    : template.endsWith("/voip-accounts") ? voipBody("desk_phone", null)
                    : template.endsWith("/fixed-destinations") ? Map.of("number", "+31687654321")
                    : Map.of();
            case "PATCH" -> template.contains("/voip-accounts/") ? Map.of("dnd", true) : Map.of("name", "taken over");
            default -> Map.of();
        };

        problem(as(token).body(body).request(method, resolve(template)), 404);

        // Org B is untouched.
        as(operator()).get("/api/orgs/" + b.orgId()).then().statusCode(200).body("version", equalTo(0));
        as(operator()).get(b.user().path()).then().statusCode(200).body("version", equalTo(0));
        as(operator()).get(voipPath(b.orgId()) + "/" + b.userApp()).then().statusCode(200)
                .body("version", equalTo(0)).body("state.dnd", equalTo(false));
        as(operator()).get(usersPath(b.orgId())).then().statusCode(200).body("total", equalTo(3));
        as(operator()).get(voipPath(b.orgId())).then().statusCode(200).body("total", equalTo(3));
        as(operator()).get(fixedDestinationsPath(b.orgId(), b.user().id)).then().statusCode(200)
                .body("items.id", equalTo(List.of(b.destination().toString())));
    }

    @Test
    void aForeignIdAnswersExactlyLikeAnUnknownOne() {
        Response foreign = as(a.admin().token()).get(usersPath(a.orgId()) + "/" + b.user().id);
        Response unknown = as(a.admin().token()).get(usersPath(a.orgId()) + "/" + UUID.randomUUID());
        problem(foreign, 404);
        problem(unknown, 404);
        assertThat(foreign.<String>path("detail")).isEqualTo(unknown.path("detail"));
        assertThat(foreign.<String>path("type")).isEqualTo(unknown.path("type"));

        Response foreignOrg = as(a.admin().token()).get(usersPath(b.orgId()));
        Response unknownOrg = as(a.admin().token()).get(usersPath(UUID.randomUUID()));
        problem(foreignOrg, 404);
        problem(unknownOrg, 404);
        assertThat(foreignOrg.<String>path("detail")).isEqualTo(unknownOrg.path("detail"));
    }

    @Test
    void linkingADeviceToAnotherOrganizationsUserAnswersLikeAnUnknownUser() {
        Response foreign = as(a.admin().token()).body(voipBody("desk_phone", b.other().id)).post(voipPath(a.orgId()));
        Response unknown = as(a.admin().token()).body(voipBody("desk_phone", UUID.randomUUID())).post(voipPath(a.orgId()));

        assertThat(foreign.statusCode()).isEqualTo(unknown.statusCode()).isIn(404, 422);
        assertThat(foreign.<Object>path("errors")).isEqualTo(unknown.path("errors"));

        Response relink = as(a.admin().token()).body(Map.of("userId", b.other().id.toString()))
                .patch(voipPath(a.orgId()) + "/" + a.unowned());
        assertThat(relink.statusCode()).isEqualTo(unknown.statusCode());
        as(operator()).get(voipPath(b.orgId()) + "?userId=" + b.other().id).then().statusCode(200).body("total", equalTo(0));
    }

    private String resolve(String template) {
        return template
                .replace("{A}", a.orgId().toString())
                .replace("{B}", b.orgId().toString())
                .replace("{A.user}", a.user().id.toString())
                .replace("{B.user}", b.user().id.toString())
                .replace("{B.app}", b.userApp().toString())
                .replace("{B.destination}", b.destination().toString());
    }
}
