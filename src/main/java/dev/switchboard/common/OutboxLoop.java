package dev.switchboard.common;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * The delivery loop every durable outbox shares (push notifications, webhooks). The outbox itself
 * is a table written in the writer's transaction; its owner supplies how to claim due rows (with a
 * lease, so a replica dying mid-send frees them once it ends), how to deliver one and record the
 * outcome, and how to prune. This class runs the rounds: one at a time per replica, again at once
 * while batches come back full or a {@link #poke} arrived meanwhile, pruning at most once a minute,
 * and every failure of a round logged and left to the next one; none starts once shutdown has
 * begun. {@link #backoff} is the retry schedule both use.
 *
 * @param <R> a claimed row
 */
public final class OutboxLoop<R> {

    private static final long PRUNE_EVERY_MILLIS = 60_000;

    private final String name;
    private final Logger log;
    private final int batchSize;
    private final Supplier<Uni<List<R>>> claim;
    private final Function<R, Uni<Void>> deliver;
    private final Supplier<Uni<Void>> prune;
    private final OrderlyShutdown shutdown;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile long lastPrune;

    /**
     * @param name    for the log ("Push outbox", "Webhook outbox")
     * @param claim   claims at most {@code batchSize} due rows and takes a lease on them
     * @param deliver sends one row outside any transaction and records its outcome; never fails for a
     *                delivery that went wrong (that is an outcome), only when recording it failed
     * @param prune   deletes settled rows past their retention
     * @param shutdown  stops the rounds at shutdown
     */
    public OutboxLoop(String name, Logger log, int batchSize, Supplier<Uni<List<R>>> claim, Function<R, Uni<Void>> deliver,
            Supplier<Uni<Void>> prune, OrderlyShutdown shutdown) {
        this.name = name;
        this.log = log;
        this.batchSize = batchSize;
        this.claim = claim;
        this.deliver = deliver;
        this.prune = prune;
        this.shutdown = shutdown;
    }

    /** Something was queued (or the bus came back): look now instead of at the next interval. */
    public void poke() {
        round().subscribe().with(ignored -> { }, failure -> log.warnf("%s round failed: %s", name, failure.toString()));
    }

    /**
     * Delivers what is due, and goes again at once while batches come back full or a poke arrived
     * meanwhile. One round at a time: a poke or a scheduled round during one only asks it to go again.
     * Never fails. Nothing once shutdown has begun ({@link OrderlyShutdown}).
     */
    public Uni<Void> round() {
        return shutdown.run(this::roundNow);
    }

    private Uni<Void> roundNow() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().voidItem();
        }
        again.set(false);
        return pruneNow().flatMap(ignored -> claim.get()).flatMap(this::deliverAll)
                .onItemOrFailure().transformToUni((claimed, failure) -> {
                    running.set(false);
                    if (failure != null) {
                        log.logf(shutdown.failureLevel(), "%s round failed (will retry): %s", name, failure.toString());
                        return Uni.createFrom().voidItem();
                    }
                    return claimed >= batchSize || again.getAndSet(false) ? round() : Uni.createFrom().voidItem();
                });
    }

    private Uni<Integer> deliverAll(List<R> claimed) {
        if (claimed.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Void>> deliveries = claimed.stream().map(row -> deliver.apply(row)
                .onFailure().invoke(failure -> log.logf(shutdown.failureLevel(),
                        "%s: recording an outcome failed (the lease frees the row): %s", name, failure.toString())))
                .toList();
        return Uni.join().all(deliveries).andCollectFailures().replaceWith(claimed.size())
                .onFailure().recoverWithItem(claimed.size());
    }

    private Uni<Void> pruneNow() {
        long now = System.currentTimeMillis();
        if (now - lastPrune < PRUNE_EVERY_MILLIS) {
            return Uni.createFrom().voidItem();
        }
        lastPrune = now;
        return prune.get().onFailure().recoverWithUni(failure -> {
            log.debugf("%s prune failed: %s", name, failure.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * initial × 2^(attempt−1), capped at {@code max}, ±20 % jitter (so endpoints that failed together
     * do not retry together); never sooner than a Retry-After the receiver asked for (itself capped).
     */
    public static Duration backoff(int attempts, Duration initial, Duration max, Duration retryAfter) {
        return backoff(attempts, initial, max, retryAfter, ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    }

    /**
     * {@link #backoff(int, Duration, Duration, Duration)} with its random factor given: the delay is
     * the capped value times {@code jitter} (drawn from [0.8, 1.2)), or the receiver's Retry-After
     * (capped at {@code max}) when that is longer. A pure function, for the tests.
     */
    static Duration backoff(int attempts, Duration initial, Duration max, Duration retryAfter, double jitter) {
        double base = initial.toMillis() * Math.pow(2, Math.min(30, Math.max(0, attempts - 1)));
        double capped = Math.min(base, max.toMillis());
        long millis = (long) (capped * jitter);
        if (retryAfter != null) {
            // capped, it may fall below a jittered delay at the cap: then that delay stands
            millis = Math.max(millis, Math.min(retryAfter.toMillis(), max.toMillis()));
        }
        return Duration.ofMillis(millis);
    }

    /** An error text fitted to the outboxes' {@code varchar(500)} columns. */
    public static String truncate(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 497) + "...";
    }
}
