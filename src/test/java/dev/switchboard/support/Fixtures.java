package dev.switchboard.support;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.unique;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.restassured.response.Response;

/**
 * Test data through the public API, like {@link TestApi}, but members log in only when a test
 * needs their token: every login counts against the per-address login limit (300/min by
 * default), which the whole suite shares.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** A member created by the operator; {@link #token()} logs in on first use. */
    public static final class Member {
        public final UUID id;
        public final UUID orgId;
        public final String email;
        public final String internalNumber;
        public final String role;
        private String token;

        Member(UUID id, UUID orgId, String email, String internalNumber, String role) {
            this.id = id;
            this.orgId = orgId;
            this.email = email;
            this.internalNumber = internalNumber;
            this.role = role;
        }

        public synchronized String token() {
            if (token == null) {
                token = TestApi.login(email, TestApi.PASSWORD);
            }
            return token;
        }

        public String path() {
            return usersPath(orgId) + "/" + id;
        }
    }

    public static String newEmail() {
        return unique("member").toLowerCase() + "@example.test";
    }

    public static String orgPath(UUID orgId) {
        return "/api/orgs/" + orgId;
    }

    public static String usersPath(UUID orgId) {
        return orgPath(orgId) + "/users";
    }

    public static String voipPath(UUID orgId) {
        return orgPath(orgId) + "/voip-accounts";
    }

    public static String fixedDestinationsPath(UUID orgId, UUID userId) {
        return usersPath(orgId) + "/" + userId + "/fixed-destinations";
    }

    /** A body for POST …/users with a fresh email and the standard test password. */
    public static Map<String, Object> userBody(String role) {
        Map<String, Object> body = new HashMap<>();
        body.put("email", newEmail());
        body.put("name", unique("Name"));
        body.put("role", role);
        body.put("password", TestApi.PASSWORD);
        return body;
    }

    public static Member member(UUID orgId, String role) {
        return member(orgId, userBody(role));
    }

    public static Member member(UUID orgId, Map<String, Object> body) {
        Response response = as(operator()).body(body).post(usersPath(orgId));
        response.then().statusCode(201);
        return new Member(UUID.fromString(response.path("id")), orgId, response.path("email"),
                response.path("internalNumber"), response.path("role"));
    }

    public static Member admin(UUID orgId) {
        return member(orgId, "admin");
    }

    public static Member user(UUID orgId) {
        return member(orgId, "user");
    }

    /** A VoIP account created by the operator; answers its id. */
    public static UUID voip(UUID orgId, String kind, UUID userId) {
        return UUID.fromString(TestApi.createVoipAccount(orgId, kind, userId).path("id"));
    }

    public static Map<String, Object> voipBody(String kind, UUID userId) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("description", "desk " + unique("d"));
        if (userId != null) {
            body.put("userId", userId.toString());
        }
        return body;
    }

    /** A fixed destination created by the operator for the user; answers its id. */
    public static UUID fixedDestination(UUID orgId, UUID userId, String number) {
        String id = as(operator()).body(Map.of("number", number, "description", "mobile"))
                .post(fixedDestinationsPath(orgId, userId))
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** The ETag header of a GET of this path, as the operator sees it. */
    public static String etagOf(String path) {
        return as(operator()).get(path).then().statusCode(200).extract().header("ETag");
    }

    /** The strong ETag of an entity version: {@code "n"} with the quotes. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }
}
