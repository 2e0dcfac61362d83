package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The retry schedule both outboxes use ({@link OutboxLoop#backoff}), with the production defaults of
 * webhooks (5 s, doubling, at most 1 h): a table with the random factor given, then the random
 * version's bounds.
 */
class OutboxBackoffTest {

    private static final Duration INITIAL = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofHours(1);

    @ParameterizedTest(name = "attempt {0}, jitter {1}, Retry-After {2} s -> {3} ms")
    @CsvSource(nullValues = "-", value = {
        // attempts, jitter, Retry-After (s), expected (ms)
        // doubling from the initial value, without jitter
        "1,   1.0, -,     5000",
        "2,   1.0, -,    10000",
        "3,   1.0, -,    20000",
        "4,   1.0, -,    40000",
        "10,  1.0, -,  2560000",
        // capped at max from the 11th attempt on (5 s × 2^10 = 5120 s > 3600 s), also far beyond (no overflow)
        "11,  1.0, -,  3600000",
        "12,  1.0, -,  3600000",
        "1000, 1.0, -, 3600000",
        // no attempt yet counts as the first
        "0,   1.0, -,     5000",
        // ±20 % jitter around the (capped) value
        "1,   0.8, -,     4000",
        "1,   1.2, -,     6000",
        "3,   0.8, -,    16000",
        "3,   1.2, -,    24000",
        "20,  0.8, -,  2880000",
        "20,  1.2, -,  4320000",
        // a longer Retry-After is honoured, a shorter one changes nothing
        "1,   1.0, 30,   30000",
        "1,   1.2, 5,     6000",
        "3,   0.8, 17,   17000",
        "3,   0.8, 15,   16000",
        // a Retry-After beyond max is capped at max
        "1,   1.0, 86400, 3600000",
        "2,   0.8, 7200,  3600000",
        // and never makes the delay shorter than the backoff alone (jitter above the cap)
        "20,  1.1, 7200,  3960000",
    })
    void followsTheSchedule(int attempts, double jitter, Long retryAfterSeconds, long expectedMillis) {
        Duration retryAfter = retryAfterSeconds == null ? null : Duration.ofSeconds(retryAfterSeconds);
        assertThat(OutboxLoop.backoff(attempts, INITIAL, MAX, retryAfter, jitter)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @Test
    void theRandomFactorStaysWithinTwentyPercentAndSpreadsTheRetries() {
        for (int attempts = 1; attempts <= 14; attempts++) {
            long capped = Math.min(5000L << (attempts - 1), MAX.toMillis());
            long lowest = Long.MAX_VALUE;
            long highest = Long.MIN_VALUE;
            for (int i = 0; i < 2000; i++) {
                long millis = OutboxLoop.backoff(attempts, INITIAL, MAX, null).toMillis();
                assertThat(millis).as("attempt %d", attempts).isBetween((long) (capped * 0.8), (long) (capped * 1.2));
                lowest = Math.min(lowest, millis);
                highest = Math.max(highest, millis);
            }
            // 2,000 draws cover most of the range: endpoints that failed together do not retry together
            assertThat(highest - lowest).as("attempt %d", attempts).isGreaterThan((long) (capped * 0.3));
        }
    }

    @Test
    void aRetryAfterBeyondMaxWaitsExactlyMax() {
        for (int i = 0; i < 2000; i++) {
            Duration delay = OutboxLoop.backoff(1, INITIAL, MAX, Duration.ofHours(5));
            assertThat(delay).isEqualTo(MAX);
        }
    }
}
