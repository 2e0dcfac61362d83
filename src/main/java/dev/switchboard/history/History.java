package dev.switchboard.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;


import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Where features record what happened to a user. Two ways in:
 * <ul>
 * <li>{@link #write}: in the caller's transaction, one statement for all its items: for changes
 * that are themselves written in a transaction (status, destination, DND, registration), so the
 * item exists exactly when the change does;</li>
 * <li>{@link #record}: queued and written within about {@value #FLUSH_DELAY_MS} ms by one
 * multi-row INSERT on a connection of its own: for paths that must not wait for it (a route is
 * one read-only statement; call events). Accepted risk: a crash loses what is still queued, and
 * items beyond {@code switchboard.history.max-queued} (a database outage) are dropped. Each batch
 * is written in a transaction with what the {@link HistoryObserver}s add to it.</li>
 * </ul>
 */
@ApplicationScoped
public class History {

    private static final Logger LOG = Logger.getLogger(History.class);
    static final long FLUSH_DELAY_MS = 100;
    /** Items per INSERT; a fuller queue is written in several, one after the other. */
    private static final int BATCH = 500;
    private static final long RETRY_DELAY_MS = 1000;

    private final HistoryStore store;
    private final Vertx vertx;
    private final int maxQueued;
    private final Queue<HistoryItem> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final List<HistoryObserver> observers;

    public History(HistoryStore store, Vertx vertx, SwitchboardConfig config,
            Instance<HistoryObserver> observers) {
        this.store = store;
        this.observers = observers.stream().toList();
        this.vertx = vertx;
        this.maxQueued = config.history().maxQueued();
    }

    /** Writes the items in the caller's transaction (one statement; none when there are none). */
    public Uni<Void> write(List<HistoryItem> items) {
        return items.isEmpty() ? Uni.createFrom().voidItem() : store.insertInTransaction(items);
    }

    public Uni<Void> write(HistoryItem item) {
        return write(List.of(item));
    }

    /** Queues the item; it is written shortly, off the caller's path. Never fails, never waits. */
    public void record(HistoryItem item) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            if (dropped.getAndIncrement() % 1000 == 0) {
                LOG.warnf("History queue full (%d items): dropping new items (%d so far)", maxQueued, dropped.get());
            }
            return;
        }
        queue.add(item);
        scheduleFlush(FLUSH_DELAY_MS);
    }

    /**
     * A routing decision about the user, as the platform got it ({@code decision}'s answer is
     * serialized as the API sends it, when the item is written), {@code from} the calling number.
     */
    public void routed(Actor actor, UUID orgId, UUID userId, String from, HistoryItem.Decision decision) {
        record(HistoryItem.decision(actor, orgId, userId, from, decision));
    }

    private void scheduleFlush(long delayMs) {
        if (flushScheduled.compareAndSet(false, true)) {
            // Vert.x refuses a timer under 1 ms (it threw, and the flag stayed set: no flush ever again).
            vertx.setTimer(Math.max(1, delayMs), id -> {
                flushScheduled.set(false);
                flush();
            });
        }
    }

    /** One batch at a time; the next goes as soon as this one is written. */
    private void flush() {
        if (!flushing.compareAndSet(false, true)) {
            return; // the running flush looks at the queue again when it is done
        }
        List<HistoryItem> batch = take();
        if (batch.isEmpty()) {
            flushing.set(false);
            return;
        }
        store.insert(batch, observers).subscribe().with(ignored -> {
            flushing.set(false);
            if (!queue.isEmpty()) {
                scheduleFlush(1); // what came while this batch was written: at once
            }
        }, failure -> {
            // Typically the database is unreachable: keep the items (within the bound) and retry.
            batch.forEach(this::requeue);
            flushing.set(false);
            LOG.warnf("Could not write %d history item(s), will retry: %s", batch.size(), failure.toString());
            scheduleFlush(RETRY_DELAY_MS);
        });
    }

    private List<HistoryItem> take() {
        List<HistoryItem> batch = new ArrayList<>();
        HistoryItem item;
        while (batch.size() < BATCH && (item = queue.poll()) != null) {
            queued.decrementAndGet();
            batch.add(item);
        }
        return batch;
    }

    private void requeue(HistoryItem item) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.add(item);
    }

    /** Shutting down: write what is queued, for a moment at most (a replica going away loses nothing normally). */
    void stop(@Observes ShutdownEvent event) {
        try {
            List<HistoryItem> batch;
            while (!(batch = take()).isEmpty()) {
                store.insert(batch, observers).await().atMost(Duration.ofSeconds(2));
            }
        } catch (RuntimeException e) {
            LOG.warnf("History items queued at shutdown were not written: %s", e.toString());
        }
    }
}
