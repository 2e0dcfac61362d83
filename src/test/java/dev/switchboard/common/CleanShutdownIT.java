package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.Replicas;
import dev.switchboard.support.Replicas.Replica;
import dev.switchboard.support.SocketClient;

/**
 * A rolling restart's SIGTERM leaves a clean log: the packaged service (prod profile, real
 * PostgreSQL) runs its timers and outbox loops for a few seconds under light load — a status
 * changing all the time, timed statuses ending, a registration lapsing, a device socket renewing
 * its lease, webhook deliveries failing and being retried — and is stopped with SIGTERM while that
 * goes on, with the shortest shutdown operators use ({@code QUARKUS_SHUTDOWN_DELAY=0S},
 * {@code QUARKUS_SHUTDOWN_TIMEOUT=1S}). It exits as Quarkus does (0, or 143 for the signal), with
 * no ERROR line and no WARN from our own code. Output in {@code target/clean-shutdown-1.log}.
 */
class CleanShutdownIT {

    private static final String PASSWORD = "correct-horse-battery";
    /**
     * Quarkus' own line, not ours: its graceful-shutdown filter counts a WebSocket upgrade as a
     * request that never ends (docs/deploy.md), so with a socket ever opened the wait for HTTP
     * requests always times out. Nothing of ours is cut by it.
     */
    private static final String QUARKUS_UPGRADE_COUNT = "Timed out waiting for graceful shutdown";

    @Test
    void sigtermUnderLightLoadLogsNoErrorAndNoWarningOfOurs() throws Exception {
        try (Replicas cluster = new Replicas("clean-shutdown")) {
            try {
                run(cluster);
            } catch (AssertionError | RuntimeException e) {
                cluster.printTails(80);
                throw e;
            }
        }
    }

    private void run(Replicas cluster) throws Exception {
        cluster.startPostgres();
        Map<String, String> env = cluster.env(Map.of(
                "QUARKUS_SHUTDOWN_DELAY", "0S",
                "QUARKUS_SHUTDOWN_TIMEOUT", "1S",
                "SWITCHBOARD_WEBHOOKS_ALLOW_INSECURE", "true",
                "SWITCHBOARD_WEBHOOKS_INTERVAL", "1S",
                "SWITCHBOARD_WEBHOOKS_INITIAL_BACKOFF", "1S",
                "SWITCHBOARD_PUSH_OUTBOX_INTERVAL", "1S",
                "SWITCHBOARD_HISTORY_PRUNE_INTERVAL", "1S",
                "SWITCHBOARD_WS_DEVICE_LEASE", "3S",
                // ticking back to back: a tick is all but sure to be running when the shutdown comes
                "SWITCHBOARD_TIMERS_INTERVAL", "50ms"));
        Replica replica = cluster.start(1, "A", env);
        replica.awaitReady();

        String operator = replica.login(Replicas.OPERATOR_EMAIL, Replicas.OPERATOR_PASSWORD);
        UUID org = UUID.fromString(replica.api(operator).body(Map.of("name", "Clean shutdown " + UUID.randomUUID()))
                .post("/api/orgs").then().statusCode(201).extract().path("id"));
        String admin = member(replica, operator, org, "admin");
        String user = member(replica, operator, org, "user");
        String userId = replica.api(user).get("/api/me").then().statusCode(200).extract().path("user.id");

        // Webhook deliveries to a port nobody listens on: the outbox keeps retrying them.
        String nowhere = "http://127.0.0.1:" + Replicas.freePort() + "/hook";
        replica.api(admin).body(Map.of("url", nowhere, "events", List.of("status.changed")))
                .post("/api/orgs/" + org + "/webhooks").then().statusCode(201);

        // A desk phone registered for 1 s (the timers lapse it) and a webphone held by a device socket.
        String sip = replica.api(operator).body(voipAccount("desk_phone", userId)).post("/api/orgs/" + org + "/voip-accounts")
                .then().statusCode(201).extract().path("sipUsername");
        String platform = replica.api(null)
                .body(Map.of("clientId", Replicas.PLATFORM_ID, "clientSecret", Replicas.PLATFORM_SECRET))
                .post("/api/auth/token").then().statusCode(200).extract().path("accessToken");
        replica.api(platform).body(Map.of("registered", true, "expiresIn", 1)).put("/api/platform/registrations/" + sip)
                .then().statusCode(200);
        String webphone = replica.api(operator).body(voipAccount("webphone", userId)).post("/api/orgs/" + org + "/voip-accounts")
                .then().statusCode(201).extract().path("id");
        SocketClient socket = SocketClient.connect(URI.create("http://127.0.0.1:" + replica.port), user, "device=" + webphone);

        // Until SIGTERM: statuses that end by themselves a moment later, each one a webhook event.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger changes = new AtomicInteger();
        Thread load = new Thread(() -> {
            while (!stop.get()) {
                try {
                    replica.api(user).body(Map.of("status", "do_not_disturb", "until", Instant.now().plusMillis(600).toString()))
                            .put("/api/me/availability");
                    changes.incrementAndGet();
                    Thread.sleep(150); // pacing the load, not waiting for anything
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the replica is going away
                }
            }
        }, "clean-shutdown-load");
        load.setDaemon(true);
        load.start();
        try {
            Awaitility.await("a few seconds of timers and outbox rounds").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> changes.get() >= 25);
        } finally {
            replica.process.destroy(); // SIGTERM, as Kubernetes sends it, with the load still running
        }
        assertThat(replica.process.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s of SIGTERM").isTrue();
        stop.set(true);
        load.join(5_000);
        socket.close();

        List<String> lines = replica.logLines();
        System.out.printf("[clean-shutdown] %d status changes; exit code %d; %d log lines%n", changes.get(),
                replica.process.exitValue(), lines.size());
        assertThat(replica.process.exitValue()).as("exit code").isIn(0, 143);
        assertThat(lines).as("the shutdown ran").anyMatch(line -> line.contains("stopped in"));
        assertThat(lines).as("no ERROR").filteredOn(CleanShutdownIT::isError)
                .filteredOn(line -> !line.contains(QUARKUS_UPGRADE_COUNT)).isEmpty();
        assertThat(lines).as("no WARN from dev.switchboard").filteredOn(line -> level(line, "WARN") && line.contains("dev.switchboard"))
                .isEmpty();
        assertThat(lines).as("no stack trace").noneMatch(line -> line.contains("\tat ") || line.contains("\"stackTrace\""));
    }

    /** prod logs JSON ({@code "level":"ERROR"}); anything else printed (the JVM's own) is checked as text. */
    private static boolean isError(String line) {
        return level(line, "ERROR") || line.contains("Exception in thread");
    }

    private static boolean level(String line, String level) {
        return line.contains("\"level\":\"" + level + "\"") || line.matches(".*\\b" + level + "\\b.*\\[.*");
    }

    private static Map<String, Object> voipAccount(String kind, String userId) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("description", kind + " for the shutdown test");
        body.put("userId", userId);
        return body;
    }

    /** A member of the org, created by the operator, logged in: answers the token. */
    private static String member(Replica replica, String operator, UUID org, String role) {
        String email = role + "-" + UUID.randomUUID().toString().substring(0, 8) + "@clean-shutdown.test";
        replica.api(operator).body(Map.of("email", email, "name", role, "role", role, "password", PASSWORD))
                .post("/api/orgs/" + org + "/users").then().statusCode(201);
        return replica.login(email, PASSWORD);
    }
}
