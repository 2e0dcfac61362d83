package dev.switchboard.push;

import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.push.FakePushProviders.Received;
import dev.switchboard.push.PushTestSupport.TwoPhones;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The second half of "a watch notification survives the service going away before delivering
 * it" ({@link PushRestartPhase1Test} is the first): an instance, outbox worker on, finds rows it
 * never saw being queued, as a stopped instance leaves them (committed, no notification to wake
 * anyone), and delivers each exactly once — the one a dead replica held only after its lease ran
 * out. It writes those rows itself, so it runs alone and in any order.
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
        TwoPhones phones = TwoPhones.create();
        UUID org = phones.org();
        String pendingToken = phones.iphoneToken();
        String pendingDevice = phones.iphoneDevice();
        String leasedToken = phones.androidToken();
        String leasedDevice = phones.androidDevice();
        TestUser bob = user(org);

        // What the stopped instance committed when Bob's watch fired (PushRestartPhase1Test shows
        // it doing so), and a replica that claimed one row and died in the middle of sending it:
        // attempt counted, lease still running.
        String leftBehind = new JsonObject().put("watchId", UUID.randomUUID().toString()).put("userId", bob.id().toString())
                .put("name", "Bob").encode();
        queue(org, pendingDevice, leftBehind, 0, null);
        Instant leaseEnd = queue(org, leasedDevice, leftBehind, 1, 5.0);
        FakePushProviders fake = FakePushProviders.current();

        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> delivered(fake, pendingToken) == 1 && "delivered".equals(row(pendingDevice).getString("state")));
        Row pending = row(pendingDevice);
        assertThat(pending.getString("state")).isEqualTo("delivered");
        assertThat(pending.getInteger("attempts")).isEqualTo(1);
        Received push = fake.to(pendingToken).get(0);
        assertThat(push.header("apns-push-type")).isEqualTo("alert");
        assertThat(push.data().getString("userId")).isEqualTo(bob.id().toString());

        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> delivered(fake, leasedToken) == 1 && "delivered".equals(row(leasedDevice).getString("state")));
        Row leased = row(leasedDevice);
        assertThat(leased.getString("state")).isEqualTo("delivered");
        assertThat(leased.getInteger("attempts")).as("the dead replica's attempt, then this one").isEqualTo(2);
        assertThat(fake.to(leasedToken).get(0).at()).as("sent only once the dead replica's lease had run out")
                .isAfterOrEqualTo(leaseEnd);
        // Exactly once: no second push follows, for as long as we watch.
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(fake.to(pendingToken)).hasSize(1);
            assertThat(fake.to(leasedToken)).hasSize(1);
        });
        assertThat(fake.problems).isEmpty();
    }

    /**
     * A watch_fired row as WatchService queues it, committed without waking any worker; with
     * {@code leaseSeconds}, claimed by a replica that is gone. Answers the end of that lease.
     */
    private Instant queue(UUID org, String device, String payload, int attempts, Double leaseSeconds) {
        String sql = "INSERT INTO push_outbox (id, org_id, push_device_id, kind, payload, attempts, locked_until) "
                + "VALUES ($1, $2, $3, 'watch_fired', $4, $5, clock_timestamp() + make_interval(secs => $6)) RETURNING locked_until";
        Row row = pool.preparedQuery(sql).execute(Tuple.of(UUID.randomUUID(), org, UUID.fromString(device), payload, attempts, leaseSeconds))
                .await().atMost(Duration.ofSeconds(5)).iterator().next();
        return row.getOffsetDateTime("locked_until") == null ? null : row.getOffsetDateTime("locked_until").toInstant();
    }

    private static long delivered(FakePushProviders fake, String token) {
        return fake.to(token).stream().filter(r -> r.status() == 200).count();
    }

    private Row row(String device) {
        return pool.preparedQuery("SELECT state, attempts FROM push_outbox WHERE push_device_id = $1")
                .execute(Tuple.of(UUID.fromString(device))).await().atMost(Duration.ofSeconds(5)).iterator().next();
    }
}
