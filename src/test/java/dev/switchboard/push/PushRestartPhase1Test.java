package dev.switchboard.push;

import static dev.switchboard.push.PushTestSupport.apnsAlertToken;
import static dev.switchboard.push.PushTestSupport.apnsToken;
import static dev.switchboard.push.PushTestSupport.fcmToken;
import static dev.switchboard.push.PushTestSupport.registered;
import static dev.switchboard.push.PushTestSupport.registeredIphone;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * A watch notification survives the service going away before delivering it. A {@code @QuarkusTest}
 * cannot restart its application, so this is two test classes with two profiles against the one
 * embedded database of the test JVM: this first instance runs with its outbox worker switched off
 * (as if it crashed right after the commit) and shows the durable rows; {@link PushRestartPhase2Test}
 * starts a fresh instance, worker on, which delivers them. The Quarkus test orderer runs the two
 * profiles in class-name order, one after the other.
 */
@QuarkusTest
@TestProfile(PushRestartPhase1Test.WorkerStopped.class)
class PushRestartPhase1Test {

    public static class WorkerStopped implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = PushProvidersProfile.fastOutbox();
            config.put("switchboard.push.outbox.worker-enabled", "false");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakePushProviders.class));
        }
    }

    /** Handed to phase 2 (same JVM). */
    static final String PENDING_TOKEN = "switchboard.test.restart.pending-token";
    static final String PENDING_DEVICE = "switchboard.test.restart.pending-device";
    static final String LEASED_TOKEN = "switchboard.test.restart.leased-token";
    static final String LEASED_DEVICE = "switchboard.test.restart.leased-device";
    static final String LEASE_END = "switchboard.test.restart.lease-end";
    static final String COLLEAGUE = "switchboard.test.restart.colleague";

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @Test
    void aFiredWatchIsCommittedToTheOutboxBeforeAnyDeliveryIsAttempted() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String app = createVoipAccount(org, "app", anna.id()).path("id");
        String pendingToken = apnsAlertToken();
        String leasedToken = fcmToken();
        String pendingDevice = registeredIphone(anna, app, apnsToken(), pendingToken);
        String leasedDevice = registered(anna, app, "fcm", leasedToken);
        TestUser bob = user(org);
        UUID mobile = Fixtures.fixedDestination(org, bob.id(), "+31612345678");
        setAvailability(bob, "offline", mobile);
        as(anna.token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches").then().statusCode(201);

        try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
            socket.next("snapshot");
            setAvailability(bob, "available", mobile);
            assertThat(socket.next("watch_fired").getString("userId")).isEqualTo(bob.id().toString());
        }

        // A replica that claimed this one and died in the middle of sending it: attempt counted,
        // lease still running when the next instance starts.
        Instant leaseEnd = pool.preparedQuery("UPDATE push_outbox SET attempts = 1, "
                + "locked_until = clock_timestamp() + interval '20 seconds' WHERE push_device_id = $1 RETURNING locked_until")
                .execute(Tuple.of(UUID.fromString(leasedDevice))).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getOffsetDateTime("locked_until").toInstant();

        // A running worker polls every 200 ms (and is poked at once): with this one stopped, nothing
        // is claimed or sent for as long as we watch.
        FakePushProviders fake = FakePushProviders.current();
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Row pending = row(pendingDevice);
            assertThat(pending.getString("state")).isEqualTo("pending");
            assertThat(pending.getInteger("attempts")).isZero();
            assertThat(row(leasedDevice).getString("state")).isEqualTo("pending");
            assertThat(fake.to(pendingToken)).as("nothing sent: this instance's worker is stopped").isEmpty();
            assertThat(fake.to(leasedToken)).isEmpty();
        });

        System.setProperty(PENDING_TOKEN, pendingToken);
        System.setProperty(PENDING_DEVICE, pendingDevice);
        System.setProperty(LEASED_TOKEN, leasedToken);
        System.setProperty(LEASED_DEVICE, leasedDevice);
        System.setProperty(LEASE_END, leaseEnd.toString());
        System.setProperty(COLLEAGUE, bob.id().toString());
    }

    private Row row(String device) {
        return pool.preparedQuery("SELECT state, attempts FROM push_outbox WHERE push_device_id = $1")
                .execute(Tuple.of(UUID.fromString(device))).await().atMost(Duration.ofSeconds(5)).iterator().next();
    }

    static void setAvailability(TestUser user, String status, UUID fixedDestination) {
        as(user.token()).body(Map.of("status", status, "destination", Map.of("type", "fixed_destination", "id", fixedDestination.toString())))
                .put("/api/me/availability").then().statusCode(200);
    }
}
