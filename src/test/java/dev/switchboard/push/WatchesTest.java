package dev.switchboard.push;

import static dev.switchboard.push.PushTestSupport.apnsToken;
import static dev.switchboard.push.PushTestSupport.apnsAlertToken;
import static dev.switchboard.push.PushTestSupport.registeredIphone;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.problemNaming;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** {@code /api/me/watches} and the {@code watch_fired} frame, in the default test app (no push provider). */
@QuarkusTest
class WatchesTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @Test
    void watchesAreListedDeletedAndScopedToColleagues() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        TestUser stranger = user(createOrg());

        Response created = as(anna.token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches");
        created.then().statusCode(201).header("Location", endsWith("/api/me/watches/" + created.path("id")));
        assertThat(created.jsonPath().getString("userId")).isEqualTo(bob.id().toString());
        assertThat(created.jsonPath().getString("firedAt")).isNull();
        Response again = as(anna.token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches");
        again.then().statusCode(200);
        assertThat(again.jsonPath().getString("id")).isEqualTo(created.jsonPath().getString("id"));

        JsonPath list = as(anna.token()).get("/api/me/watches").then().statusCode(200).extract().jsonPath();
        assertThat(list.getInt("total")).isEqualTo(1);
        assertThat(list.getList("items.userId")).containsExactly(bob.id().toString());
        assertThat(as(bob.token()).get("/api/me/watches").then().extract().jsonPath().getList("items")).isEmpty();

        problem(as(anna.token()).body(Map.of("userId", stranger.id().toString())).post("/api/me/watches"), 404);
        problem(as(anna.token()).body(Map.of("userId", UUID.randomUUID().toString())).post("/api/me/watches"), 404);
        problemNaming(as(anna.token()).body(Map.of("userId", anna.id().toString())).post("/api/me/watches"), 422, "userId");
        problem(as(anna.token()).body(Map.of()).post("/api/me/watches"), 400);

        problem(as(bob.token()).delete("/api/me/watches/" + created.path("id")), 404);
        as(anna.token()).delete("/api/me/watches/" + created.path("id")).then().statusCode(204);
        problem(as(anna.token()).delete("/api/me/watches/" + created.path("id")), 404);
        assertThat(as(anna.token()).get("/api/me/watches").then().extract().jsonPath().getList("items")).isEmpty();
    }

    @Test
    void aWatchFiresOnceOnEverySocketOfTheWatcherAndQueuesItsPushes() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String annasApp = createVoipAccount(org, "app", anna.id()).path("id");
        String device = registeredIphone(anna, annasApp, apnsToken(), apnsAlertToken());
        UUID mobile = Fixtures.fixedDestination(org, bob.id(), "+31612345678");
        setAvailability(bob, "offline", mobile);

        String watch = as(anna.token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches")
                .then().statusCode(201).extract().path("id");
        try (SocketClient laptop = SocketClient.connect(base, anna.token(), null);
                SocketClient phone = SocketClient.connect(base, anna.token(), null)) {
            laptop.next("snapshot");
            phone.next("snapshot");

            setAvailability(bob, "available", mobile);
            for (SocketClient socket : List.of(laptop, phone)) {
                JsonObject fired = socket.next("watch_fired");
                assertThat(fired.getString("userId")).isEqualTo(bob.id().toString());
            }
            assertThat(as(anna.token()).get("/api/me/watches").then().extract().jsonPath().getList("items")).isEmpty();
            problem(as(anna.token()).delete("/api/me/watches/" + watch), 404);

            // One push queued per device of the watcher, in the same transaction. No provider is
            // configured here, so it waits (retrying) rather than being lost.
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Row> rows = outbox(device);
                assertThat(rows).hasSize(1);
                assertThat(rows.get(0).getString("state")).isEqualTo("pending");
                assertThat(rows.get(0).getString("last_error")).isEqualTo("push not configured for apns");
                JsonObject payload = new JsonObject(rows.get(0).getString("payload"));
                assertThat(payload.getString("userId")).isEqualTo(bob.id().toString());
                assertThat(payload.getString("watchId")).isEqualTo(watch);
            });

            // One-shot: Bob going away and coming back fires nothing more.
            setAvailability(bob, "offline", mobile);
            setAvailability(bob, "available", mobile);
            laptop.assertNoneFor(Duration.ofSeconds(1), frame -> "watch_fired".equals(frame.getString("type")));
            assertThat(outbox(device)).hasSize(1);
        }
    }

    @Test
    void watchingSomeoneWhoIsAvailableAlreadyFiresAtOnce() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        setAvailability(bob, "available_for_colleagues", Fixtures.fixedDestination(org, bob.id(), "+31612345678"));
        try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
            socket.next("snapshot");
            Response created = as(anna.token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches");
            created.then().statusCode(201);
            assertThat(created.jsonPath().getString("firedAt")).isNotNull();
            assertThat(socket.next("watch_fired").getString("userId")).isEqualTo(bob.id().toString());
            assertThat(as(anna.token()).get("/api/me/watches").then().extract().jsonPath().getList("items")).isEmpty();
        }
    }

    private static void setAvailability(TestUser user, String status, UUID fixedDestination) {
        as(user.token()).body(Map.of("status", status, "destination", Map.of("type", "fixed_destination", "id", fixedDestination.toString())))
                .put("/api/me/availability").then().statusCode(200);
    }

    private List<Row> outbox(String device) {
        List<Row> rows = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT state, attempts, last_error, payload FROM push_outbox WHERE push_device_id = $1")
                .execute(Tuple.of(UUID.fromString(device))).await().atMost(Duration.ofSeconds(5)).forEach(rows::add);
        return rows;
    }
}
