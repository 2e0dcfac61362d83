package dev.switchboard.push;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service pointed at {@link FakePushProviders} (FCM + APNs configured), with an outbox that
 * retries quickly so retry and dead-letter behaviour fits in a test.
 */
public class PushProvidersProfile implements QuarkusTestProfile {

    static Map<String, String> fastOutbox() {
        Map<String, String> config = new HashMap<>();
        config.put("switchboard.push.outbox.interval", "200ms");
        config.put("switchboard.push.outbox.initial-backoff", "250ms");
        config.put("switchboard.push.outbox.max-backoff", "1500ms");
        config.put("switchboard.push.outbox.max-attempts", "8");
        config.put("switchboard.push.public-base-url", "https://switchboard.test");
        return config;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return fastOutbox();
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakePushProviders.class));
    }
}
