package dev.switchboard.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.common.RateLimitedException;
import io.quarkus.scheduler.Scheduled;

/**
 * Fixed one-minute windows of login attempts per email and per client address, kept in memory
 * per replica (a guess-a-password attack across N replicas gets N times the budget at most).
 */
@ApplicationScoped
public class LoginRateLimiter {

    private static final long WINDOW_MILLIS = Duration.ofMinutes(1).toMillis();

    private final int perEmail;
    private final int perAddress;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public LoginRateLimiter(
            @ConfigProperty(name = "switchboard.auth.login.per-email-per-minute", defaultValue = "10") int perEmail,
            @ConfigProperty(name = "switchboard.auth.login.per-address-per-minute", defaultValue = "300") int perAddress) {
        this.perEmail = perEmail;
        this.perAddress = perAddress;
    }

    /** Counts one attempt; throws when either budget for this minute is spent. */
    public void attempt(String identity, String address) {
        long now = System.currentTimeMillis();
        if (address != null) {
            check("address:" + address, perAddress, now);
        }
        check("login:" + identity.toLowerCase(Locale.ROOT), perEmail, now);
    }

    private void check(String key, int limit, long now) {
        Window window = windows.compute(key, (k, w) -> w == null || now - w.start >= WINDOW_MILLIS ? new Window(now) : w);
        if (window.count.incrementAndGet() > limit) {
            long retryAfter = (window.start + WINDOW_MILLIS - now + 999) / 1000;
            throw new RateLimitedException("Too many login attempts; try again in " + retryAfter + " s.", retryAfter);
        }
    }

    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetOldWindows() {
        long now = System.currentTimeMillis();
        windows.values().removeIf(w -> now - w.start >= WINDOW_MILLIS);
    }

    private static final class Window {
        final long start;
        final AtomicInteger count = new AtomicInteger();

        Window(long start) {
            this.start = start;
        }
    }
}
