package dev.switchboard.presence;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.RawSocket;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/** The fan-out under load: organizations stay apart, and a stalled client harms nobody. */
@QuarkusTest
class PresenceFanoutTest {

    private static final String[] STATUSES = { "available", "do_not_disturb", "offline", "available_for_colleagues" };

    @TestHTTPResource("/")
    URI base;

    @Test
    void noFrameOfOneOrganizationReachesAnother() throws Exception {
        Map<UUID, List<TestUser>> orgs = new HashMap<>();
        for (int o = 0; o < 2; o++) {
            UUID org = createOrg();
            List<TestUser> members = new ArrayList<>();
            for (int u = 0; u < 4; u++) {
                members.add(user(org));
            }
            orgs.put(org, members);
        }
        Map<UUID, Set<String>> memberIds = new HashMap<>();
        orgs.forEach((org, members) -> memberIds.put(org, new HashSet<>(members.stream().map(m -> m.id().toString()).toList())));

        Map<SocketClient, UUID> sockets = new HashMap<>();
        try {
            for (var entry : orgs.entrySet()) {
                for (TestUser member : entry.getValue()) {
                    SocketClient socket = SocketClient.connect(base, member.token(), null);
                    socket.next("snapshot");
                    sockets.put(socket, entry.getKey());
                }
            }
            List<Callable<Integer>> changes = new ArrayList<>();
            orgs.values().forEach(members -> members.forEach(member -> {
                for (int i = 0; i < 5; i++) {
                    String status = STATUSES[(i + 1) % STATUSES.length];
                    changes.add(() -> as(member.token()).body(Map.of("status", status)).put("/api/me/availability").statusCode());
                }
            }));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (Future<Integer> result : pool.invokeAll(changes)) {
                    assertThat(result.get()).isEqualTo(200);
                }
            } finally {
                pool.shutdown();
            }
            for (var entry : sockets.entrySet()) {
                UUID org = entry.getValue();
                long finalSeq = as(orgs.get(org).get(0).token()).get("/api/orgs/" + org + "/presence").then().extract()
                        .jsonPath().getLong("seq");
                List<JsonObject> seen = new ArrayList<>();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                    seen.addAll(entry.getKey().drain());
                    return seen.stream().anyMatch(f -> f.containsKey("seq") && f.getLong("seq") == finalSeq);
                });
                long previous = -1;
                for (JsonObject frame : seen) {
                    JsonObject colleague = frame.getJsonObject("colleague");
                    if (colleague != null) {
                        assertThat(memberIds.get(org)).as("frame %s on a socket of org %s", frame, org)
                                .contains(colleague.getString("userId"));
                    }
                    if (frame.containsKey("me")) {
                        assertThat(memberIds.get(org)).contains(frame.getJsonObject("me").getString("userId"));
                    }
                    if (frame.containsKey("seq")) {
                        if (previous >= 0) {
                            assertThat(frame.getLong("seq")).isEqualTo(previous + 1);
                        }
                        previous = frame.getLong("seq");
                    }
                }
            }
        } finally {
            sockets.keySet().forEach(SocketClient::close);
        }
    }

    @Test
    void aClientThatStopsReadingDelaysNobodyAndEndsWithACorrectSnapshot() throws Exception {
        UUID org = createOrg();
        TestUser writer = user(org);
        TestUser watcher = user(org);
        TestUser sleeper = user(org);
        SocketClient fast = SocketClient.connect(base, watcher.token(), null);
        // A paused client stops reading its TCP socket: its small kernel buffer fills at once, and
        // the server's writes pile up in its per-socket queue until that overflows.
        SocketClient slow = SocketClient.connect(base, sleeper.token(), null, new RawSocket.Options(4096));
        try {
            long start = fast.next("snapshot").getLong("seq");
            slow.next("snapshot");
            slow.pause();

            int events = 1000;
            List<Callable<Integer>> changes = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                String status = i % 2 == 0 ? "do_not_disturb" : "available";
                changes.add(() -> as(writer.token()).body(Map.of("status", status)).put("/api/me/availability").statusCode());
            }
            // One writer, one change at a time: each PUT is one event.
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                for (Future<Integer> result : pool.invokeAll(changes)) {
                    assertThat(result.get()).isEqualTo(200);
                }
            } finally {
                pool.shutdown();
            }
            long last = start + events;

            // The reading client has every event, in order, within moments of the last write.
            List<JsonObject> received = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> {
                received.addAll(fast.drain());
                return received.stream().anyMatch(f -> "presence".equals(f.getString("type")) && f.getLong("seq") == last);
            });
            List<Long> seqs = received.stream().filter(f -> "presence".equals(f.getString("type")))
                    .map(f -> f.getLong("seq")).toList();
            assertThat(seqs).hasSize(events);
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).isEqualTo(start + 1 + i);
            }

            // The stalled client resumes reading: it was given a fresh snapshot instead of the backlog,
            // and what it ends up with is exactly the server's current presence.
            slow.resume();
            Map<String, JsonObject> view = new HashMap<>();
            List<JsonObject> slowFrames = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (JsonObject frame : slow.drain()) {
                    slowFrames.add(frame);
                    apply(view, frame);
                }
                return slowFrames.stream().anyMatch(f -> f.containsKey("seq") && f.getLong("seq") == last);
            });
            assertThat(slowFrames.stream().filter(f -> "snapshot".equals(f.getString("type"))).count())
                    .as("an overflowed client is resynchronized with a snapshot").isPositive();
            assertThat(slowFrames.stream().filter(f -> "presence".equals(f.getString("type"))).count()).isLessThan(events);
            JsonPath truth = as(sleeper.token()).get("/api/orgs/" + org + "/presence").then().extract().jsonPath();
            List<Map<String, Object>> colleagues = truth.getList("colleagues");
            for (Map<String, Object> colleague : colleagues) {
                JsonObject seen = view.get((String) colleague.get("userId"));
                assertThat(seen.getString("availability")).isEqualTo(colleague.get("availability"));
                assertThat(seen.getString("userStatus")).isEqualTo(colleague.get("userStatus"));
            }
        } finally {
            fast.close();
            slow.close();
        }
    }

    private static void apply(Map<String, JsonObject> view, JsonObject frame) {
        switch (frame.getString("type")) {
            case "snapshot" -> {
                view.clear();
                frame.getJsonArray("colleagues").forEach(c -> view.put(((JsonObject) c).getString("userId"), (JsonObject) c));
            }
            case "presence", "colleague_added" -> view.put(frame.getJsonObject("colleague").getString("userId"),
                    frame.getJsonObject("colleague"));
            case "colleague_removed" -> view.remove(frame.getString("userId"));
            default -> { }
        }
    }
}
