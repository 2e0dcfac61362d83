package dev.switchboard.presence;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class PresenceConcurrencyTest {

    private static final String[] STATUSES = { "available", "available_for_colleagues", "do_not_disturb", "offline" };

    @Test
    void parallelUpdatesYieldGapFreeOrderedSequenceAndConsistentFinalPresence() throws Exception {
        UUID org = createOrg();
        List<TestUser> users = new ArrayList<>();
        List<String> sipUsernames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestUser user = user(org);
            var device = createVoipAccount(org, "desk_phone", user.id());
            as(user.token()).body(Map.of("status", "available",
                    "destination", Map.of("type", "voip_account", "id", device.path("id").toString())))
                    .put("/api/me/availability").then().statusCode(200);
            users.add(user);
            sipUsernames.add(device.path("sipUsername"));
        }
        long seqBefore = events(org, users.get(0), 0).getLong("seq");

        List<Callable<Integer>> updates = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            TestUser user = users.get(n % users.size());
            String sip = sipUsernames.get(n % users.size());
            updates.add(switch (n % 3) {
                case 0 -> () -> as(user.token()).body(Map.of("status", STATUSES[(n / 3) % 4]))
                        .put("/api/me/availability").statusCode();
                case 1 -> () -> as(platform()).body(Map.of("registered", n % 2 == 1, "expiresIn", 3600))
                        .put("/api/platform/registrations/" + sip).statusCode();
                default -> () -> as(platform()).body(Map.of("dnd", n % 4 == 2))
                        .put("/api/platform/dnd/" + sip).statusCode();
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            for (Future<Integer> result : pool.invokeAll(updates)) {
                assertThat(result.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        JsonPath stream = events(org, users.get(0), seqBefore);
        long seqAfter = stream.getLong("seq");
        List<Long> seqs = stream.getList("events.seq", Long.class);
        assertThat(seqs).hasSize((int) (seqAfter - seqBefore));
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(seqBefore + 1 + i);
        }

        // The last event about each user is what the presence snapshot shows.
        Map<String, Map<String, Object>> lastEvent = new HashMap<>();
        List<Map<String, Object>> frames = stream.getList("events");
        for (Map<String, Object> frame : frames) {
            @SuppressWarnings("unchecked")
            Map<String, Object> colleague = (Map<String, Object>) frame.get("colleague");
            lastEvent.put((String) colleague.get("userId"), colleague);
        }
        JsonPath snapshot = as(users.get(0).token()).get("/api/orgs/" + org + "/presence").then().statusCode(200)
                .extract().jsonPath();
        assertThat(snapshot.getLong("seq")).isEqualTo(seqAfter);
        List<Map<String, Object>> colleagues = snapshot.getList("colleagues");
        for (Map<String, Object> colleague : colleagues) {
            Map<String, Object> last = lastEvent.get(colleague.get("userId"));
            if (last != null) {
                assertThat(colleague).isEqualTo(last);
            }
        }

        // Re-deriving every user from the final stored state changes nothing visible: no new events.
        for (TestUser user : users) {
            as(user.token()).body(Map.of()).put("/api/me/availability").then().statusCode(200);
        }
        assertThat(events(org, users.get(0), seqAfter).getLong("seq")).isEqualTo(seqAfter);
    }

    private static JsonPath events(UUID org, TestUser viewer, long since) {
        return as(viewer.token()).get("/api/orgs/" + org + "/presence/events?limit=1000&since=" + since)
                .then().statusCode(200).extract().jsonPath();
    }
}
