package dev.switchboard.history;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With a retention of 3 s, the service's own pruning job removes items once they are older. */
@QuarkusTest
@TestProfile(HistoryRetentionTest.ShortRetention.class)
class HistoryRetentionTest {

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.history.retention", "3S", "switchboard.history.prune-interval", "1S");
        }
    }

    @Test
    void itemsOlderThanTheRetentionArePrunedByTheService_newerOnesStay() {
        UUID org = createOrg();
        TestUser anna = user(org);
        as(anna.token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);
        long written = System.nanoTime();
        assertThat(items(anna)).hasSize(1);

        as(anna.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
        // Gone only once older than the retention; the newer one a moment after the older one.
        List<Map<String, Object>> left = Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> items(anna), items -> items.size() < 2);
        assertThat(Duration.ofNanos(System.nanoTime() - written)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(left).singleElement().satisfies(item ->
                assertThat(((Map<?, ?>) item.get("details")).get("to")).isEqualTo("do_not_disturb"));
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> items(anna).isEmpty());
    }

    private static List<Map<String, Object>> items(TestUser user) {
        return as(user.token()).get("/api/me/history").then().statusCode(200).extract().jsonPath().getList("items");
    }
}
