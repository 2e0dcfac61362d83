package dev.switchboard.webhook;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Webhooks to a loopback receiver with a schedule that outlasts a real 30-second outage: backoff
 * from 1 s doubling to at most 5 s (so a receiver that is back is tried again within about 6 s),
 * nothing dead-lettered for 3 minutes nor disabled for 5. {@link WebhookTestProfile}'s seconds
 * would dead-letter within the outage.
 */
public class WebhookOutageTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "switchboard.webhooks.allow-insecure", "true",
                "switchboard.webhooks.interval", "1S",
                "switchboard.webhooks.initial-backoff", "1S",
                "switchboard.webhooks.max-backoff", "5S",
                "switchboard.webhooks.retry-for", "3M",
                "switchboard.webhooks.disable-after", "5M",
                "switchboard.webhooks.timeout", "3S",
                "switchboard.webhooks.lease", "10S");
    }
}
