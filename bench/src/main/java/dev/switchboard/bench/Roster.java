package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Synthetic organizations on a target. On the service they are built through the public REST API
 * (operator creates the org and its users, each user logs in once; the token is reused for every
 * socket and request of that user); on the floor server one call makes the same shape in memory.
 */
final class Roster {

    record Member(String id, String token) {
    }

    record Org(String id, String label, List<Member> members, String adminToken) {
        int size() {
            return members.size();
        }
    }

    static final String PASSWORD = "bench-password-1";

    private final Http http;
    private final boolean floor;
    private final String operatorEmail;
    private final String operatorPassword;
    private String operatorToken;

    Roster(Http http, boolean floor, String operatorEmail, String operatorPassword) {
        this.http = http;
        this.floor = floor;
        this.operatorEmail = operatorEmail;
        this.operatorPassword = operatorPassword;
    }

    /** An org of {@code size} members, each logged in when {@code login}; plus a logged-in admin when {@code admin}. */
    Org create(String label, int size, boolean login, boolean admin) {
        if (floor) {
            JsonObject body = new JsonObject().put("label", label).put("size", size).put("admin", admin);
            JsonObject created = Http.await(http.expect(201, HttpMethod.POST, "/bench/orgs", null, body.encode()));
            List<Member> members = new ArrayList<>();
            JsonArray array = created.getJsonArray("members");
            for (int i = 0; i < array.size(); i++) {
                JsonObject m = array.getJsonObject(i);
                members.add(new Member(m.getString("id"), m.getString("token")));
            }
            return new Org(created.getString("id"), label, members, created.getString("adminToken"));
        }
        String operator = operator();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        JsonObject org = Http.await(http.expect(201, HttpMethod.POST, "/api/orgs", operator,
                new JsonObject().put("name", "Bench " + label + " " + suffix).encode()));
        String orgId = org.getString("id");
        String adminToken = null;
        if (admin) {
            String email = "admin." + suffix + "@bench.test";
            Http.await(http.expect(201, HttpMethod.POST, "/api/orgs/" + orgId + "/users", operator,
                    new JsonObject().put("email", email).put("name", "Admin " + label).put("internalNumber", "99999").put("role", "admin")
                            .put("password", PASSWORD).encode()));
            adminToken = login(email);
        }
        List<JsonObject> users = Http.await(Http.parallel(http.vertx, size, 8, i -> http.expect(201, HttpMethod.POST,
                "/api/orgs/" + orgId + "/users", operator,
                new JsonObject().put("email", "m" + i + "." + suffix + "@bench.test").put("name", "Member " + i + " " + label)
                        .put("internalNumber", Integer.toString(100000 + i)).put("role", "user").put("password", PASSWORD).encode())), 1200);
        List<String> tokens = login
                ? Http.await(Http.parallel(http.vertx, size, 8, i -> loginAsync("m" + i + "." + suffix + "@bench.test")), 1200)
                : null;
        List<Member> members = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            members.add(new Member(users.get(i).getString("id"), tokens == null ? null : tokens.get(i)));
        }
        return new Org(orgId, label, members, adminToken);
    }

    private synchronized String operator() {
        if (operatorToken == null) {
            operatorToken = Http.await(http.expect(200, HttpMethod.POST, "/api/auth/token", null,
                    new JsonObject().put("email", operatorEmail).put("password", operatorPassword).encode())).getString("accessToken");
        }
        return operatorToken;
    }

    private String login(String email) {
        return Http.await(loginAsync(email));
    }

    private Future<String> loginAsync(String email) {
        return http.expect(200, HttpMethod.POST, "/api/auth/token", null,
                new JsonObject().put("email", email).put("password", PASSWORD).encode()).map(j -> j.getString("accessToken"));
    }
}
