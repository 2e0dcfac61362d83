package dev.switchboard.presence;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import dev.switchboard.support.SocketClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** {@code /ws/platform}: the SIP platform's line feed (busy lamps and DND), over real sockets and a real database. */
@QuarkusTest
class PlatformFeedTest {

    @TestHTTPResource("/")
    URI base;

    /** A phone: its VoIP account id and SIP username. */
    private record Phone(UUID orgId, UUID id, String sipUsername, String internalNumber) {
        static Phone of(UUID orgId, Response created) {
            return new Phone(orgId, UUID.fromString(created.path("id")), created.path("sipUsername"), created.path("internalNumber"));
        }
    }

    @Test
    void subscribedOrgsGetSnapshotsThenEveryLineChangeInSeqOrderAndNothingOfOtherOrgs() {
        UUID orgA = createOrg();
        Member anna = Fixtures.user(orgA);
        Phone desk = Phone.of(orgA, createVoipAccount(orgA, "desk_phone", anna.id));
        UUID orgB = createOrg();
        Phone lobby = Phone.of(orgB, createVoipAccount(orgB, "desk_phone", null));
        UUID orgC = createOrg();
        Phone foreign = Phone.of(orgC, createVoipAccount(orgC, "desk_phone", null));

        try (SocketClient feed = SocketClient.platformFeed(base, platform())) {
            feed.send(subscribe(List.of(orgA, orgB), null));
            Map<UUID, JsonObject> snapshots = snapshots(feed, 2);
            assertThat(snapshots).containsOnlyKeys(orgA, orgB);
            JsonObject deskLine = line(snapshots.get(orgA), desk);
            assertThat(deskLine.getString("userId")).isEqualTo(anna.id.toString());
            assertThat(deskLine.getString("internalNumber")).isEqualTo(desk.internalNumber());
            assertThat(deskLine.getString("state")).isEqualTo("unavailable");
            assertThat(deskLine.getBoolean("dnd")).isFalse();
            assertThat(deskLine.getBoolean("userDnd")).isFalse();
            JsonObject lobbyLine = line(snapshots.get(orgB), lobby);
            assertThat(lobbyLine.getValue("userId")).isNull();
            long seqA = snapshots.get(orgA).getLong("seq");
            long seqB = snapshots.get(orgB).getLong("seq");

            register(desk);
            seqA = expectLine(feed, desk, seqA, "idle", false, false);
            callEvent(desk, "call-1", "ringing");
            seqA = expectLine(feed, desk, seqA, "ringing", false, false);
            callEvent(desk, "call-1", "answered");
            seqA = expectLine(feed, desk, seqA, "in_call", false, false);
            callEvent(desk, "call-1", "ended");
            seqA = expectLine(feed, desk, seqA, "idle", false, false);
            as(platform()).body(Map.of("dnd", true)).put("/api/platform/dnd/" + desk.sipUsername()).then().statusCode(200);
            seqA = expectLine(feed, desk, seqA, "idle", true, false);

            // the owner's own status, from REST and from the app's socket, lights the DND key
            as(anna.token()).body(Map.of("status", "do_not_disturb")).put(anna.path() + "/availability").then().statusCode(200);
            seqA = expectLine(feed, desk, seqA, "idle", true, true);
            try (SocketClient app = SocketClient.connect(base, anna.token(), null)) {
                app.next("snapshot");
                app.send(Map.of("type", "set_availability", "id", "a1", "status", "available"));
                seqA = expectLine(feed, desk, seqA, "idle", true, false);
                app.send(Map.of("type", "set_availability", "id", "a2", "status", "do_not_disturb"));
                seqA = expectLine(feed, desk, seqA, "idle", true, true);
            }

            // a device without owner has its line too; another org's never arrives
            register(foreign);
            register(lobby);
            JsonObject lobbyFrame = feed.next("line");
            assertThat(lobbyFrame.getString("orgId")).isEqualTo(orgB.toString());
            assertThat(lobbyFrame.getLong("seq")).isEqualTo(seqB + 1);
            assertThat(lobbyFrame.getJsonObject("line").getString("state")).isEqualTo("idle");
            register(foreign, false);
            feed.assertNoneFor(Duration.ofMillis(700), frame -> orgC.toString().equals(frame.getString("orgId")));
        }
    }

    @Test
    void aReconnectWithSinceResumesWithoutLossOrDuplicatesAndAnUnknownSinceGetsASnapshot() {
        UUID org = createOrg();
        Member bob = Fixtures.user(org);
        Phone desk = Phone.of(org, createVoipAccount(org, "desk_phone", bob.id));
        UUID other = createOrg();
        Phone otherPhone = Phone.of(other, createVoipAccount(other, "desk_phone", null));
        long last;
        try (SocketClient feed = SocketClient.platformFeed(base, platform())) {
            feed.send(subscribe(List.of(org), null));
            last = snapshots(feed, 1).get(org).getLong("seq");
            register(desk);
            last = expectLine(feed, desk, last, "idle", false, false);
        }
        // missed while away: three changes
        callEvent(desk, "call-r", "ringing");
        callEvent(desk, "call-r", "answered");
        as(platform()).body(Map.of("dnd", true)).put("/api/platform/dnd/" + desk.sipUsername()).then().statusCode(200);

        try (SocketClient feed = SocketClient.platformFeed(base, platform())) {
            Map<String, Object> since = Map.of(org.toString(), last, other.toString(), 999_999);
            feed.send(subscribe(List.of(org, other), since));
            Map<UUID, JsonObject> first = new HashMap<>();
            List<JsonObject> orgLines = new java.util.ArrayList<>();
            while (first.size() < 2 || orgLines.size() < 3) {
                JsonObject frame = feed.next();
                UUID orgId = UUID.fromString(frame.getString("orgId"));
                if ("line".equals(frame.getString("type"))) {
                    assertThat(orgId).isEqualTo(org);
                    assertThat(first).containsKey(org); // never before its org's first frame
                    orgLines.add(frame);
                } else {
                    first.put(orgId, frame);
                }
            }
            assertThat(first.get(org).getString("type")).isEqualTo("resumed");
            assertThat(first.get(org).getLong("seq")).isEqualTo(last);
            assertThat(first.get(other).getString("type")).isEqualTo("snapshot"); // a since the server never had
            assertThat(line(first.get(other), otherPhone).getString("state")).isEqualTo("unavailable");
            assertThat(orgLines).extracting(frame -> frame.getLong("seq")).containsExactly(last + 1, last + 2, last + 3);
            assertThat(orgLines).extracting(frame -> frame.getJsonObject("line").getString("state"))
                    .containsExactly("ringing", "in_call", "in_call");
            assertThat(orgLines.get(2).getJsonObject("line").getBoolean("dnd")).isTrue();
            // and live after the replay, without a duplicate
            callEvent(desk, "call-r", "ended");
            expectLine(feed, desk, last + 3, "idle", true, false);
        }
    }

    @Test
    void allTakesUpOrgsCreatedLaterAndADeletedAccountsLineIsRemoved() throws Exception {
        // as in a full test run: many organizations, whose first frames still stream when the new one is taken up
        createOrgs(EARLIER_ORGS);
        try (SocketClient feed = SocketClient.platformFeed(base, platform())) {
            feed.send(Map.of("type", "subscribe", "orgIds", "all"));
            feed.send(Map.of("type", "ping"));
            feed.next("pong"); // answered after the subscribe was handled
            UUID later = createOrg();
            Phone phone = Phone.of(later, createVoipAccount(later, "desk_phone", null));
            register(phone);
            // the other organizations' frames interleave with the new one's: each is checked on its own
            PerOrg orgs = new PerOrg(feed);
            JsonObject frame = orgs.next(later);
            assertThat(frame.getString("type")).isEqualTo("snapshot"); // its first frame for an org new to it
            JsonObject line = frame.getJsonArray("lines").stream().map(JsonObject.class::cast)
                    .filter(l -> phone.id().toString().equals(l.getString("voipAccountId"))).findFirst().orElseThrow();
            long seq = frame.getLong("seq");
            if (!"idle".equals(line.getString("state"))) {
                seq = assertLine(orgs.next(later), phone, seq, "idle", false, false);
            }
            as(operator()).delete(Fixtures.voipPath(later) + "/" + phone.id()).then().statusCode(204);
            JsonObject removed = orgs.next(later);
            assertThat(removed.getString("type")).isEqualTo("line_removed");
            assertThat(removed.getLong("seq")).isEqualTo(seq + 1);
            assertThat(removed.getString("voipAccountId")).isEqualTo(phone.id().toString());
            assertThat(removed.getString("sipUsername")).isEqualTo(phone.sipUsername());
        }
    }

    @Test
    void lineChangesHaveTheirOwnSeqAndNeverReachPresenceSockets() {
        UUID org = createOrg();
        Member carl = Fixtures.user(org);
        Phone desk = Phone.of(org, createVoipAccount(org, "desk_phone", carl.id));
        String presencePath = Fixtures.orgPath(org) + "/presence";
        long presenceSeq = ((Number) as(carl.token()).get(presencePath).then().statusCode(200).extract().path("seq")).longValue();
        try (SocketClient feed = SocketClient.platformFeed(base, platform());
                SocketClient colleagues = SocketClient.connect(base, carl.token(), null)) {
            colleagues.next("snapshot");
            feed.send(subscribe(List.of(org), null));
            long seq = snapshots(feed, 1).get(org).getLong("seq");
            // the desk phone is not carl's destination: what colleagues see does not change, its line does
            as(platform()).body(Map.of("dnd", true)).put("/api/platform/dnd/" + desk.sipUsername()).then().statusCode(200);
            expectLine(feed, desk, seq, "unavailable", true, false);
            colleagues.assertNoneFor(Duration.ofMillis(500), frame -> frame.containsKey("seq") || "line".equals(frame.getString("type")));
        }
        assertThat(((Number) as(carl.token()).get(presencePath).then().statusCode(200).extract().path("seq")).longValue())
                .isEqualTo(presenceSeq);
    }

    @Test
    void badFramesGetAnErrorAndTheSocketStaysOpen() {
        UUID org = createOrg();
        Phone phone = Phone.of(org, createVoipAccount(org, "desk_phone", null));
        try (SocketClient feed = SocketClient.platformFeed(base, platform())) {
            feed.send("not json");
            assertError(feed.next(), "invalid_message");
            feed.send(Map.of("type", "unsubscribe_everything"));
            assertError(feed.next(), "invalid_message");
            feed.send(Map.of("type", "subscribe"));
            assertError(feed.next(), "validation");
            feed.send(Map.of("type", "subscribe", "orgIds", List.of("not-a-uuid")));
            assertError(feed.next(), "validation");
            feed.send(Map.of("type", "subscribe", "orgIds", List.of()));
            assertError(feed.next(), "validation");
            // 401 entries (short ones: 401 ids would exceed the 16 KiB frame limit before the count)
            List<String> tooMany = java.util.stream.IntStream.range(0, 401).mapToObj(i -> "x").toList();
            feed.send(Map.of("type", "subscribe", "orgIds", tooMany));
            assertError(feed.next(), "validation");
            feed.send(Map.of("type", "subscribe", "orgIds", List.of(org.toString()), "since", Map.of(org.toString(), -1)));
            assertError(feed.next(), "validation");
            feed.send(Map.of("type", "subscribe", "orgIds", List.of(org.toString()), "extra", true));
            assertError(feed.next(), "validation");

            // an unknown org is refused on its own; the known one is subscribed all the same
            UUID unknown = UUID.randomUUID();
            feed.send(subscribe(List.of(unknown, org), null));
            JsonObject notFound = feed.next();
            assertError(notFound, "not_found");
            assertThat(notFound.getString("message")).contains(unknown.toString());
            JsonObject snapshot = feed.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.getString("orgId")).isEqualTo(org.toString());
            assertThat(line(snapshot, phone)).isNotNull();
            // subscribing again changes nothing: no second snapshot
            feed.send(subscribe(List.of(org), null));
            feed.send(Map.of("type", "ping"));
            assertThat(feed.next().getString("type")).isEqualTo("pong");
            assertThat(feed.isClosed()).isFalse();

            feed.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(17_000) + "\"}");
            assertThat(feed.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void onlyThePlatformMayOpenTheFeed() {
        UUID org = createOrg();
        Member admin = Fixtures.admin(org);
        assertThat(SocketClient.rejectedPlatformFeedStatus(base, null)).isEqualTo(401);
        assertThat(SocketClient.rejectedPlatformFeedStatus(base, "not-a-jwt")).isEqualTo(401);
        assertThat(SocketClient.rejectedPlatformFeedStatus(base, admin.token())).isEqualTo(403);
        assertThat(SocketClient.rejectedPlatformFeedStatus(base, operator())).isEqualTo(403);

        // a single-use ticket of the platform works like its token
        String ticket = as(platform()).post("/api/ws-tickets").then().statusCode(200).extract().path("ticket");
        try (SocketClient feed = SocketClient.platformFeed(base, null, "ticket=" + ticket)) {
            feed.send(subscribe(List.of(org), null));
            assertThat(feed.next().getString("type")).isEqualTo("snapshot");
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    /** Enough organizations that an "all" feed's first frames are still streaming for a while. */
    private static final int EARLIER_ORGS = 120;

    /** {@code count} new organizations, created a few at a time. */
    private static void createOrgs(int count) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<UUID>> created = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                created.add(pool.submit(() -> createOrg()));
            }
            for (java.util.concurrent.Future<UUID> org : created) {
                org.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Object> subscribe(List<UUID> orgIds, Map<String, Object> since) {
        Map<String, Object> frame = new HashMap<>();
        frame.put("type", "subscribe");
        frame.put("orgIds", orgIds.stream().map(UUID::toString).toList());
        if (since != null) {
            frame.put("since", since);
        }
        return frame;
    }

    /** The next {@code count} snapshots, by org (in whichever order the orgs come). */
    private static Map<UUID, JsonObject> snapshots(SocketClient feed, int count) {
        Map<UUID, JsonObject> snapshots = new HashMap<>();
        while (snapshots.size() < count) {
            JsonObject frame = feed.next();
            assertThat(frame.getString("type")).isEqualTo("snapshot");
            snapshots.put(UUID.fromString(frame.getString("orgId")), frame);
        }
        return snapshots;
    }

    private static JsonObject line(JsonObject snapshot, Phone phone) {
        JsonArray lines = snapshot.getJsonArray("lines");
        return lines.stream().map(JsonObject.class::cast).filter(l -> phone.id().toString().equals(l.getString("voipAccountId")))
                .findFirst().orElseThrow(() -> new AssertionError("no line of " + phone + " in " + snapshot));
    }

    /** The next frame is the phone's line with the next seq and this state; answers its seq. */
    private static long expectLine(SocketClient feed, Phone phone, long previousSeq, String state, boolean dnd, boolean userDnd) {
        return assertLine(feed.next(), phone, previousSeq, state, dnd, userDnd);
    }

    /** The frame is the phone's line with the next seq and this state; answers its seq. */
    private static long assertLine(JsonObject frame, Phone phone, long previousSeq, String state, boolean dnd, boolean userDnd) {
        assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("line");
        assertThat(frame.getString("orgId")).isEqualTo(phone.orgId().toString());
        assertThat(frame.getLong("seq")).as("frame %s", frame).isEqualTo(previousSeq + 1);
        JsonObject line = frame.getJsonObject("line");
        assertThat(line.getString("voipAccountId")).isEqualTo(phone.id().toString());
        assertThat(line.getString("sipUsername")).isEqualTo(phone.sipUsername());
        assertThat(line.getString("state")).as("frame %s", frame).isEqualTo(state);
        assertThat(line.getBoolean("dnd")).as("frame %s", frame).isEqualTo(dnd);
        assertThat(line.getBoolean("userDnd")).as("frame %s", frame).isEqualTo(userDnd);
        return frame.getLong("seq");
    }

    /**
     * The frames of a feed with many organizations, which interleave in any order: each is held to
     * what every organization is promised on its own (one first frame, before its events; then
     * every event with the next seq).
     */
    private static final class PerOrg {
        private final SocketClient feed;
        private final Map<String, Long> lastSeq = new HashMap<>();

        PerOrg(SocketClient feed) {
            this.feed = feed;
        }

        /** The next frame of {@code orgId}; the other organizations' frames before it are checked and skipped. */
        JsonObject next(UUID orgId) {
            while (true) {
                JsonObject frame = feed.next();
                String org = frame.getString("orgId");
                assertThat(org).as("a frame of no organization: %s", frame).isNotNull();
                Long last = lastSeq.get(org);
                if ("snapshot".equals(frame.getString("type")) || "resumed".equals(frame.getString("type"))) {
                    assertThat(last).as("a second first frame of the organization: %s", frame).isNull();
                } else {
                    assertThat(last).as("an event before its organization's first frame: %s", frame).isNotNull();
                    assertThat(frame.getLong("seq")).as("frame %s", frame).isEqualTo(last + 1);
                }
                lastSeq.put(org, frame.getLong("seq"));
                if (org.equals(orgId.toString())) {
                    return frame;
                }
            }
        }
    }

    private static void assertError(JsonObject frame, String code) {
        assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("error");
        assertThat(frame.getString("code")).as("frame %s", frame).isEqualTo(code);
    }

    private static void register(Phone phone) {
        register(phone, true);
    }

    private static void register(Phone phone, boolean registered) {
        Map<String, Object> body = new HashMap<>();
        body.put("registered", registered);
        if (registered) {
            body.put("expiresIn", 600);
        }
        as(platform()).body(body).put("/api/platform/registrations/" + phone.sipUsername()).then().statusCode(200);
    }

    private static void callEvent(Phone phone, String callId, String state) {
        as(platform()).body(Map.of("callId", callId, "sipUsername", phone.sipUsername(), "state", state))
                .post("/api/platform/call-events").then().statusCode(200);
    }
}
