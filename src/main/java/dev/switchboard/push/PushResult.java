package dev.switchboard.push;

import java.time.Duration;

/** How a provider answered one push. Senders never fail their Uni: every outcome is one of these. */
sealed interface PushResult {

    /** Accepted by the provider. */
    record Delivered() implements PushResult {
    }

    /** The provider says the token is dead (unregistered / invalid): the device is removed. */
    record Stale(String reason) implements PushResult {
    }

    /** Worth trying again later (outage, throttling, network, credentials being refreshed). */
    record Retry(String reason, Duration retryAfter) implements PushResult {
    }

    /** Will not succeed by retrying (the request itself was refused). */
    record Failed(String reason) implements PushResult {
    }

    /** No credentials for this provider are configured on this service. */
    record NotConfigured(String platform) implements PushResult {
    }

    default String describe() {
        if (this instanceof Stale stale) {
            return "token no longer valid: " + stale.reason();
        }
        if (this instanceof Retry retry) {
            return retry.reason();
        }
        if (this instanceof Failed failed) {
            return failed.reason();
        }
        if (this instanceof NotConfigured none) {
            return "push not configured for " + none.platform();
        }
        return "delivered";
    }
}
