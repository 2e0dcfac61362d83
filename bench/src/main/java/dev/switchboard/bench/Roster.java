package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Synthetic organizations on a target. On the service they are built through the public REST API
 * (operator creates the org and its users, each user logs in once; the token is reused for every
 * socket and request of that user); on the floor server one call per org makes the same shape in memory.
 */
final class Roster {

    /** A member; {@code number} is their internal number (what a call to them dials). */
    record Member(String id, String token, String number) {
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

    /** An org to make: {@code size} members, each logged in when {@code login}; plus a logged-in admin when {@code admin}. */
    record Spec(String label, int size, boolean login, boolean admin) {
    }

    /**
     * Makes every org of {@code specs}, in that order. On the service the orgs are created first,
     * then all their members in one pool of {@code concurrency} requests in flight, each member
     * created and then at once logged in. The members of all orgs are interleaved in proportion to
     * the org sizes: adding a user takes the org's presence sequence row lock until its transaction
     * commits, so the members of one org are added one after the other; mixing the orgs keeps every
     * lock busy instead of queueing the whole pool on one.
     */
    List<Org> createAll(List<Spec> specs, int concurrency) {
        List<Org> orgs = new ArrayList<>();
        if (floor) {
            for (Spec spec : specs) {
                orgs.add(createOnFloor(spec));
            }
            return orgs;
        }
        String operator = operator();
        List<String> ids = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<String> adminTokens = new ArrayList<>();
        for (Spec spec : specs) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            JsonObject org = Http.await(http.expect(201, HttpMethod.POST, "/api/orgs", operator,
                    new JsonObject().put("name", "Bench " + spec.label() + " " + suffix).encode()));
            String orgId = org.getString("id");
            String adminToken = null;
            if (spec.admin()) {
                String email = "admin." + suffix + "@bench.test";
                Http.await(http.expect(201, HttpMethod.POST, "/api/orgs/" + orgId + "/users", operator,
                        new JsonObject().put("email", email).put("name", "Admin " + spec.label()).put("internalNumber", "99999")
                                .put("role", "admin").put("password", PASSWORD).encode()));
                adminToken = Http.await(loginAsync(email));
            }
            ids.add(orgId);
            suffixes.add(suffix);
            adminTokens.add(adminToken);
        }
        // every (org, member) pair, ordered by how far into its org it is
        List<int[]> order = new ArrayList<>();
        for (int o = 0; o < specs.size(); o++) {
            for (int i = 0; i < specs.get(o).size(); i++) {
                order.add(new int[] {o, i});
            }
        }
        order.sort(Comparator.comparingDouble((int[] t) -> (t[1] + 0.5) / specs.get(t[0]).size()).thenComparingInt(t -> t[0]));
        List<Member> made = Http.await(Http.parallel(http.vertx, order.size(), concurrency, k -> {
            int o = order.get(k)[0], i = order.get(k)[1];
            Spec spec = specs.get(o);
            String email = "m" + i + "." + suffixes.get(o) + "@bench.test";
            return http.expect(201, HttpMethod.POST, "/api/orgs/" + ids.get(o) + "/users", operator,
                    new JsonObject().put("email", email).put("name", "Member " + i + " " + spec.label())
                            .put("internalNumber", Integer.toString(100000 + i)).put("role", "user").put("password", PASSWORD).encode())
                    .compose(user -> spec.login()
                            ? loginAsync(email).map(token -> new Member(user.getString("id"), token, user.getString("internalNumber")))
                            : Future.succeededFuture(new Member(user.getString("id"), null, user.getString("internalNumber"))));
        }), 3600);
        List<Member[]> members = new ArrayList<>();
        specs.forEach(spec -> members.add(new Member[spec.size()]));
        for (int k = 0; k < order.size(); k++) {
            members.get(order.get(k)[0])[order.get(k)[1]] = made.get(k);
        }
        for (int o = 0; o < specs.size(); o++) {
            orgs.add(new Org(ids.get(o), specs.get(o).label(), List.of(members.get(o)), adminTokens.get(o)));
        }
        return orgs;
    }

    /** The floor server makes the same shape in memory, in one call. */
    private Org createOnFloor(Spec spec) {
        JsonObject body = new JsonObject().put("label", spec.label()).put("size", spec.size()).put("admin", spec.admin());
        JsonObject created = Http.await(http.expect(201, HttpMethod.POST, "/bench/orgs", null, body.encode()));
        List<Member> members = new ArrayList<>();
        JsonArray array = created.getJsonArray("members");
        for (int i = 0; i < array.size(); i++) {
            JsonObject m = array.getJsonObject(i);
            members.add(new Member(m.getString("id"), m.getString("token"), m.getString("internalNumber")));
        }
        return new Org(created.getString("id"), spec.label(), members, created.getString("adminToken"));
    }

    private synchronized String operator() {
        if (operatorToken == null) {
            operatorToken = Http.await(http.expect(200, HttpMethod.POST, "/api/auth/token", null,
                    new JsonObject().put("email", operatorEmail).put("password", operatorPassword).encode())).getString("accessToken");
        }
        return operatorToken;
    }

    private Future<String> loginAsync(String email) {
        return http.expect(200, HttpMethod.POST, "/api/auth/token", null,
                new JsonObject().put("email", email).put("password", PASSWORD).encode()).map(j -> j.getString("accessToken"));
    }
}
