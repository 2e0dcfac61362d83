package dev.switchboard.presence;

/**
 * A token bucket per connection: {@code rate} commands a second with bursts up to {@code burst}.
 * Used by one socket's message callbacks, which PresenceSocket runs one at a time.
 */
final class CommandRateLimiter {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    CommandRateLimiter(double ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.burst = burst;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
