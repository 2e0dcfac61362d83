package dev.switchboard.push;

import static dev.switchboard.push.PushRestartPhase1Test.COLLEAGUE;
import static dev.switchboard.push.PushRestartPhase1Test.LEASE_END;
import static dev.switchboard.push.PushRestartPhase1Test.LEASED_DEVICE;
import static dev.switchboard.push.PushRestartPhase1Test.LEASED_TOKEN;
import static dev.switchboard.push.PushRestartPhase1Test.PENDING_DEVICE;
import static dev.switchboard.push.PushRestartPhase1Test.PENDING_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.switchboard.push.FakePushProviders.Received;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The second half of {@link PushRestartPhase1Test}: a new instance of the service (new process
 * state, new provider fakes and credentials), outbox worker on, finds the rows the stopped one
 * committed and delivers each exactly once — the one a dead replica held only after its lease ran out.
 */
@QuarkusTest
@TestProfile(PushRestartPhase2Test.WorkerRestarted.class)
class PushRestartPhase2Test {

    public static class WorkerRestarted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return PushProvidersProfile.fastOutbox();
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakePushProviders.class));
        }
    }

    @Inject
    Pool pool;

    @Test
    void theNextInstanceDeliversWhatTheStoppedOneLeftInTheOutbox() {
        String pendingToken = System.getProperty(PENDING_TOKEN);
        Assumptions.assumeTrue(pendingToken != null, "runs after PushRestartPhase1Test in the same JVM");
        FakePushProviders fake = FakePushProviders.current();

        String pendingDevice = System.getProperty(PENDING_DEVICE);
        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> delivered(fake, pendingToken) == 1 && "delivered".equals(row(pendingDevice).getString("state")));
        Row pending = row(pendingDevice);
        assertThat(pending.getString("state")).isEqualTo("delivered");
        assertThat(pending.getInteger("attempts")).isEqualTo(1);
        Received push = fake.to(pendingToken).get(0);
        assertThat(push.header("apns-push-type")).isEqualTo("alert");
        assertThat(push.data().getString("userId")).isEqualTo(System.getProperty(COLLEAGUE));

        String leasedToken = System.getProperty(LEASED_TOKEN);
        String leasedDevice = System.getProperty(LEASED_DEVICE);
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> delivered(fake, leasedToken) == 1 && "delivered".equals(row(leasedDevice).getString("state")));
        Row leased = row(leasedDevice);
        assertThat(leased.getString("state")).isEqualTo("delivered");
        assertThat(leased.getInteger("attempts")).as("the dead replica's attempt, then this one").isEqualTo(2);
        assertThat(fake.to(leasedToken).get(0).at()).as("sent only once the dead replica's lease had run out")
                .isAfterOrEqualTo(Instant.parse(System.getProperty(LEASE_END)));
        // Exactly once: no second push follows, for as long as we watch.
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(fake.to(pendingToken)).hasSize(1);
            assertThat(fake.to(leasedToken)).hasSize(1);
        });
        assertThat(fake.problems).isEmpty();
    }

    private static long delivered(FakePushProviders fake, String token) {
        return fake.to(token).stream().filter(r -> r.status() == 200).count();
    }

    private Row row(String device) {
        return pool.preparedQuery("SELECT state, attempts FROM push_outbox WHERE push_device_id = $1")
                .execute(Tuple.of(UUID.fromString(device))).await().atMost(Duration.ofSeconds(5)).iterator().next();
    }
}
