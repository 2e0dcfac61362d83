package dev.switchboard.account;

import static dev.switchboard.support.Fixtures.fixedDestination;
import static dev.switchboard.support.Fixtures.fixedDestinationsPath;
import static dev.switchboard.support.Fixtures.orgPath;
import static dev.switchboard.support.Fixtures.voipPath;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.switchboard.support.AllAtOnce;
import dev.switchboard.support.ErrorLogCapture;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Concurrent writes without If-Match apply one after the other, the last commit winning: none of
 * them may answer 409 (stale version), 503 (deadlock) or 500, and nothing may log an ERROR — in
 * particular not Hibernate's "could not lock … Row was already updated or deleted by another
 * transaction", which is what a flow gets that loads a User unlocked and locks it later in the same
 * transaction (Hibernate then only upgrades the copy it holds, checking its version).
 *
 * <p>Every round releases, through one latch, writes of every kind that touch one user: their name
 * (admin and self), availability (self and admin), fixed destinations, VoIP accounts (dnd,
 * description, relinks between two users in both directions), push devices, watches on and by
 * them, device state from the SIP platform, and organization settings that re-derive every member.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentUserWritesTest {

    private static final int ROUNDS = 8;
    private static final int PARALLEL = 50;
    private static final Set<Integer> APPLIED = Set.of(200, 201, 204);
    private static final String[] STATUSES = { "available", "do_not_disturb", "available_for_colleagues", "offline" };

    private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);

    @AfterAll
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void concurrentWritesOfEveryKindOnOneUserAllApplyWithoutConflictsOrErrors() throws Exception {
        UUID orgId = createOrg(Map.of("maxVoipAccountsPerUser", 20));
        Member admin = Fixtures.admin(orgId);
        Member target = Fixtures.user(orgId);
        Member colleague = Fixtures.user(orgId);
        Member watcher = Fixtures.user(orgId);
        Response desk = createVoipAccount(orgId, "desk_phone", target.id);
        String deskId = desk.path("id");
        String deskSip = desk.path("sipUsername");
        String appId = createVoipAccount(orgId, "app", target.id).path("id");
        String floatA = createVoipAccount(orgId, "softphone", target.id).path("id");
        String floatB = createVoipAccount(orgId, "softphone", colleague.id).path("id");
        UUID keptFixed = fixedDestination(orgId, target.id, "+31611111111");
        List<String> pushTokens = List.of(token(), token(), token());
        // Log in before any gate opens.
        List.of(admin, target, colleague, watcher).forEach(Member::token);
        platform();

        List<String> failures = new ArrayList<>();
        try (ErrorLogCapture errors = ErrorLogCapture.install()) {
            for (int round = 0; round < ROUNDS; round++) {
                List<UUID> doomedFixed = List.of(fixedDestination(orgId, target.id, "+3162000000" + round),
                        fixedDestination(orgId, target.id, "+3163000000" + round));
                List<Request> requests = round(round, orgId, admin, target, colleague, watcher, deskId, deskSip, appId,
                        floatA, floatB, keptFixed, doomedFixed, pushTokens);
                List<Response> answers = all(requests);
                for (int i = 0; i < requests.size(); i++) {
                    Response answer = answers.get(i);
                    if (!APPLIED.contains(answer.statusCode())) {
                        failures.add("round " + round + ": " + requests.get(i).name() + " answered " + answer.statusCode()
                                + " " + answer.asString());
                    }
                }
            }
            assertThat(failures).as("answers other than 200/201/204").isEmpty();
            assertThat(errors.lines()).as("ERROR log records during the concurrent writes").isEmpty();
        }

        // Still consistent afterwards: a plain write with the current version works.
        String etag = Fixtures.etagOf(target.path());
        as(admin.token()).header("If-Match", etag).body(Map.of("name", "Final name")).patch(target.path())
                .then().statusCode(200);
    }

    /**
     * A delete among concurrent writes to the same user is not stale either: it waits for the
     * writes before it and the writes after it find no user (404).
     */
    @Test
    void aDeleteAmongConcurrentWritesAppliesAndLaterWritesFindNoUser() throws Exception {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        admin.token();
        List<String> failures = new ArrayList<>();
        try (ErrorLogCapture errors = ErrorLogCapture.install()) {
            for (int round = 0; round < 5; round++) {
                Member doomed = Fixtures.user(orgId);
                List<Request> requests = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String name = "Renamed " + round + "." + i;
                    String status = STATUSES[i % STATUSES.length];
                    requests.add(i % 2 == 0
                            ? new Request("PATCH user name (admin)",
                                    () -> as(admin.token()).body(Map.of("name", name)).patch(doomed.path()))
                            : new Request("PUT availability (admin)",
                                    () -> as(admin.token()).body(Map.of("status", status)).put(doomed.path() + "/availability")));
                    if (i == 10) {
                        requests.add(new Request("DELETE user", () -> as(admin.token()).delete(doomed.path())));
                    }
                }
                // Writes that insert rows pointing at the user: they find it (201) or find it gone
                // (404; 422 where the user is named in the body), never a foreign-key failure (500).
                String number = "+316500000" + round;
                requests.add(new Request("POST fixed destination (admin)", () -> as(admin.token())
                        .body(Map.of("number", number, "description", "racing")).post(doomed.path() + "/fixed-destinations")));
                requests.add(new Request("POST VoIP account linked (admin)", () -> as(admin.token())
                        .body(Map.of("kind", "softphone", "description", "racing", "userId", doomed.id.toString()))
                        .post(voipPath(orgId))));
                requests.add(new Request("POST watch on the user (admin)", () -> as(admin.token())
                        .body(Map.of("userId", doomed.id.toString())).post("/api/me/watches")));
                requests.add(new Request("PUT call plan (admin)", () -> as(admin.token())
                        .body(Map.of("callWaiting", false)).put(doomed.path() + "/call-plan")));
                List<Response> answers = all(requests);
                for (int i = 0; i < requests.size(); i++) {
                    boolean delete = requests.get(i).name().equals("DELETE user");
                    Set<Integer> expected = delete ? Set.of(204)
                            : requests.get(i).name().startsWith("POST VoIP account") ? Set.of(201, 422) : Set.of(200, 201, 404);
                    if (!expected.contains(answers.get(i).statusCode())) {
                        failures.add("round " + round + ": " + requests.get(i).name() + " answered "
                                + answers.get(i).statusCode() + " " + answers.get(i).asString());
                    }
                }
                int after = as(admin.token()).get(doomed.path()).statusCode();
                if (after != 404) {
                    failures.add("round " + round + ": the user still exists after the delete (GET answered " + after + ")");
                }
            }
            assertThat(failures).as("unexpected answers").isEmpty();
            assertThat(errors.lines()).as("ERROR log records during the concurrent writes").isEmpty();
        }
    }

    private record Request(String name, Supplier<Response> send) {
    }

    private static List<Request> round(int round, UUID orgId, Member admin, Member target, Member colleague, Member watcher,
            String deskId, String deskSip, String appId, String floatA, String floatB, UUID keptFixed,
            List<UUID> doomedFixed, List<String> pushTokens) {
        List<Request> requests = new ArrayList<>();
        String fixedPath = fixedDestinationsPath(orgId, target.id);
        for (int i = 0; i < 4; i++) {
            String name = "Admin-named " + round + "." + i;
            requests.add(new Request("PATCH user name (admin)",
                    () -> as(admin.token()).body(Map.of("name", name)).patch(target.path())));
        }
        for (int i = 0; i < 2; i++) {
            String name = "Self-named " + round + "." + i;
            requests.add(new Request("PATCH user name (self)",
                    () -> as(target.token()).body(Map.of("name", name)).patch(target.path())));
        }
        requests.add(new Request("PATCH colleague name (admin)",
                () -> as(admin.token()).body(Map.of("name", "Colleague " + round)).patch(colleague.path())));
        for (int i = 0; i < 4; i++) {
            Map<String, Object> body = new HashMap<>();
            body.put("status", STATUSES[(round + i) % STATUSES.length]);
            body.put("destination", switch (i % 3) {
                case 0 -> Map.of("type", "voip_account", "id", deskId);
                case 1 -> Map.of("type", "fixed_destination", "id", keptFixed.toString());
                default -> null;
            });
            requests.add(new Request("PUT availability (self)",
                    () -> as(target.token()).body(body).put("/api/me/availability")));
        }
        for (int i = 0; i < 3; i++) {
            String status = STATUSES[(round + i + 1) % STATUSES.length];
            requests.add(new Request("PUT availability (admin)", () -> as(admin.token()).body(Map.of("status", status))
                    .put(target.path() + "/availability")));
        }
        for (int i = 0; i < 2; i++) {
            String status = STATUSES[(round + i + 2) % STATUSES.length];
            requests.add(new Request("PUT availability (colleague, self)",
                    () -> as(colleague.token()).body(Map.of("status", status)).put("/api/me/availability")));
        }
        for (int i = 0; i < 3; i++) {
            String number = "+3164" + round + "00000" + i;
            String token = i == 0 ? target.token() : admin.token();
            requests.add(new Request("POST fixed destination",
                    () -> as(token).body(Map.of("number", number, "description", "concurrent")).post(fixedPath)));
        }
        for (UUID doomed : doomedFixed) {
            requests.add(new Request("DELETE fixed destination",
                    () -> as(admin.token()).delete(fixedPath + "/" + doomed)));
        }
        for (int i = 0; i < 2; i++) {
            boolean dnd = (round + i) % 2 == 0;
            requests.add(new Request("PATCH VoIP account dnd (owner)",
                    () -> as(target.token()).body(Map.of("dnd", dnd)).patch(voipPath(orgId) + "/" + deskId)));
            requests.add(new Request("PATCH VoIP account description (admin)",
                    () -> as(admin.token()).body(Map.of("description", "desk " + round + "." + dnd))
                            .patch(voipPath(orgId) + "/" + deskId)));
        }
        // Relinks in both directions between the target and the colleague, twice each.
        for (int i = 0; i < 2; i++) {
            boolean forth = (round + i) % 2 == 0;
            UUID toA = forth ? colleague.id : target.id;
            UUID toB = forth ? target.id : colleague.id;
            requests.add(new Request("PATCH VoIP account owner A",
                    () -> as(admin.token()).body(Map.of("userId", toA.toString())).patch(voipPath(orgId) + "/" + floatA)));
            requests.add(new Request("PATCH VoIP account owner B",
                    () -> as(admin.token()).body(Map.of("userId", toB.toString())).patch(voipPath(orgId) + "/" + floatB)));
        }
        for (String pushToken : pushTokens) {
            requests.add(new Request("POST push device", () -> as(target.token())
                    .body(Map.of("voipAccountId", appId, "platform", "fcm", "token", pushToken, "appId", "dev.switchboard.app",
                            "name", "phone"))
                    .post("/api/me/push-devices")));
        }
        requests.add(new Request("POST watch on the target (colleague)",
                () -> as(colleague.token()).body(Map.of("userId", target.id.toString())).post("/api/me/watches")));
        requests.add(new Request("POST watch on the target (watcher)",
                () -> as(watcher.token()).body(Map.of("userId", target.id.toString())).post("/api/me/watches")));
        requests.add(new Request("POST watch by the target",
                () -> as(target.token()).body(Map.of("userId", colleague.id.toString())).post("/api/me/watches")));
        for (int i = 0; i < 3; i++) {
            boolean on = (round + i) % 2 == 0;
            Map<String, Object> settings = i == 2 ? Map.of("showCallContext", on) : Map.of("applyUserStatusToDevices", on);
            requests.add(new Request("PATCH organization settings (admin)",
                    () -> as(admin.token()).body(Map.of("settings", settings)).patch(orgPath(orgId))));
        }
        for (int i = 0; i < 2; i++) {
            boolean registered = (round + i) % 2 == 0;
            requests.add(new Request("PUT registration (platform)", () -> as(platform())
                    .body(Map.of("registered", registered, "expiresIn", 3600)).put("/api/platform/registrations/" + deskSip)));
        }
        requests.add(new Request("PUT dnd (platform)",
                () -> as(platform()).body(Map.of("dnd", round % 2 == 1)).put("/api/platform/dnd/" + deskSip)));
        return requests;
    }

    /** Runs every request on its own thread, all released at once; answers in request order. */
    private List<Response> all(List<Request> requests) throws Exception {
        assertThat(requests.size()).isLessThanOrEqualTo(PARALLEL);
        assertThat(operator()).isNotBlank();
        return AllAtOnce.run(pool, requests.stream().map(request -> (Callable<Response>) () -> request.send().get()).toList());
    }

    private static String token() {
        return "fcm-" + UUID.randomUUID() + ":APA91b" + UUID.randomUUID().toString().replace("-", "");
    }
}
