package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code presence-client.js} in the browser against a scripted fake server
 * (src/test/resources/web/presence-client-scenarios.js): the protocol situations a live server
 * does not produce on demand — a seq gap, a silent connection, each close code, token expiry —
 * checked exactly. The live behaviour is covered by {@link PresencePageBrowserTest}.
 */
@QuarkusTest
class PresenceClientScenarioTest {

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void needsABrowser() {
        Browser.assumeInstalled();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theClientFollowsTheProtocolInEverySituation() throws IOException {
        String script;
        try (InputStream in = getClass().getResourceAsStream("/web/presence-client-scenarios.js")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> report;
        try (Browser browser = Browser.desktop(1024, 768)) {
            browser.driver.get(base.toString()); // the sign-in page: same origin as the client
            browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
            Map<String, Object> answer = (Map<String, Object>) browser.driver.executeAsyncScript(script);
            assertThat(answer.get("failure")).as("scenario script failure").isNull();
            report = (Map<String, Object>) answer.get("report");
        }

        Map<String, Object> gap = (Map<String, Object>) report.get("gap");
        assertThat(gap.get("firstQuery")).isEqualTo(Map.of("ticket", "ticket-1")); // a ticket, no since, no device
        assertThat(gap.get("stateBeforeSnapshot")).as("open only once the first frame is in").isEqualTo("connecting");
        assertThat(gap.get("stateAfterSnapshot")).isEqualTo("open");
        assertThat(gap.get("afterDiff")).isEqualTo(List.of(11L, "do_not_disturb"));
        assertThat(gap.get("afterDuplicate")).as("a seq already applied is ignored").isEqualTo(List.of(11L, "do_not_disturb"));
        assertThat(gap.get("closedOnGap")).as("seq 13 after 11: drop and resume").isEqualTo(4000L);
        assertThat(gap.get("afterGap")).as("the frame after a gap is not applied").isEqualTo(List.of(11L, "do_not_disturb"));
        assertThat(gap.get("resumeQuery")).isEqualTo(Map.of("ticket", "ticket-2", "since", "11"));
        assertThat(gap.get("afterResume")).isEqualTo(List.of(15L, "busy", 2L));
        assertThat(gap.get("states")).isEqualTo(List.of("connecting", "open", "reconnecting", "open"));
        assertThat(gap.get("closedOnDisconnect")).isEqualTo(1000L);
        assertThat(gap.get("finalState")).isEqualTo("offline");

        Map<String, Object> commands = (Map<String, Object>) report.get("commands");
        assertThat(commands.get("whileNotConnected")).isEqualTo("not_connected");
        List<Map<String, Object>> sent = (List<Map<String, Object>>) commands.get("sent");
        assertThat(sent.get(0)).containsEntry("status", "do_not_disturb").containsEntry("until", "2030-01-01T14:00:00.000Z")
                .doesNotContainKey("destination");
        assertThat(sent.get(1)).containsEntry("destination", null).doesNotContainKeys("status", "until");
        assertThat(sent.get(0).get("id")).isNotEqualTo(sent.get(1).get("id"));
        assertThat(commands.get("first")).as("resolved by its own ack").isEqualTo("acked");
        assertThat(commands.get("second")).as("rejected by its own error").isEqualTo("validation: destination is not yours");
        assertThat(commands.get("silent")).isEqualTo("timeout");
        assertThat(commands.get("dropped")).isEqualTo("disconnected");

        Map<String, Object> backoff = (Map<String, Object>) report.get("backoff");
        List<Long> delays = (List<Long>) backoff.get("delays");
        // Attempt n waits between half and all of min(160, 20 × 2^(n-1)) ms in this scenario's settings.
        long[][] bounds = { { 10, 20 }, { 20, 40 }, { 40, 80 }, { 80, 160 }, { 80, 160 } };
        for (int i = 0; i < bounds.length; i++) {
            assertThat(delays.get(i)).as("delay of attempt %d", i + 1).isBetween(bounds[i][0], bounds[i][1]);
        }
        assertThat(backoff.get("codes")).isEqualTo(List.of(1001L, 1006L, 1006L, 1006L, 1006L));
        assertThat(backoff.get("since")).as("every retry resumes").isEqualTo("5");
        assertThat(backoff.get("stateAfterRecovery")).isEqualTo("open");
        assertThat((Long) backoff.get("delayAfterRecovery")).as("a live connection resets the backoff").isBetween(10L, 20L);

        Map<String, Object> heartbeat = (Map<String, Object>) report.get("heartbeat");
        assertThat(heartbeat.get("socketsWhileAnswered")).isEqualTo(1L);
        assertThat((Long) heartbeat.get("pings")).isGreaterThanOrEqualTo(3L);
        assertThat(heartbeat.get("closedWith")).isEqualTo(4000L);
        assertThat(heartbeat.get("reason")).isEqualTo("no answer to ping");
        assertThat(heartbeat.get("since")).isEqualTo("3");

        Map<String, Object> superseded = (Map<String, Object>) report.get("superseded");
        assertThat(superseded.get("sockets")).as("an attempt overtaken by setDevice opens no socket").isEqualTo(1L);
        assertThat((Map<String, Object>) superseded.get("query")).containsEntry("device", "webphone-9");

        Map<String, Object> stops = (Map<String, Object>) report.get("stops");
        assertThat((Map<String, Object>) stops.get("deleted")).containsEntry("state", "offline").containsEntry("sockets", 1L);
        assertThat((Map<String, Object>) ((Map<String, Object>) stops.get("deleted")).get("error"))
                .containsEntry("code", "account_removed").containsEntry("closeCode", 4403L);
        assertThat((Map<String, Object>) stops.get("deviceQuery")).containsEntry("device", "webphone-1");
        Map<String, Object> policy = (Map<String, Object>) stops.get("policy");
        assertThat(policy).containsEntry("state", "offline").containsEntry("sockets", 1L);
        assertThat((List<Map<String, Object>>) policy.get("errors")).last()
                .satisfies(error -> assertThat(error).containsEntry("code", "forbidden").containsEntry("closeCode", 1008L)
                        .containsEntry("message", "device must be your own webphone or app account"));
        assertThat((Map<String, Object>) stops.get("renewed")).containsEntry("asked", 1L).containsEntry("since", "20")
                .containsEntry("lastTicketAuth", "Bearer renewed-token");
        assertThat((Map<String, Object>) stops.get("relogin")).containsEntry("since", "30").containsEntry("logins", 2L)
                .containsEntry("token", "relogin-2");
        assertThat((Map<String, Object>) stops.get("expired")).containsEntry("state", "offline").containsEntry("token", null)
                .containsEntry("sockets", 1L);
        assertThat((Map<String, Object>) stops.get("ticketRefused")).containsEntry("state", "offline").containsEntry("sockets", 0L);
    }
}
