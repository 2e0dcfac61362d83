package dev.switchboard.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.switchboard.support.AllAtOnce;
import dev.switchboard.support.ReplicaSteps;
import dev.switchboard.support.Replicas;
import dev.switchboard.support.Replicas.Replica;
import dev.switchboard.support.SocketClient;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * The platform's line feed ({@code /ws/platform}) across replicas, as docs/api.md promises it ("every
 * replica serves the same stream"): two packaged replicas ({@link Replicas}) on one PostgreSQL. A feed
 * socket on replica A gets every line change made through replica B's platform and REST endpoints, in
 * per-org seq order without gaps; after a reconnect to B with {@code since}, B replays exactly what
 * happened through A meanwhile, then goes on live.
 *
 * <p>Not a {@code @QuarkusTest}: failsafe runs it after {@code package}; each replica's output goes to
 * {@code target/platform-feed-replicas-<n>.log}, whose tails are printed when a step fails. The steps
 * build on each other and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformFeedReplicasIT {

    private static final String PASSWORD = "correct-horse-battery";
    /** Rounds of simultaneous reports; each is a chance for the two writers to overlap. */
    private static final int CONCURRENT_ROUNDS = 20;

    private Replicas cluster;

    private Replica a;
    private Replica b;
    private String operator;
    private String platform;

    // Test data, created in step 1.
    private UUID office; // an org with a member and her desk phone
    private UUID lobby; // a second org, with a phone without owner: its events interleave with the office's
    private UUID owenId;
    private String owenToken;
    private Phone desk;
    private Phone webphone;
    private Phone lobbyPhone;
    /** What the platform knew when its socket on A closed. */
    private Feed onA;
    /** The platform's socket on B after the resume. */
    private Feed onB;

    @RegisterExtension
    final ReplicaSteps steps = new ReplicaSteps(() -> cluster);

    @BeforeAll
    void startDatabaseAndTwoReplicas() throws Exception {
        cluster = new Replicas("platform-feed-replicas");
        cluster.startPostgres();
        Map<String, String> env = cluster.env(Map.of("QUARKUS_LOG_CATEGORY__DEV_SWITCHBOARD_PRESENCE__LEVEL", "DEBUG"));
        a = cluster.start(1, "A", env);
        b = cluster.start(2, "B", env);
        a.awaitReady();
        b.awaitReady();
    }

    // --- the steps ---------------------------------------------------------------------------------

    @Test
    @Order(1)
    void lineChangesThroughOneReplicaReachAFeedOnTheOtherInSeqOrder() {
        operator = a.login(Replicas.OPERATOR_EMAIL, Replicas.OPERATOR_PASSWORD);
        platform = b.api(null).body(Map.of("clientId", Replicas.PLATFORM_ID, "clientSecret", Replicas.PLATFORM_SECRET))
                .post("/api/auth/token").then().statusCode(200).extract().path("accessToken");
        office = createOrg(a, "Office");
        lobby = createOrg(a, "Lobby");
        String email = "owen-" + UUID.randomUUID().toString().substring(0, 8) + "@platform-feed-replicas.test";
        owenId = UUID.fromString(a.api(operator).body(Map.of("email", email, "name", "Owen", "role", "user", "password", PASSWORD))
                .post("/api/orgs/" + office + "/users").then().statusCode(201).extract().path("id"));
        owenToken = b.login(email, PASSWORD);
        desk = createPhone(a, office, "desk_phone", owenId);
        lobbyPhone = createPhone(a, lobby, "desk_phone", null);

        Feed feed = new Feed(connect(a));
        feed.socket.send(subscribe(Map.of()));
        JsonObject officeSnapshot = feed.next(office);
        JsonObject lobbySnapshot = feed.next(lobby);
        assertThat(officeSnapshot.getString("type")).isEqualTo("snapshot");
        assertThat(lobbySnapshot.getString("type")).isEqualTo("snapshot");
        assertThat(feed.line(desk)).isNotNull();
        assertThat(feed.line(desk).getString("userId")).isEqualTo(owenId.toString());
        assertThat(feed.line(desk).getString("state")).isEqualTo("unavailable");
        assertThat(feed.line(lobbyPhone).getValue("userId")).isNull();
        assertThat(feed.line(lobbyPhone).getString("state")).isEqualTo("unavailable");

        // Every change through replica B, one after the other, each committed before the next is
        // asked; the feed on A reads them only afterwards, so they have to come in order by themselves.
        register(b, desk, true);
        register(b, lobbyPhone, true);
        callEvent(b, desk, "call-1", "ringing");
        callEvent(b, desk, "call-1", "answered");
        platformDnd(b, lobbyPhone, true);
        callEvent(b, desk, "call-1", "ended");
        platformDnd(b, desk, true);
        b.api(owenToken).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
        webphone = createPhone(b, office, "webphone", owenId); // a new line, announced with its whole state
        callEvent(b, desk, "call-2", "ringing");

        feed.expect(desk, "idle", false, false);
        feed.expect(desk, "ringing", false, false);
        feed.expect(desk, "in_call", false, false);
        feed.expect(desk, "idle", false, false);
        feed.expect(desk, "idle", true, false);
        feed.expect(desk, "idle", true, true);
        feed.expect(webphone, "unavailable", false, true);
        feed.expect(desk, "ringing", true, true);
        feed.expect(lobbyPhone, "idle", false, false);
        feed.expect(lobbyPhone, "idle", true, false);
        feed.assertNothingMoreFor(Duration.ofMillis(700));
        // What the platform now knows is what either replica would tell a new feed.
        feed.assertMatchesSnapshotOf(a);
        feed.assertMatchesSnapshotOf(b);
        onA = feed;
    }

    @Test
    @Order(2)
    void aFeedResumingOnTheOtherReplicaGetsExactlyWhatItMissedThenGoesOnLive() {
        Map<UUID, Long> since = Map.of(office, onA.seq(office), lobby, onA.seq(lobby));
        onA.socket.close();
        assertThat(onA.socket.isClosed()).isTrue();

        // Missed while away, every change through replica A.
        callEvent(a, desk, "call-2", "answered");
        a.api(operator).delete("/api/orgs/" + office + "/voip-accounts/" + webphone.id()).then().statusCode(204);
        platformDnd(a, lobbyPhone, false);
        a.api(owenToken).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(200);
        platformDnd(a, desk, false);
        register(a, lobbyPhone, false);

        Feed resumed = new Feed(connect(b), onA);
        resumed.socket.send(subscribe(since));
        resumed.expectResumed(office);
        resumed.expect(desk, "in_call", true, true);
        resumed.expectRemoved(webphone);
        resumed.expect(desk, "in_call", true, false);
        resumed.expect(desk, "in_call", false, false);
        resumed.expectResumed(lobby);
        resumed.expect(lobbyPhone, "idle", false, false);
        resumed.expect(lobbyPhone, "unavailable", false, false);
        // Nothing replayed twice, nothing from before the since: the next frames are the live ones.
        resumed.assertNothingMoreFor(Duration.ofMillis(700));

        callEvent(a, desk, "call-2", "ended");
        register(a, lobbyPhone, true);
        resumed.expect(desk, "idle", false, false);
        resumed.expect(lobbyPhone, "idle", false, false);
        resumed.assertNothingMoreFor(Duration.ofMillis(700));
        resumed.assertMatchesSnapshotOf(a);
        resumed.assertMatchesSnapshotOf(b);
        onB = resumed;
    }

    /**
     * The platform reports a device's DND and its registration at the same moment, through different
     * replicas (as a load balancer spreads them): whichever commits last, the feed's last word on the
     * line is the line as it is, for a device without owner as for one with.
     */
    @Test
    @Order(3)
    void concurrentReportsThroughBothReplicasLeaveTheFeedSayingTheLineAsItIs() throws Exception {
        Phone shared = createPhone(b, lobby, "desk_phone", null);
        Phone owned = createPhone(b, office, "desk_phone", owenId);
        onB.expect(shared, "unavailable", false, false);
        onB.expect(owned, "unavailable", false, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 1; round <= CONCURRENT_ROUNDS; round++) {
                boolean on = round % 2 == 1; // both fields change every round
                AllAtOnce.run(pool, List.<Callable<Void>> of(
                        () -> platformDnd(a, shared, on),
                        () -> register(b, shared, on),
                        () -> platformDnd(b, owned, on),
                        () -> register(a, owned, on)));
                for (Phone phone : List.of(shared, owned)) {
                    // each report changed the line as the feed last said it: two events, in seq order
                    onB.nextLineOf(phone);
                    JsonObject last = onB.nextLineOf(phone).getJsonObject("line");
                    String as = "round " + round + ", line of " + (phone == shared ? "the device without owner" : "Owen's device");
                    assertThat(last.getString("state")).as(as).isEqualTo(on ? "idle" : "unavailable");
                    assertThat(last.getBoolean("dnd")).as(as).isEqualTo(on);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        onB.assertNothingMoreFor(Duration.ofMillis(700));
        onB.assertMatchesSnapshotOf(a);
        onB.assertMatchesSnapshotOf(b);
    }

    // --- REST ----------------------------------------------------------------------------------------

    /** A phone: its org, VoIP account id and SIP username. */
    private record Phone(UUID orgId, UUID id, String sipUsername) {
    }

    private UUID createOrg(Replica replica, String name) {
        return UUID.fromString(replica.api(operator).body(Map.of("name", name + " " + UUID.randomUUID())).post("/api/orgs")
                .then().statusCode(201).extract().path("id"));
    }

    private Phone createPhone(Replica replica, UUID orgId, String kind, UUID ownerId) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("description", kind + " of " + (ownerId == null ? "nobody" : ownerId));
        if (ownerId != null) {
            body.put("userId", ownerId.toString());
        }
        Response created = replica.api(operator).body(body).post("/api/orgs/" + orgId + "/voip-accounts");
        created.then().statusCode(201);
        return new Phone(orgId, UUID.fromString(created.path("id")), created.path("sipUsername"));
    }

    private Void register(Replica replica, Phone phone, boolean registered) {
        Map<String, Object> body = new HashMap<>();
        body.put("registered", registered);
        if (registered) {
            body.put("expiresIn", 3600);
        }
        replica.api(platform).body(body).put("/api/platform/registrations/" + phone.sipUsername()).then().statusCode(200);
        return null;
    }

    private Void platformDnd(Replica replica, Phone phone, boolean dnd) {
        replica.api(platform).body(Map.of("dnd", dnd)).put("/api/platform/dnd/" + phone.sipUsername()).then().statusCode(200);
        return null;
    }

    private void callEvent(Replica replica, Phone phone, String callId, String state) {
        replica.api(platform).body(Map.of("callId", callId, "sipUsername", phone.sipUsername(), "state", state))
                .post("/api/platform/call-events").then().statusCode(200);
    }

    private SocketClient connect(Replica replica) {
        SocketClient socket = SocketClient.platformFeed(URI.create("http://127.0.0.1:" + replica.port), platform);
        steps.closeAtEnd(socket);
        return socket;
    }

    /** Subscribes both orgs, resuming those in {@code since}. */
    private Map<String, Object> subscribe(Map<UUID, Long> since) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "subscribe");
        frame.put("orgIds", List.of(office.toString(), lobby.toString()));
        if (!since.isEmpty()) {
            Map<String, Object> entries = new HashMap<>();
            since.forEach((org, seq) -> entries.put(org.toString(), seq));
            frame.put("since", entries);
        }
        return frame;
    }

    // --- the platform's view of its orgs -------------------------------------------------------------

    /**
     * What the platform knows of its orgs, built from its feed's frames as a proxy would: per org the
     * first frame, then every event with the next seq (anything else fails the test), and the lines
     * as the events left them. Frames of different orgs interleave in any order: each org's are
     * queued on their own.
     */
    private final class Feed {
        final SocketClient socket;
        final Map<UUID, Long> seq = new HashMap<>();
        final Map<UUID, Map<String, JsonObject>> lines = new HashMap<>();
        /** Orgs whose first frame came on this socket. */
        final Map<UUID, Boolean> started = new HashMap<>();
        final Map<UUID, Deque<JsonObject>> unread = new HashMap<>();

        Feed(SocketClient socket) {
            this.socket = socket;
        }

        /** A reconnect of the same platform: it keeps what it knew. */
        Feed(SocketClient socket, Feed before) {
            this.socket = socket;
            this.seq.putAll(before.seq);
            before.lines.forEach((org, theirs) -> lines.put(org, new HashMap<>(theirs)));
        }

        long seq(UUID org) {
            return seq.get(org);
        }

        JsonObject line(Phone phone) {
            return lines.getOrDefault(phone.orgId(), Map.of()).get(phone.id().toString());
        }

        /** The org's next frame (the other orgs' frames read meanwhile are checked and queued). */
        JsonObject next(UUID org) {
            Deque<JsonObject> queued = unread.computeIfAbsent(org, id -> new ArrayDeque<>());
            while (queued.isEmpty()) {
                apply(socket.next());
            }
            return queued.poll();
        }

        void expectResumed(UUID org) {
            JsonObject frame = next(org);
            assertThat(frame.getString("type")).as("first frame of %s: %s", org, frame).isEqualTo("resumed");
        }

        /** The org's next frame is the phone's line with this state (and, as every event, the next seq). */
        void expect(Phone phone, String state, boolean dnd, boolean userDnd) {
            JsonObject frame = next(phone.orgId());
            assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("line");
            JsonObject line = frame.getJsonObject("line");
            assertThat(line.getString("voipAccountId")).as("frame %s", frame).isEqualTo(phone.id().toString());
            assertThat(line.getString("sipUsername")).as("frame %s", frame).isEqualTo(phone.sipUsername());
            assertThat(line.getString("state")).as("frame %s", frame).isEqualTo(state);
            assertThat(line.getBoolean("dnd")).as("frame %s", frame).isEqualTo(dnd);
            assertThat(line.getBoolean("userDnd")).as("frame %s", frame).isEqualTo(userDnd);
        }

        /** The org's next frame is a line event of the phone; answers it. */
        JsonObject nextLineOf(Phone phone) {
            JsonObject frame = next(phone.orgId());
            assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("line");
            assertThat(frame.getJsonObject("line").getString("voipAccountId")).as("frame %s", frame).isEqualTo(phone.id().toString());
            return frame;
        }

        void expectRemoved(Phone phone) {
            JsonObject frame = next(phone.orgId());
            assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("line_removed");
            assertThat(frame.getString("voipAccountId")).isEqualTo(phone.id().toString());
            assertThat(frame.getString("sipUsername")).isEqualTo(phone.sipUsername());
        }

        /** No further frame (of any org) arrives for {@code window}, and none was left unread. */
        void assertNothingMoreFor(Duration window) {
            socket.assertNoneFor(window, frame -> true);
            unread.forEach((org, queued) -> assertThat(queued).as("unread frames of %s", org).isEmpty());
        }

        private void apply(JsonObject frame) {
            String type = frame.getString("type");
            assertThat(frame.getString("orgId")).as("a frame of no organization: %s", frame).isNotNull();
            UUID org = UUID.fromString(frame.getString("orgId"));
            assertThat(org).as("a frame of an org not subscribed: %s", frame).isIn(office, lobby);
            switch (type) {
                case "snapshot" -> {
                    assertThat(started).as("a second first frame: %s", frame).doesNotContainKey(org);
                    started.put(org, true);
                    Map<String, JsonObject> now = new HashMap<>();
                    frame.getJsonArray("lines").forEach(l -> now.put(((JsonObject) l).getString("voipAccountId"), (JsonObject) l));
                    lines.put(org, now);
                    seq.put(org, frame.getLong("seq"));
                }
                case "resumed" -> {
                    assertThat(started).as("a second first frame: %s", frame).doesNotContainKey(org);
                    started.put(org, true);
                    assertThat(frame.getLong("seq")).as("resumed where the platform left: %s", frame).isEqualTo(seq.get(org));
                }
                case "line", "line_removed" -> {
                    assertThat(started).as("an event before its org's first frame: %s", frame).containsKey(org);
                    assertThat(frame.getLong("seq")).as("seq of %s after %d", frame, seq.get(org)).isEqualTo(seq.get(org) + 1);
                    seq.put(org, frame.getLong("seq"));
                    if (type.equals("line")) {
                        JsonObject line = frame.getJsonObject("line");
                        lines.get(org).put(line.getString("voipAccountId"), line);
                    } else {
                        lines.get(org).remove(frame.getString("voipAccountId"));
                    }
                }
                default -> throw new AssertionError("unexpected frame " + frame);
            }
            unread.computeIfAbsent(org, id -> new ArrayDeque<>()).add(frame);
        }

        /** A new feed on {@code replica} gets snapshots at the seq this one reached, with the same lines. */
        void assertMatchesSnapshotOf(Replica replica) {
            try (SocketClient fresh = SocketClient.platformFeed(URI.create("http://127.0.0.1:" + replica.port), platform)) {
                fresh.send(subscribe(Map.of()));
                Map<UUID, JsonObject> snapshots = new HashMap<>();
                while (snapshots.size() < 2) {
                    JsonObject frame = fresh.next();
                    assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("snapshot");
                    snapshots.put(UUID.fromString(frame.getString("orgId")), frame);
                }
                for (UUID org : List.of(office, lobby)) {
                    JsonObject snapshot = snapshots.get(org);
                    assertThat(snapshot.getLong("seq")).as("seq of %s on %s", org, replica.name).isEqualTo(seq.get(org));
                    Map<String, JsonObject> stored = new HashMap<>();
                    snapshot.getJsonArray("lines").forEach(l -> stored.put(((JsonObject) l).getString("voipAccountId"), (JsonObject) l));
                    assertThat(lines.get(org)).as("lines of %s vs a snapshot on %s", org, replica.name).isEqualTo(stored);
                }
            }
        }
    }
}
