package dev.switchboard.account;

import static dev.switchboard.support.Fixtures.fixedDestinationsPath;
import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.problemNaming;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class FixedDestinationResourceTest {

    @Test
    void aUserCreatesListsAndDeletesOwnFixedDestinations() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        String path = fixedDestinationsPath(orgId, user.id);

        Response created = as(user.token()).body(Map.of("number", "+31612345678", "description", " Mobile "))
                .post(path);
        created.then().statusCode(201)
                .body("id", notNullValue())
                .body("userId", equalTo(user.id.toString()))
                .body("number", equalTo("+31612345678"))
                .body("description", equalTo("Mobile"))
                .body("createdAt", notNullValue());
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith(path + "/" + id);

        Response second = as(user.token()).body(Map.of("number", "+442071234567")).post(path);
        second.then().statusCode(201).body("description", equalTo(""));

        as(user.token()).get(path).then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.id", equalTo(List.of(id, second.<String>path("id"))))
                .body("page", equalTo(0))
                .body("total", equalTo(2));

        as(user.token()).delete(path + "/" + id).then().statusCode(204);
        as(user.token()).get(path).then().statusCode(200)
                .body("total", equalTo(1)).body("items.id", equalTo(List.of(second.<String>path("id"))));
        problem(as(user.token()).delete(path + "/" + id), 404);
    }

    @Test
    void adminsAndOperatorsManageAMembersFixedDestinations() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Member user = Fixtures.user(orgId);
        String path = fixedDestinationsPath(orgId, user.id);

        String id = as(admin.token()).body(Map.of("number", "+31201234567")).post(path)
                .then().statusCode(201).extract().path("id");
        as(operator()).get(path).then().statusCode(200).body("items.id", equalTo(List.of(id)));
        as(user.token()).get(path).then().statusCode(200).body("items.id", equalTo(List.of(id)));
        as(admin.token()).delete(path + "/" + id).then().statusCode(204);
        as(operator()).get(path).then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void colleaguesAndThePlatformCannotTouchSomeoneElsesDestinations() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        Member colleague = Fixtures.user(orgId);
        String path = fixedDestinationsPath(orgId, user.id);
        UUID id = Fixtures.fixedDestination(orgId, user.id, "+31612345678");

        problem(as(colleague.token()).get(path), 403);
        problem(as(colleague.token()).body(Map.of("number", "+31687654321")).post(path), 403);
        problem(as(colleague.token()).delete(path + "/" + id), 403);
        problem(as(platform()).get(path), 403);
        problem(as(platform()).body(Map.of("number", "+31687654321")).post(path), 403);
        problem(as(platform()).delete(path + "/" + id), 403);

        as(operator()).get(path).then().statusCode(200).body("items.id", equalTo(List.of(id.toString())));
    }

    @ParameterizedTest(name = "number \"{0}\" is refused")
    @ValueSource(strings = { "0612345678", "+0612345678", "31612345678", "+31", "+3161234567890123", "abc", "+31 6 1234 5678", "", "  " })
    void numbersMustBeE164(String number) {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);

        invalid(as(operator()).body(Map.of("number", number)).post(fixedDestinationsPath(orgId, user.id)), "number");
        as(operator()).get(fixedDestinationsPath(orgId, user.id)).then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void missingNumberAndOverlongDescriptionAreRefused() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        String path = fixedDestinationsPath(orgId, user.id);

        invalid(as(operator()).body(Map.of("description", "mobile")).post(path), "number");
        invalid(as(operator()).body(Map.of("number", "+31612345678", "description", "x".repeat(201))).post(path), "description");
    }

    @Test
    void unknownUsersAndDestinationsAreNotFound() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Member user = Fixtures.user(orgId);
        Member colleague = Fixtures.user(orgId);
        UUID colleaguesDestination = Fixtures.fixedDestination(orgId, colleague.id, "+31612345678");
        String unknownUser = fixedDestinationsPath(orgId, UUID.randomUUID());

        problem(as(admin.token()).get(unknownUser), 404);
        problem(as(admin.token()).body(Map.of("number", "+31612345678")).post(unknownUser), 404);
        problem(as(admin.token()).delete(fixedDestinationsPath(orgId, user.id) + "/" + UUID.randomUUID()), 404);
        // A colleague's destination through this user's path does not exist either.
        problem(as(admin.token()).delete(fixedDestinationsPath(orgId, user.id) + "/" + colleaguesDestination), 404);
        as(admin.token()).get(fixedDestinationsPath(orgId, colleague.id)).then().statusCode(200)
                .body("items.id", equalTo(List.of(colleaguesDestination.toString())));
    }

    @Test
    void twoUsersMayHaveTheSameNumber() {
        UUID orgId = createOrg();
        Fixtures.fixedDestination(orgId, Fixtures.user(orgId).id, "+31612345678");
        Fixtures.fixedDestination(orgId, Fixtures.user(orgId).id, "+31612345678");
    }

    @Test
    void theSameNumberTwiceForOneUserIs409NamingNumber() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        Fixtures.fixedDestination(orgId, user.id, "+31612345678");

        problemNaming(as(operator()).body(Map.of("number", "+31612345678")).post(fixedDestinationsPath(orgId, user.id)),
                409, "number");
    }

    @Test
    void listHonoursThePaginationConvention() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        String path = fixedDestinationsPath(orgId, user.id);

        as(operator()).get(path).then().statusCode(200).body("size", equalTo(50)).body("total", equalTo(0));
        invalid(as(operator()).get(path + "?page=-1"), "page");
        invalid(as(operator()).get(path + "?size=abc"), "size");
        as(operator()).get(path + "?size=1000").then().statusCode(200).body("size", equalTo(200));
    }

    @Test
    void createCarriesVersionAndEtag() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        Map<String, Object> body = new HashMap<>(Map.of("number", "+31612345678"));

        as(operator()).body(body).post(fixedDestinationsPath(orgId, user.id))
                .then().statusCode(201).header("ETag", equalTo(Fixtures.etag(0))).body("version", equalTo(0));
    }
}
