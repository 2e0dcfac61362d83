package dev.switchboard.presence;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.common.ClusterBus;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * How a committed change reaches the sockets: its frame handed over by the writer or carried in the
 * notification, each seq once and in order, and what is missing read from the store. Events
 * "from another replica" are written here by hand, as such a replica's transaction would.
 */
@QuarkusTest
class PresenceChangePathTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @Test
    void aCommittedChangeReachesEachColleagueOnceAlthoughItsNotificationFollowsTheWritersHandOver() {
        UUID org = createOrg();
        TestUser subject = user(org);
        TestUser colleague = user(org);
        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            socket.next("snapshot");
            setStatus(subject, "do_not_disturb");
            JsonObject first = socket.next(frame -> isPresenceOf(frame, subject));
            long seq = first.getLong("seq");

            // the same seq announced again with another frame (a late NOTIFY): it is not delivered
            notify(new PresenceMessages.OrgEvent(org, seq, "presence", subject.id(), frame(seq, subject.id(), "duplicate")));
            setStatus(subject, "available");

            JsonObject next = socket.next(frame -> isPresenceOf(frame, subject));
            assertThat(next.getLong("seq")).isEqualTo(seq + 1);
            assertThat(next.getJsonObject("colleague").getString("userStatus")).isEqualTo("available");
            socket.assertNoneFor(Duration.ofMillis(500), frame -> isPresenceOf(frame, subject));
        }
    }

    @Test
    void anEventAfterAMissedOneRepairsTheGapFromTheStoreInSeqOrder() {
        UUID org = createOrg();
        TestUser subject = user(org);
        TestUser colleague = user(org);
        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            long seq = socket.next("snapshot").getLong("seq");

            // seq + 1 and seq + 2 are committed, but only seq + 2's notification (with its frame) comes
            inTransaction(client -> storeEvent(client, org, seq + 1, subject.id(), "missed")
                    .flatMap(ignored -> storeEvent(client, org, seq + 2, subject.id(), "announced")));
            notify(new PresenceMessages.OrgEvent(org, seq + 2, "presence", subject.id(), frame(seq + 2, subject.id(), "announced")));

            assertThat(socket.next("presence").getLong("seq")).isEqualTo(seq + 1);
            JsonObject announced = socket.next("presence");
            assertThat(announced.getLong("seq")).isEqualTo(seq + 2);
            assertThat(announced.getJsonObject("colleague").getString("name")).isEqualTo("announced");
        }
    }

    /**
     * Hand-overs from writers on different event loops may overtake each other: an event that
     * comes with its frame ahead of the next one waits for it, and both go out in seq order.
     */
    @Test
    void anEventThatOvertookThePreviousOneWaitsForIt() {
        UUID org = createOrg();
        TestUser subject = user(org);
        TestUser colleague = user(org);
        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            long seq = socket.next("snapshot").getLong("seq");

            notify(new PresenceMessages.OrgEvent(org, seq + 2, "presence", subject.id(), frame(seq + 2, subject.id(), "second")));
            notify(new PresenceMessages.OrgEvent(org, seq + 1, "presence", subject.id(), frame(seq + 1, subject.id(), "first")));

            JsonObject first = socket.next("presence");
            assertThat(first.getLong("seq")).isEqualTo(seq + 1);
            assertThat(first.getJsonObject("colleague").getString("name")).isEqualTo("first");
            JsonObject second = socket.next("presence");
            assertThat(second.getLong("seq")).isEqualTo(seq + 2);
            assertThat(second.getJsonObject("colleague").getString("name")).isEqualTo("second");
        }
    }

    /** What a replica sends for a frame too long for NOTIFY: the key alone, and the frame is read. */
    @Test
    void anEventAnnouncedByItsKeyAloneIsReadFromTheStore() {
        UUID org = createOrg();
        TestUser subject = user(org);
        TestUser colleague = user(org);
        try (SocketClient socket = SocketClient.connect(base, colleague.token(), null)) {
            long seq = socket.next("snapshot").getLong("seq");
            String name = "€".repeat(3000);
            PresenceMessages.OrgEvent event = new PresenceMessages.OrgEvent(org, seq + 1, "presence", subject.id(),
                    frame(seq + 1, subject.id(), name));

            inTransaction(client -> storeEvent(client, org, seq + 1, subject.id(), name)
                    .flatMap(ignored -> notify(client, event.fallback())));

            JsonObject delivered = socket.next("presence");
            assertThat(delivered.getLong("seq")).isEqualTo(seq + 1);
            assertThat(delivered.getJsonObject("colleague").getString("name")).isEqualTo(name);
        }
    }

    @Test
    void aUsersOwnChangeBringsTheirSocketsTheMeFrameItCarries() {
        UUID org = createOrg();
        TestUser subject = user(org);
        try (SocketClient socket = SocketClient.connect(base, subject.token(), null)) {
            socket.next("snapshot");
            setStatus(subject, "do_not_disturb");
            assertThat(socket.next("me").getJsonObject("me").getString("status")).isEqualTo("do_not_disturb");
            setStatus(subject, "available");
            assertThat(socket.next("me").getJsonObject("me").getString("status")).isEqualTo("available");
        }
    }

    /** A self change announced by its key alone (its frame too long for NOTIFY): the view is read. */
    @Test
    void aSelfChangeAnnouncedByItsKeyAloneIsRead() {
        UUID org = createOrg();
        TestUser subject = user(org);
        try (SocketClient socket = SocketClient.connect(base, subject.token(), null)) {
            socket.next("snapshot");
            socket.drain();
            notify(new PresenceMessages.SelfChanged(org, subject.id()));
            assertThat(socket.next("me").getJsonObject("me").getString("userId")).isEqualTo(subject.id().toString());
        }
    }

    private static boolean isPresenceOf(JsonObject frame, TestUser user) {
        return "presence".equals(frame.getString("type")) && user.id().toString().equals(frame.getJsonObject("colleague").getString("userId"));
    }

    private static void setStatus(TestUser user, String status) {
        as(user.token()).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
    }

    /** A presence frame as the recorder encodes it, with only what these tests look at filled in. */
    private static String frame(long seq, UUID userId, String name) {
        return new JsonObject().put("type", "presence").put("seq", seq)
                .put("colleague", new JsonObject().put("userId", userId.toString()).put("name", name)).encode();
    }

    /** Org event {@code seq} as a recorder stores it: the sequence moved on, the event row with its frame. */
    private static Uni<?> storeEvent(SqlClient client, UUID org, long seq, UUID userId, String name) {
        return client.preparedQuery("INSERT INTO presence_sequences (org_id, seq) VALUES ($1, $2) "
                + "ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq").execute(Tuple.of(org, seq))
                .flatMap(ignored -> client.preparedQuery("INSERT INTO presence_events (org_id, seq, type, user_id, frame) "
                        + "VALUES ($1, $2, 'presence', $3, $4)").execute(Tuple.of(org, seq, userId, frame(seq, userId, name))));
    }

    private void inTransaction(Function<SqlClient, Uni<?>> work) {
        pool.withTransaction(client -> work.apply(client)).await().atMost(WAIT);
    }

    /** Sends {@code message} as another replica would, outside any transaction. */
    private void notify(ClusterBus.Message message) {
        notify(pool, message).await().atMost(WAIT);
    }

    private static Uni<?> notify(SqlClient client, ClusterBus.Message message) {
        return client.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(ClusterBus.CHANNEL, message.kind().prefix() + ":" + message.body()));
    }
}
