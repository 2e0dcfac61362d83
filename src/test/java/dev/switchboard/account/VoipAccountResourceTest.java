package dev.switchboard.account;

import static dev.switchboard.support.Fixtures.etag;
import static dev.switchboard.support.Fixtures.voipBody;
import static dev.switchboard.support.Fixtures.voipPath;
import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.problemNaming;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
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
class VoipAccountResourceTest {

    private static final String SIP_PASSWORD = "[A-Za-z0-9]{16,}";

    @Test
    void adminCreatesAnAccount201WithLocationEtagAndOneTimeSipCredentials() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Member owner = Fixtures.user(orgId);

        Response created = as(admin.token()).body(Map.of("kind", "desk_phone", "description", "Reception",
                "userId", owner.id.toString())).post(voipPath(orgId));

        created.then().statusCode(201)
                .header("ETag", equalTo(etag(0)))
                .body("id", notNullValue())
                .body("orgId", equalTo(orgId.toString()))
                .body("userId", equalTo(owner.id.toString()))
                .body("kind", equalTo("desk_phone"))
                .body("description", equalTo("Reception"))
                .body("internalNumber", equalTo("200"))
                .body("sipUsername", not(equalTo("")))
                .body("sipPassword", matchesPattern(SIP_PASSWORD))
                .body("state.registered", equalTo(false))
                .body("state.dnd", equalTo(false))
                .body("version", equalTo(0));
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith(voipPath(orgId) + "/" + id);

        as(admin.token()).get(created.header("Location")).then().statusCode(200)
                .header("ETag", equalTo(etag(0)))
                .body("sipUsername", equalTo(created.path("sipUsername")))
                .body("$", not(hasKey("sipPassword")))
                .body("state", allOf(hasKey("registered"), hasKey("userAgent"), hasKey("lastSeen"), hasKey("dnd"), hasKey("context")))
                .body("state.context", hasSize(0));
    }

    @Test
    void anUnownedAccountShowsUserIdNull() {
        UUID orgId = createOrg();
        as(operator()).body(Map.of("kind", "softphone")).post(voipPath(orgId))
                .then().statusCode(201).body("$", hasKey("userId")).body("userId", nullValue());
    }

    @Test
    void listIsAPaginatedEnvelopeWithoutPasswordsAndFiltersByUser() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Member owner = Fixtures.user(orgId);
        UUID a = Fixtures.voip(orgId, "desk_phone", owner.id);
        UUID b = Fixtures.voip(orgId, "app", owner.id);
        UUID c = Fixtures.voip(orgId, "softphone", null);

        Response all = as(admin.token()).get(voipPath(orgId));
        all.then().statusCode(200)
                .body("items", hasSize(3))
                .body("page", equalTo(0))
                .body("size", equalTo(50))
                .body("total", equalTo(3))
                .body("items", everyItem(not(hasKey("sipPassword"))))
                .body("items.sipUsername", everyItem(notNullValue()));
        assertThat(all.<List<String>>path("items.id")).containsExactly(a.toString(), b.toString(), c.toString());

        as(admin.token()).get(voipPath(orgId) + "?size=2&page=1").then().statusCode(200)
                .body("items.id", equalTo(List.of(c.toString()))).body("total", equalTo(3));
        as(admin.token()).get(voipPath(orgId) + "?userId=" + owner.id).then().statusCode(200)
                .body("total", equalTo(2)).body("items.userId", everyItem(equalTo(owner.id.toString())));
    }

    @Test
    void aUserListsAndReadsOnlyOwnAccounts() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        Member colleague = Fixtures.user(orgId);
        UUID mine = Fixtures.voip(orgId, "webphone", user.id);
        UUID theirs = Fixtures.voip(orgId, "webphone", colleague.id);
        UUID shared = Fixtures.voip(orgId, "desk_phone", null);

        as(user.token()).get(voipPath(orgId)).then().statusCode(200)
                .body("total", equalTo(1)).body("items.id", equalTo(List.of(mine.toString())));
        // Asking for a colleague's accounts still shows only one's own.
        as(user.token()).get(voipPath(orgId) + "?userId=" + colleague.id).then().statusCode(200)
                .body("items.id", equalTo(List.of(mine.toString())));

        as(user.token()).get(voipPath(orgId) + "/" + mine).then().statusCode(200)
                .body("$", not(hasKey("sipPassword")));
        problem(as(user.token()).get(voipPath(orgId) + "/" + theirs), 403);
        problem(as(user.token()).get(voipPath(orgId) + "/" + shared), 403);
    }

    @Test
    void rotatingCredentialsKeepsTheUsernameAndShowsANewPasswordOnce() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Response created = as(admin.token()).body(voipBody("desk_phone", null)).post(voipPath(orgId));
        String id = created.path("id");

        Response rotated = as(admin.token()).post(voipPath(orgId) + "/" + id + "/credentials");
        rotated.then().statusCode(200)
                .body("id", equalTo(id))
                .body("sipUsername", equalTo(created.path("sipUsername")))
                .body("sipPassword", matchesPattern(SIP_PASSWORD));
        assertThat(rotated.<String>path("sipPassword")).isNotEqualTo(created.path("sipPassword"));

        as(admin.token()).get(voipPath(orgId) + "/" + id).then().statusCode(200).body("$", not(hasKey("sipPassword")));
        as(admin.token()).get(voipPath(orgId)).then().statusCode(200).body("items", everyItem(not(hasKey("sipPassword"))));
    }

    @Test
    void adminPatchesDescriptionAndDnd() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        UUID id = Fixtures.voip(orgId, "desk_phone", null);

        as(admin.token()).body(Map.of("description", "  Hall  ", "dnd", true)).patch(voipPath(orgId) + "/" + id)
                .then().statusCode(200)
                .header("ETag", equalTo(etag(1)))
                .body("description", equalTo("Hall"))
                .body("state.dnd", equalTo(true))
                .body("version", equalTo(1))
                .body("$", not(hasKey("sipPassword")));
        as(admin.token()).get(voipPath(orgId) + "/" + id).then().statusCode(200)
                .header("ETag", equalTo(etag(1))).body("description", equalTo("Hall"));
    }

    @Test
    void theOwnerMayPatchDndOnly() {
        UUID orgId = createOrg();
        Member owner = Fixtures.user(orgId);
        Member colleague = Fixtures.user(orgId);
        String path = voipPath(orgId) + "/" + Fixtures.voip(orgId, "desk_phone", owner.id);

        as(owner.token()).body(Map.of("dnd", true)).patch(path).then().statusCode(200).body("state.dnd", equalTo(true));

        problem(as(owner.token()).body(Map.of("description", "mine now")).patch(path), 403);
        problem(as(owner.token()).body(Map.of("dnd", false, "description", "mine now")).patch(path), 403);
        problem(as(owner.token()).body(Map.of("userId", colleague.id.toString())).patch(path), 403);
        problem(as(owner.token()).body("{\"userId\": null}").patch(path), 403);
        problem(as(colleague.token()).body(Map.of("dnd", false)).patch(path), 403);
        problem(as(owner.token()).delete(path), 403);
        problem(as(owner.token()).post(path + "/credentials"), 403);

        as(operator()).get(path).then().statusCode(200)
                .body("state.dnd", equalTo(true)).body("userId", equalTo(owner.id.toString())).body("version", equalTo(1));
    }

    @Test
    void deleteAnswers204AndReleasesTheNumber() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        Response created = as(admin.token()).body(voipBody("desk_phone", admin.id)).post(voipPath(orgId));
        String path = voipPath(orgId) + "/" + created.path("id");

        as(admin.token()).delete(path).then().statusCode(204);

        problem(as(admin.token()).get(path), 404);
        problem(as(admin.token()).delete(path), 404);
        as(admin.token()).get(voipPath(orgId)).then().statusCode(200).body("total", equalTo(0));
        as(admin.token()).body(Map.of("kind", "desk_phone", "internalNumber", created.path("internalNumber")))
                .post(voipPath(orgId)).then().statusCode(201);
    }

    @Test
    void onlyAdminsAndOperatorsCreateOrRotate() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        UUID id = Fixtures.voip(orgId, "desk_phone", user.id);

        problem(as(user.token()).body(voipBody("desk_phone", user.id)).post(voipPath(orgId)), 403);
        problem(as(user.token()).post(voipPath(orgId) + "/" + id + "/credentials"), 403);
        problem(as(platform()).body(voipBody("desk_phone", null)).post(voipPath(orgId)), 403);
        problem(as(platform()).get(voipPath(orgId)), 403);
        problem(as(platform()).get(voipPath(orgId) + "/" + id), 403);
        problem(as(platform()).body(Map.of("dnd", true)).patch(voipPath(orgId) + "/" + id), 403);
        problem(as(platform()).delete(voipPath(orgId) + "/" + id), 403);
        problem(as(platform()).post(voipPath(orgId) + "/" + id + "/credentials"), 403);
        as(operator()).get(voipPath(orgId)).then().statusCode(200).body("total", equalTo(1));
    }

    static Stream<Arguments> invalidCreations() {
        return Stream.of(
                Arguments.of("missing kind", Map.of("description", "x"), "kind"),
                Arguments.of("unknown kind", Map.of("kind", "fax"), "kind"),
                Arguments.of("number with leading zero", Map.of("kind", "desk_phone", "internalNumber", "0123"), "internalNumber"),
                Arguments.of("number with letters", Map.of("kind", "desk_phone", "internalNumber", "abc"), "internalNumber"),
                Arguments.of("description too long", Map.of("kind", "desk_phone", "description", "x".repeat(201)), "description"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreations")
    void invalidCreateAnswers400NamingTheField(String label, Map<String, Object> body, String field) {
        UUID orgId = createOrg();
        invalid(as(operator()).body(body).post(voipPath(orgId)), field);
        as(operator()).get(voipPath(orgId)).then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void aMalformedUserIdFilterIs400() {
        UUID orgId = createOrg();
        invalid(as(operator()).get(voipPath(orgId) + "?userId=not-a-uuid"), "userId");
    }

    @Test
    void invalidPatchAnswers400NamingTheField() {
        UUID orgId = createOrg();
        String path = voipPath(orgId) + "/" + Fixtures.voip(orgId, "desk_phone", null);
        invalid(as(operator()).body(Map.of("description", "x".repeat(201))).patch(path), "description");
        as(operator()).get(path).then().statusCode(200).body("version", equalTo(0));
    }

    @Test
    void unknownAccountIsNotFound() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        String path = voipPath(orgId) + "/" + UUID.randomUUID();

        problem(as(admin.token()).get(path), 404);
        problem(as(admin.token()).body(Map.of("dnd", true)).patch(path), 404);
        problem(as(admin.token()).delete(path), 404);
        problem(as(admin.token()).post(path + "/credentials"), 404);
        problem(as(operator()).get(voipPath(UUID.randomUUID())), 404);
        problem(as(operator()).body(voipBody("desk_phone", null)).post(voipPath(UUID.randomUUID())), 404);
    }

    @ParameterizedTest(name = "a second {0} account for one user is 422")
    @ValueSource(strings = { "app", "webphone" })
    void atMostOneAppAndOneWebphonePerUser(String kind) {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        Fixtures.voip(orgId, kind, user.id);

        problemNaming(as(operator()).body(voipBody(kind, user.id)).post(voipPath(orgId)), 422, "userId");

        UUID unowned = Fixtures.voip(orgId, kind, null);
        problemNaming(as(operator()).body(Map.of("userId", user.id.toString())).patch(voipPath(orgId) + "/" + unowned),
                422, "userId");
        as(operator()).get(voipPath(orgId) + "/" + unowned).then().statusCode(200).body("userId", nullValue());

        // Other kinds are fine, and so is the same kind for another user.
        Fixtures.voip(orgId, "desk_phone", user.id);
        Fixtures.voip(orgId, "desk_phone", user.id);
        Fixtures.voip(orgId, "softphone", user.id);
        Fixtures.voip(orgId, kind, Fixtures.user(orgId).id);
    }

    @Test
    void theOrganizationsPerUserLimitAppliesToCreateAndLinkAndUnlinkingFreesASlot() {
        UUID orgId = createOrg(Map.of("maxVoipAccountsPerUser", 2));
        Member user = Fixtures.user(orgId);
        UUID first = Fixtures.voip(orgId, "desk_phone", user.id);
        Fixtures.voip(orgId, "app", user.id);

        problemNaming(as(operator()).body(voipBody("desk_phone", user.id)).post(voipPath(orgId)), 422, "userId");
        UUID spare = Fixtures.voip(orgId, "softphone", null);
        String sparePath = voipPath(orgId) + "/" + spare;
        problemNaming(as(operator()).body(Map.of("userId", user.id.toString())).patch(sparePath), 422, "userId");
        as(operator()).get(voipPath(orgId) + "?userId=" + user.id).then().statusCode(200).body("total", equalTo(2));

        as(operator()).body("{\"userId\": null}").patch(voipPath(orgId) + "/" + first)
                .then().statusCode(200).body("userId", nullValue());
        as(operator()).body(Map.of("userId", user.id.toString())).patch(sparePath)
                .then().statusCode(200).body("userId", equalTo(user.id.toString()));
        as(operator()).get(voipPath(orgId) + "?userId=" + user.id).then().statusCode(200)
                .body("total", equalTo(2)).body("items.id", hasItem(spare.toString()));
    }

    @Test
    void patchWithoutUserIdKeepsTheOwner() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        String path = voipPath(orgId) + "/" + Fixtures.voip(orgId, "desk_phone", user.id);

        as(operator()).body(Map.of("description", "renamed")).patch(path)
                .then().statusCode(200).body("userId", equalTo(user.id.toString()));
    }

    @Test
    void linkingToAnUnknownUserIs422() {
        UUID orgId = createOrg();
        Map<String, Object> body = new HashMap<>(voipBody("desk_phone", UUID.randomUUID()));
        problemNaming(as(operator()).body(body).post(voipPath(orgId)), 422, "userId");
        String path = voipPath(orgId) + "/" + Fixtures.voip(orgId, "desk_phone", null);
        problemNaming(as(operator()).body(Map.of("userId", UUID.randomUUID().toString())).patch(path), 422, "userId");
    }

    @Test
    void staleIfMatchIs412AndTheCurrentEtagSucceeds() {
        UUID orgId = createOrg();
        String path = voipPath(orgId) + "/" + Fixtures.voip(orgId, "desk_phone", null);
        as(operator()).body(Map.of("description", "v1")).patch(path).then().statusCode(200);

        problem(as(operator()).header("If-Match", etag(0)).body(Map.of("description", "stale")).patch(path), 412);

        String current = Fixtures.etagOf(path);
        as(operator()).header("If-Match", current).body(Map.of("description", "v2")).patch(path)
                .then().statusCode(200).body("description", equalTo("v2")).header("ETag", equalTo(etag(2)));
    }

    @Test
    void staleBodyVersionIs409() {
        UUID orgId = createOrg();
        String path = voipPath(orgId) + "/" + Fixtures.voip(orgId, "desk_phone", null);
        as(operator()).body(Map.of("description", "v1")).patch(path).then().statusCode(200);

        problem(as(operator()).body(Map.of("description", "stale", "version", 0)).patch(path), 409);
        as(operator()).body(Map.of("description", "fresh", "version", 1)).patch(path)
                .then().statusCode(200).body("description", equalTo("fresh"));
    }
}
