package dev.switchboard.push;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.push.PushTestSupport.TwoPhones;
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
 * cannot restart its application, so this is two test classes with two profiles, each on its own:
 * this instance runs with its outbox worker switched off (as if it crashed right after the commit)
 * and shows the durable rows, and nothing sent; {@link PushRestartPhase2Test}, worker on, delivers
 * such rows that it never saw being queued. Neither needs the other to have run.
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

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @Test
    void aFiredWatchIsCommittedToTheOutboxBeforeAnyDeliveryIsAttempted() {
        TwoPhones phones = TwoPhones.create();
        UUID org = phones.org();
        TestUser anna = phones.owner();
        TestUser bob = user(org);
        UUID mobile = Fixtures.fixedDestination(org, bob.id(), "+31612345678");
        setAvailability(bob, "offline", mobile);
        as(anna.token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches").then().statusCode(201);

        try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
            socket.next("snapshot");
            setAvailability(bob, "available", mobile);
            assertThat(socket.next("watch_fired").getString("userId")).isEqualTo(bob.id().toString());
        }

        // A running worker polls every 200 ms (and is poked at once): with this one stopped, nothing
        // is claimed or sent for as long as we watch.
        FakePushProviders fake = FakePushProviders.current();
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Row iphone = row(phones.iphoneDevice());
            assertThat(iphone.getString("state")).isEqualTo("pending");
            assertThat(iphone.getInteger("attempts")).isZero();
            Row android = row(phones.androidDevice());
            assertThat(android.getString("state")).isEqualTo("pending");
            assertThat(android.getInteger("attempts")).isZero();
            assertThat(fake.to(phones.iphoneToken())).as("nothing sent: this instance's worker is stopped").isEmpty();
            assertThat(fake.to(phones.androidToken())).isEmpty();
        });

        // Nothing is left for the instances of other test classes to deliver.
        pool.preparedQuery("DELETE FROM push_outbox WHERE org_id = $1").execute(Tuple.of(org)).await().atMost(Duration.ofSeconds(5));
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
