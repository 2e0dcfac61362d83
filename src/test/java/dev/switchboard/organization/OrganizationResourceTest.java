package dev.switchboard.organization;

import static dev.switchboard.support.Fixtures.etag;
import static dev.switchboard.support.Fixtures.orgPath;
import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class OrganizationResourceTest {

    @Test
    void operatorCreatesAnOrganizationWithDefaultSettings() {
        String name = unique("Acme");
        Response created = as(operator()).body(Map.of("name", name)).post("/api/orgs");

        created.then().statusCode(201)
                .header("ETag", equalTo(etag(0)))
                .body("id", notNullValue())
                .body("name", equalTo(name))
                .body("settings.applyUserStatusToDevices", equalTo(true))
                .body("settings.maxVoipAccountsPerUser", equalTo(10))
                .body("settings.showCallContext", equalTo(true))
                .body("version", equalTo(0))
                .body("createdAt", notNullValue());
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith("/api/orgs/" + id);

        as(operator()).get(created.header("Location")).then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    void createTakesTheGivenSettingsAndTrimsTheName() {
        String name = unique("Trimmed");
        as(operator()).body(Map.of("name", "  " + name + "  ", "settings",
                Map.of("applyUserStatusToDevices", false, "maxVoipAccountsPerUser", 3, "showCallContext", false)))
                .post("/api/orgs")
                .then().statusCode(201)
                .body("name", equalTo(name))
                .body("settings.applyUserStatusToDevices", equalTo(false))
                .body("settings.maxVoipAccountsPerUser", equalTo(3))
                .body("settings.showCallContext", equalTo(false));
    }

    @Test
    void getSendsTheEtagOfTheCurrentVersionToOperatorAndOwnAdmin() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);

        as(operator()).get(orgPath(orgId)).then().statusCode(200)
                .header("ETag", equalTo(etag(0))).body("id", equalTo(orgId.toString()));
        as(admin.token()).get(orgPath(orgId)).then().statusCode(200)
                .header("ETag", equalTo(etag(0))).body("version", equalTo(0));
    }

    @Test
    void listIsAPaginatedEnvelope() {
        createOrg();
        createOrg();

        Response page = as(operator()).get("/api/orgs?page=0&size=2");
        page.then().statusCode(200)
                .body("items", hasSize(2))
                .body("page", equalTo(0))
                .body("size", equalTo(2));
        long total = page.jsonPath().getLong("total");
        assertThat(total).isGreaterThanOrEqualTo(2);

        // The second page continues the first: no id appears on both.
        List<String> first = page.path("items.id");
        List<String> second = as(operator()).get("/api/orgs?page=1&size=2").then().statusCode(200)
                .body("page", equalTo(1)).extract().path("items.id");
        assertThat(second).doesNotContainAnyElementsOf(first);
    }

    @Test
    void adminPatchesOwnOrganizationNameAndOneSettingLeavingTheOthers() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        String name = unique("Renamed");

        as(admin.token()).body(Map.of("name", name, "settings", Map.of("maxVoipAccountsPerUser", 4)))
                .patch(orgPath(orgId))
                .then().statusCode(200)
                .header("ETag", equalTo(etag(1)))
                .body("name", equalTo(name))
                .body("version", equalTo(1))
                .body("settings.maxVoipAccountsPerUser", equalTo(4))
                .body("settings.applyUserStatusToDevices", equalTo(true))
                .body("settings.showCallContext", equalTo(true));

        as(operator()).get(orgPath(orgId)).then().statusCode(200)
                .header("ETag", equalTo(etag(1))).body("name", equalTo(name));
    }

    @Test
    void deleteAnswers204AndTheOrganizationWithItsMembersIsGone() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Fixtures.voip(orgId, "desk_phone", admin.id);

        as(operator()).delete(orgPath(orgId)).then().statusCode(204);

        problem(as(operator()).get(orgPath(orgId)), 404);
        problem(as(operator()).get(orgPath(orgId) + "/users"), 404);
        problem(as(operator()).get(orgPath(orgId) + "/voip-accounts"), 404);
        problem(as(operator()).delete(orgPath(orgId)), 404);
    }

    @Test
    void unknownOrganizationIsNotFound() {
        String path = orgPath(UUID.randomUUID());
        problem(as(operator()).get(path), 404);
        problem(as(operator()).body(Map.of("name", "x")).patch(path), 404);
        problem(as(operator()).delete(path), 404);
    }

    static Stream<Arguments> invalidCreations() {
        return Stream.of(
                Arguments.of("missing name", Map.of(), "name"),
                Arguments.of("blank name", Map.of("name", "   "), "name"),
                Arguments.of("name too long", Map.of("name", "x".repeat(201)), "name"),
                Arguments.of("limit below 1", Map.of("name", "x", "settings", Map.of("maxVoipAccountsPerUser", 0)),
                        "settings.maxVoipAccountsPerUser"),
                Arguments.of("limit above 100", Map.of("name", "x", "settings", Map.of("maxVoipAccountsPerUser", 101)),
                        "settings.maxVoipAccountsPerUser"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreations")
    void invalidCreateAnswers400NamingTheField(String label, Map<String, Object> body, String field) {
        invalid(as(operator()).body(body).post("/api/orgs"), field);
    }

    @Test
    void invalidPatchAnswers400NamingTheField() {
        UUID orgId = createOrg();
        invalid(as(operator()).body(Map.of("name", "")).patch(orgPath(orgId)), "name");
        invalid(as(operator()).body(Map.of("settings", Map.of("maxVoipAccountsPerUser", -1))).patch(orgPath(orgId)),
                "settings.maxVoipAccountsPerUser");
        as(operator()).get(orgPath(orgId)).then().statusCode(200).body("version", equalTo(0));
    }

    @Test
    void blankNameInPatchIsRefused() {
        UUID orgId = createOrg();
        invalid(as(operator()).body(Map.of("name", "   ")).patch(orgPath(orgId)), "name");
    }

    @Test
    void staleIfMatchIs412AndTheCurrentEtagSucceeds() {
        UUID orgId = createOrg();
        as(operator()).body(Map.of("name", unique("v1"))).patch(orgPath(orgId)).then().statusCode(200);

        problem(as(operator()).header("If-Match", etag(0)).body(Map.of("name", unique("stale"))).patch(orgPath(orgId)), 412);

        String current = Fixtures.etagOf(orgPath(orgId));
        assertThat(current).isEqualTo(etag(1));
        as(operator()).header("If-Match", current).body(Map.of("name", unique("v2"))).patch(orgPath(orgId))
                .then().statusCode(200).header("ETag", equalTo(etag(2)));
    }

    @ParameterizedTest(name = "If-Match {0} matches version 1")
    @ValueSource(strings = { "\"1\"", "W/\"1\"", "*", "\"0\", \"1\"" })
    void ifMatchAcceptsStrongWeakWildcardAndListedTags(String ifMatch) {
        UUID orgId = createOrg();
        as(operator()).body(Map.of("name", unique("v1"))).patch(orgPath(orgId)).then().statusCode(200);

        as(operator()).header("If-Match", ifMatch).body(Map.of("name", unique("v2"))).patch(orgPath(orgId))
                .then().statusCode(200).body("version", equalTo(2));
    }

    @Test
    void staleBodyVersionIs409() {
        UUID orgId = createOrg();
        as(operator()).body(Map.of("name", unique("v1"))).patch(orgPath(orgId)).then().statusCode(200);

        problem(as(operator()).body(Map.of("name", unique("stale"), "version", 0)).patch(orgPath(orgId)), 409);
        as(operator()).body(Map.of("name", unique("fresh"), "version", 1)).patch(orgPath(orgId))
                .then().statusCode(200).body("version", equalTo(2));
    }

    @Test
    void rolesOtherThanOperatorCannotManageOrganizations() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Member user = Fixtures.user(orgId);

        problem(as(admin.token()).body(Map.of("name", "mine")).post("/api/orgs"), 403);
        problem(as(admin.token()).get("/api/orgs"), 403);
        problem(as(admin.token()).delete(orgPath(orgId)), 403);
        problem(as(user.token()).get(orgPath(orgId)), 403);
        problem(as(user.token()).body(Map.of("name", "mine")).patch(orgPath(orgId)), 403);
        problem(as(user.token()).body(Map.of("name", "mine")).post("/api/orgs"), 403);
        problem(as(platform()).body(Map.of("name", "mine")).post("/api/orgs"), 403);
        problem(as(platform()).get("/api/orgs"), 403);
        problem(as(platform()).get(orgPath(orgId)), 403);
        problem(as(platform()).body(Map.of("name", "mine")).patch(orgPath(orgId)), 403);
        problem(as(platform()).delete(orgPath(orgId)), 403);

        as(operator()).get(orgPath(orgId)).then().statusCode(200).body("version", equalTo(0));
    }
}
