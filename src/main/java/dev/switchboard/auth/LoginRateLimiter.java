package dev.switchboard.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.account.Emails;
import dev.switchboard.common.RateLimitedException;
import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * Fixed one-minute windows of login attempts per email (or platform client) and per client
 * address, kept in memory per replica (a guess-a-password attack across N replicas gets N times
 * the budget at most).
 *
 * <p>Memory is bounded whatever the input: a window is keyed by a 64-bit keyed hash (HMAC-SHA256
 * with a random per-process key, so nobody can make two emails collide on purpose), never by the
 * string, and the table holds at most {@code max-tracked-keys} windows. When it is full, expired
 * windows are dropped; if that frees too little, windows that have not reached their limit are
 * dropped too (they hold the least evidence; a limited key stays limited). If every window is a
 * live, limited one, a new key is not tracked and its attempt goes ahead: a flood of distinct
 * emails can never lock out anybody else. Full passes run at most once a second.
 */
@ApplicationScoped
public class LoginRateLimiter {

    private static final Logger LOG = Logger.getLogger(LoginRateLimiter.class);
    private static final long WINDOW_MILLIS = Duration.ofMinutes(1).toMillis();
    private static final long SWEEP_INTERVAL_MILLIS = 1_000;

    private final int perEmail;
    private final int perAddress;
    private final int maxKeys;
    private final ConcurrentHashMap<Long, Window> windows = new ConcurrentHashMap<>();
    private final byte[] hashKey = new byte[32];
    private final ThreadLocal<Mac> macs;
    private final AtomicLong lastSweep = new AtomicLong();
    private final AtomicLong lastFullWarning = new AtomicLong();

    public LoginRateLimiter(SwitchboardConfig config) {
        SwitchboardConfig.Auth.Login login = config.auth().login();
        this.perEmail = login.perEmailPerMinute();
        this.perAddress = login.perAddressPerMinute();
        this.maxKeys = Math.max(1, login.maxTrackedKeys());
        new SecureRandom().nextBytes(hashKey);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** Counts one attempt from this client address (null: unknown, not counted); throws when its budget is spent. */
    public void attemptFrom(String address) {
        if (address != null) {
            check("address:" + address, perAddress, System.currentTimeMillis());
        }
    }

    /**
     * Counts one attempt for this email, in its canonical form ({@link Emails#canonical}) and
     * already checked to be of bounded length. Throws when its budget for this minute is spent.
     */
    public void attemptForEmail(String canonicalEmail) {
        check("email:" + canonicalEmail, perEmail, System.currentTimeMillis());
    }

    /** The same for a platform client id (its own key space: no email can spend a client's budget). */
    public void attemptForClient(String clientId) {
        check("client:" + clientId, perEmail, System.currentTimeMillis());
    }

    private void check(String key, int limit, long now) {
        long hashed = hash(key);
        Window window = windows.get(hashed);
        if (window == null && windows.size() >= maxKeys && !makeRoom(now)) {
            warnFull(now);
            return; // untracked: see the class comment
        }
        window = windows.compute(hashed, (k, w) -> w == null || now - w.start >= WINDOW_MILLIS ? new Window(now, limit) : w);
        if (window.count.incrementAndGet() > limit) {
            long retryAfter = (window.start + WINDOW_MILLIS - now + 999) / 1000;
            throw new RateLimitedException("Too many login attempts; try again in " + retryAfter + " s.", retryAfter);
        }
    }

    /** True when there is room for one more window now. */
    private boolean makeRoom(long now) {
        long last = lastSweep.get();
        if (now - last >= SWEEP_INTERVAL_MILLIS && lastSweep.compareAndSet(last, now)) {
            windows.values().removeIf(w -> now - w.start >= WINDOW_MILLIS);
            if (windows.size() > maxKeys - maxKeys / 10) {
                windows.values().removeIf(w -> w.count.get() <= w.limit);
            }
        }
        return windows.size() < maxKeys;
    }

    private void warnFull(long now) {
        long last = lastFullWarning.get();
        if (now - last >= WINDOW_MILLIS && lastFullWarning.compareAndSet(last, now)) {
            LOG.warnf("Login rate limiter is full (%d keys): attempts whose email or address is not tracked yet are not limited until room is made", maxKeys);
        }
    }

    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetOldWindows() {
        long now = System.currentTimeMillis();
        windows.values().removeIf(w -> now - w.start >= WINDOW_MILLIS);
    }

    private long hash(String key) {
        byte[] digest = macs.get().doFinal(key.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest).getLong();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static final class Window {
        final long start;
        final int limit;
        final AtomicInteger count = new AtomicInteger();

        Window(long start, int limit) {
            this.start = start;
            this.limit = limit;
        }
    }
}
