package dev.switchboard.webhook;

import static dev.switchboard.support.TestApi.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import dev.switchboard.webhook.WebhookReceiver.Received;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Issue 16's "the receiver down for 30 s, then back": its server socket really closed (connecting is
 * refused) for 30 s by the clock while events happen, then listening again on the same port. Every
 * event arrives, in seq order, each once, under its own webhook-id; meanwhile the admin saw the
 * failed attempts in the deliveries log. Backoff and retry-for from {@link WebhookOutageTestProfile}.
 */
@QuarkusTest
@TestProfile(WebhookOutageTestProfile.class)
class WebhookOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    private static void setStatus(TestUser user, String status) {
        as(user.token()).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
    }

    private static List<Map<String, Object>> log(TestUser admin, String id) {
        return as(admin.token()).get("/api/orgs/" + admin.orgId() + "/webhooks/" + id + "/deliveries?limit=100").then()
                .statusCode(200).extract().path("items");
    }

    private static List<Map<String, Object>> failures(TestUser admin, String id) {
        return log(admin, id).stream().filter(item -> "retrying".equals(item.get("outcome"))).toList();
    }

    private static Duration since(Instant start) {
        return Duration.between(start, Instant.now());
    }

    @Test
    void aReceiverDownForThirtySecondsGetsEveryEventInOrderOnceItIsBack() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser user = TestApi.user(org);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Response created = as(admin.token()).body(Map.of("url", receiver.url("/outage"), "events",
                    List.of("presence.changed", "status.changed"))).post("/api/orgs/" + org + "/webhooks");
            created.then().statusCode(201);
            String secret = created.path("secret");
            String id = created.path("id");
            // up: the first change arrives (and the sender holds a kept-alive connection to it)
            setStatus(user, "do_not_disturb");
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() >= 2);
            long before = receiver.accepted().get(1).seq();

            receiver.stop();
            Instant down = Instant.now();
            List<String> statuses = List.of("available", "offline", "available_for_colleagues", "do_not_disturb", "available");
            statuses.subList(0, 3).forEach(status -> setStatus(user, status));
            // the service keeps trying, and the admin sees every refused attempt
            await().atMost(Duration.ofSeconds(15)).until(() -> failures(admin, id).size() >= 3);
            statuses.subList(3, 5).forEach(status -> setStatus(user, status));
            // down for 30 s by the clock, failures logged all along
            await().atMost(OUTAGE.plusSeconds(15)).pollInterval(Duration.ofMillis(500))
                    .until(() -> since(down).compareTo(OUTAGE) >= 0);
            assertThat(receiver.all()).hasSize(2);
            List<Map<String, Object>> failed = failures(admin, id);
            assertThat(failed).hasSizeGreaterThanOrEqualTo(6).allSatisfy(item -> {
                assertThat(item.get("statusCode")).isNull();
                assertThat((String) item.get("error")).containsIgnoringCase("refused");
            });
            // one delivery at a time: every failure is the head, the first event after the last delivered one
            assertThat(failed).extracting(item -> item.get("messageId")).containsOnly(failed.get(0).get("messageId"));
            assertThat(failed).extracting(item -> item.get("attempt")).doesNotHaveDuplicates();
            Instant lastFailure = Instant.parse((String) failed.get(0).get("at"));
            assertThat(Duration.between(down, lastFailure)).as("still tried late in the outage").isGreaterThan(Duration.ofSeconds(20));
            assertThat(log(admin, id)).filteredOn(item -> "delivered".equals(item.get("outcome"))).hasSize(2);

            receiver.start();
            Instant up = Instant.now();
            int expected = 2 + 2 * statuses.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() >= expected);
            Duration recovery = since(up);

            List<Received> after = receiver.accepted().subList(2, receiver.accepted().size());
            assertThat(after).hasSize(2 * statuses.size());
            // in order: by seq, and a change's presence.changed before its status.changed
            assertThat(after).extracting(Received::type).containsExactlyElementsOf(
                    statuses.stream().flatMap(s -> List.of("presence.changed", "status.changed").stream()).toList());
            assertThat(after).extracting(Received::seq).isSorted();
            assertThat(after).filteredOn(r -> r.type().equals("status.changed"))
                    .extracting(r -> r.json().getJsonObject("data").getString("status")).containsExactlyElementsOf(statuses);
            // none lost: every presence event of the org's stream in the outage, none twice
            List<Long> streamed = as(admin.token()).get("/api/orgs/" + org + "/presence/events?since=" + before).then()
                    .statusCode(200).extract().<List<Map<String, Object>>>path("events").stream()
                    .filter(frame -> "presence".equals(frame.get("type"))).map(frame -> ((Number) frame.get("seq")).longValue())
                    .toList();
            assertThat(after).filteredOn(r -> r.type().equals("presence.changed")).extracting(Received::seq)
                    .containsExactlyElementsOf(streamed);
            // each event under its own webhook-id; the retried one kept its id through every attempt
            assertThat(after).extracting(Received::id).doesNotHaveDuplicates();
            assertThat(after.get(0).id()).isEqualTo(failed.get(0).get("messageId"));
            for (Received event : after) {
                event.verify(secret);
            }
            List<Map<String, Object>> afterLog = log(admin, id);
            Set<Object> deliveredIds = afterLog.stream().filter(item -> "delivered".equals(item.get("outcome")))
                    .map(item -> item.get("messageId")).collect(Collectors.toSet());
            assertThat(deliveredIds).containsAll(after.stream().map(Received::id).toList());
            assertThat(afterLog).extracting(item -> item.get("outcome")).doesNotContain("dead");
            // back within the capped backoff (5 s, +20 % jitter), then the backlog went back to back
            assertThat(recovery).isLessThan(Duration.ofSeconds(15));
        }
    }
}
