package dev.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.Replicas;
import dev.switchboard.support.Replicas.Replica;
import dev.switchboard.webhook.WebhookReceiver.Received;

/**
 * At least once across replicas: two replicas of the packaged service on one PostgreSQL, a receiver
 * that hangs, so that the first delivery is in flight on one replica; that replica is killed
 * (SIGKILL: no shutdown, its claim is left in the database). The other one takes the delivery over
 * once the claim's lease has run out and delivers every event, in order, none lost. Failsafe runs
 * it after {@code package}; each replica's output is in {@code target/webhook-replicas-<n>.log}.
 */
class WebhookReplicaKillIT {

    /** Per request; the lease is a little longer, as production's defaults (10 s, 60 s) are. */
    private static final Duration TIMEOUT = Duration.ofSeconds(6);
    private static final Duration LEASE = Duration.ofSeconds(8);
    private static final Duration SLACK = Duration.ofSeconds(10);
    private static final String PASSWORD = "correct-horse-battery";

    @Test
    void aReplicaKilledMidDeliveryLeavesItToTheOtherWhichDeliversEverythingInOrder() throws Exception {
        try (Replicas cluster = new Replicas("webhook-replicas"); WebhookReceiver receiver = new WebhookReceiver()) {
            try {
                run(cluster, receiver);
            } catch (AssertionError | RuntimeException e) {
                cluster.printTails(60);
                throw e;
            }
        }
    }

    private void run(Replicas cluster, WebhookReceiver receiver) throws Exception {
        cluster.startPostgres();
        Map<String, String> env = cluster.env(Map.of(
                "SWITCHBOARD_WEBHOOKS_ALLOW_INSECURE", "true",
                "SWITCHBOARD_WEBHOOKS_TIMEOUT", TIMEOUT.toSeconds() + "S",
                "SWITCHBOARD_WEBHOOKS_LEASE", LEASE.toSeconds() + "S",
                "SWITCHBOARD_WEBHOOKS_INTERVAL", "1S",
                "SWITCHBOARD_WEBHOOKS_INITIAL_BACKOFF", "1S"));
        List<Replica> replicas = List.of(cluster.start(1, "A", env), cluster.start(2, "B", env));
        replicas.forEach(Replica::awaitReady);
        Replica any = replicas.get(0);

        String operator = any.login(Replicas.OPERATOR_EMAIL, Replicas.OPERATOR_PASSWORD);
        UUID org = UUID.fromString(any.api(operator).body(Map.of("name", "Webhook replicas " + UUID.randomUUID()))
                .post("/api/orgs").then().statusCode(201).extract().path("id"));
        String admin = member(any, operator, org, "admin");
        String user = member(any, operator, org, "user");
        String webhooks = "/api/orgs/" + org + "/webhooks";
        String webhook = any.api(admin).body(Map.of("url", receiver.url("/replicas"), "events", List.of("status.changed")))
                .post(webhooks).then().statusCode(201).extract().path("id");

        // The receiver hangs: the first delivery stays in flight on whichever replica claimed it.
        receiver.answer(WebhookReceiver.HOLD);
        List<String> statuses = List.of("do_not_disturb", "available", "offline", "available_for_colleagues", "available");
        for (String status : statuses) {
            any.api(user).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
        }
        Awaitility.await("the first delivery in flight").atMost(SLACK).pollInterval(Duration.ofMillis(20))
                .until(() -> !receiver.all().isEmpty());
        Received held = receiver.all().get(0);
        Replica sender = owner(replicas, held.senderPort());
        assertThat(sender).as("the replica with the connection from port %d", held.senderPort()).isNotNull();
        Replica survivor = replicas.get(0) == sender ? replicas.get(1) : replicas.get(0);

        long killedAt = System.nanoTime();
        sender.process.destroyForcibly(); // SIGKILL: no shutdown, the claim stays in the database
        assertThat(sender.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        receiver.answer(204);
        System.out.printf("[webhook-replicas] killed %s with delivery %s in flight; %s takes over%n", sender.name, held.id(),
                survivor.name);

        Awaitility.await("every event delivered by " + survivor.name).atMost(LEASE.plus(SLACK).plus(SLACK))
                .pollInterval(Duration.ofMillis(100)).until(() -> receiver.accepted().size() >= statuses.size());
        Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.printf("[webhook-replicas] all delivered %d ms after the kill%n", took.toMillis());
        assertThat(took).as("taken over once the lease ran out").isLessThanOrEqualTo(LEASE.plus(SLACK));

        List<Received> accepted = receiver.accepted();
        assertThat(accepted).extracting(r -> r.json().getJsonObject("data").getString("status")).containsExactlyElementsOf(statuses);
        assertThat(accepted).extracting(Received::seq).isSorted().doesNotHaveDuplicates();
        assertThat(accepted.get(0).id()).as("the delivery in flight, retried under its id").isEqualTo(held.id());
        assertThat(accepted.get(0).body()).isEqualTo(held.body());
        // The survivor's log of attempts: the held one was claimed twice, the first claim died with its replica.
        List<Map<String, Object>> log = survivor.api(admin).get(webhooks + "/" + webhook + "/deliveries").then().statusCode(200)
                .extract().path("items");
        assertThat(log).filteredOn(item -> held.id().equals(item.get("messageId"))).singleElement()
                .satisfies(item -> assertThat(item).containsEntry("outcome", "delivered").containsEntry("attempt", 2));
        assertThat(survivor.process.isAlive()).isTrue();
    }

    /** A member of the org, created by the operator, logged in: answers the token. */
    private static String member(Replica replica, String operator, UUID org, String role) {
        String email = role + "-" + UUID.randomUUID().toString().substring(0, 8) + "@webhook-replicas.test";
        replica.api(operator).body(Map.of("email", email, "name", role, "role", role, "password", PASSWORD))
                .post("/api/orgs/" + org + "/users").then().statusCode(201);
        return replica.login(email, PASSWORD);
    }

    /**
     * The replica whose process holds the TCP connection with local port {@code port} (Linux: the
     * socket's inode from /proc/net/tcp*, then the process whose descriptors include it).
     */
    private static Replica owner(List<Replica> replicas, int port) throws IOException {
        Set<String> sockets = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[1].contains(":") && fields[1].endsWith(":" + String.format("%04X", port))) {
                    sockets.add("socket:[" + fields[9] + "]");
                }
            }
        }
        for (Replica replica : replicas) {
            try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(replica.process.pid()), "fd"))) {
                if (descriptors.anyMatch(fd -> {
                    try {
                        return sockets.contains(Files.readSymbolicLink(fd).toString());
                    } catch (IOException e) {
                        return false;
                    }
                })) {
                    return replica;
                }
            }
        }
        return null;
    }
}
