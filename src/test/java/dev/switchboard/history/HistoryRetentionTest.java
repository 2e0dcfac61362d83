package dev.switchboard.history;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With a retention of 3 s, the service's own pruning job removes items once they are older, and not before. */
@QuarkusTest
@TestProfile(HistoryRetentionTest.ShortRetention.class)
class HistoryRetentionTest {

    static final Duration RETENTION = Duration.ofSeconds(3);

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.history.retention", RETENTION.getSeconds() + "S", "switchboard.history.prune-interval", "1S");
        }
    }

    @Test
    void itemsArePrunedByTheServiceOnceOlderThanTheRetention_neverBefore() {
        UUID org = createOrg();
        TestUser anna = user(org);
        as(anna.token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);
        as(anna.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
        Map<String, Instant> written = new HashMap<>();
        items(anna).forEach(item -> written.put((String) item.get("at"), Instant.parse((String) item.get("at"))));
        assertThat(written).hasSize(2);

        // Watch them go: each one only once it is older than the retention (same clock: one machine).
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<String> left = items(anna).stream().map(item -> (String) item.get("at")).toList();
            Instant now = Instant.now(); // after the read: an item missing from it was pruned before now
            written.forEach((at, time) -> {
                if (!left.contains(at)) {
                    assertThat(Duration.between(time, now)).as("age of a pruned item").isGreaterThanOrEqualTo(RETENTION);
                }
            });
            return left.isEmpty();
        });
    }

    private static List<Map<String, Object>> items(TestUser user) {
        return as(user.token()).get("/api/me/history").then().statusCode(200).extract().jsonPath().getList("items");
    }
}
