package dev.switchboard.webhook;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Webhooks to a loopback receiver (allow-insecure) with a fast schedule: the "failing for
 * 24 h" is shortened here to seconds by configuration (a real 30-second outage outlasts this
 * retry-for: {@link WebhookOutageTestProfile}). disable-after exceeds retry-for so that a failing
 * endpoint first dead-letters a delivery, then is disabled.
 */
public class WebhookTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "switchboard.webhooks.allow-insecure", "true",
                "switchboard.webhooks.interval", "1S",
                "switchboard.webhooks.initial-backoff", "200ms",
                "switchboard.webhooks.max-backoff", "1S",
                "switchboard.webhooks.retry-for", "8S",
                "switchboard.webhooks.disable-after", "10S",
                "switchboard.webhooks.timeout", "3S",
                "switchboard.webhooks.lease", "10S");
    }
}
