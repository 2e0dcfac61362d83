package dev.switchboard.history;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.common.OrderlyShutdown;
import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the history to {@code switchboard.history.retention}: a job of the Quarkus scheduler on
 * every replica, each deleting claimed rows ({@code FOR UPDATE SKIP LOCKED}), so however many
 * replicas prune at once, each old item is deleted once and none is waited for.
 */
@ApplicationScoped
public class HistoryRetention {

    private static final Logger LOG = Logger.getLogger(HistoryRetention.class);
    private static final int BATCH = 1000;
    /** At most this many batches per round; the rest waits for the next round. */
    private static final int MAX_BATCHES = 100;

    private final HistoryStore store;
    private final Duration retention;
    private final OrderlyShutdown shutdown;
    private final AtomicBoolean running = new AtomicBoolean();

    public HistoryRetention(HistoryStore store, SwitchboardConfig config, OrderlyShutdown shutdown) {
        this.store = store;
        this.shutdown = shutdown;
        this.retention = config.history().retention();
    }

    @Scheduled(identity = "history-retention", every = "${switchboard.history.prune-interval}",
            concurrentExecution = ConcurrentExecution.SKIP)
    Uni<Void> scheduledPrune() {
        return shutdown.run(() -> prune().onFailure().recoverWithItem(failure -> {
            LOG.logf(shutdown.failureLevel(), "History pruning failed (will retry): %s", failure.toString());
            return 0;
        }).replaceWithVoid());
    }

    /** Deletes items older than the retention now; answers how many (0 when a round is already running here). */
    public Uni<Integer> prune() {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().item(0);
        }
        return batches(0, 0).onTermination().invoke(() -> running.set(false));
    }

    private Uni<Integer> batches(int done, int rounds) {
        return store.prune(retention, BATCH).flatMap(deleted -> deleted == BATCH && rounds + 1 < MAX_BATCHES
                ? batches(done + deleted, rounds + 1)
                : Uni.createFrom().item(done + deleted));
    }
}
