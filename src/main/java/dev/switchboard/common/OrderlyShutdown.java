package dev.switchboard.common;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * How the service's own work ends on SIGTERM, so that a rolling restart logs no WARN or ERROR.
 *
 * <p>Background rounds (presence timers, outbox loops, lease renewal, history pruning) each go
 * through {@link #run}. At {@link ShutdownEvent} no new round starts and the running ones get a
 * moment to finish before Quarkus closes the database pools; a round cut anyway fails on the
 * closed pool, and its owner logs that at {@link #failureLevel()}: DEBUG once stopping.
 *
 * <p>Requests: once shutdown has begun, Quarkus closes the HTTP server when its shutdown timeout
 * ends, and a request still running then is cancelled mid-transaction; what its pipeline fails
 * with afterwards reaches no subscriber, and Mutiny reports it as a dropped exception (ERROR, with
 * a stack trace). From the start of the shutdown those are logged at INFO, one line each.
 */
@ApplicationScoped
public class OrderlyShutdown {

    private static final Logger LOG = Logger.getLogger(OrderlyShutdown.class);
    /** Rounds take milliseconds; this bounds one stuck on a lock (the pod's grace period allows for it). */
    static final Duration FINISH_WITHIN = Duration.ofSeconds(3);

    private final AtomicInteger running = new AtomicInteger();
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private volatile boolean stopping;

    /**
     * Runs one round of {@code work}, or nothing once shutdown has begun. Counted from the check
     * to its end (item, failure or cancellation), so shutdown waits for it.
     */
    public Uni<Void> run(Supplier<Uni<Void>> work) {
        return Uni.createFrom().deferred(() -> {
            running.incrementAndGet(); // before the check: shutdown then sees this round or it sees shutdown
            if (stopping) {
                finished();
                return Uni.createFrom().voidItem();
            }
            return Uni.createFrom().<Void>deferred(work::get).onTermination().invoke(this::finished);
        });
    }

    public boolean stopping() {
        return stopping;
    }

    /** WARN for a round that failed while running normally; DEBUG for one cut by the shutdown. */
    public Logger.Level failureLevel() {
        return stopping ? Logger.Level.DEBUG : Logger.Level.WARN;
    }

    private void finished() {
        if (running.decrementAndGet() == 0 && stopping) {
            idle.complete(null);
        }
    }

    /**
     * SIGTERM (with or without a delay: delay-enabled is on at build time, so this always fires
     * first). Quarkus installs its dropped-exception handler again at every start.
     */
    void shutdownBegins(@Observes ShutdownDelayInitiatedEvent event) {
        quietDrops();
    }

    private static void quietDrops() {
        Infrastructure.setDroppedExceptionHandler(
                failure -> LOG.infof("Work cut by the shutdown ended with: %s", failure.toString()));
    }

    /**
     * Before any other shutdown observer (the bus, the leases) and before the pools close: no new
     * rounds, and the running ones finish. Quarkus' shutdown thread, not an event loop: it may wait.
     */
    void stop(@Observes @Priority(1) ShutdownEvent event) {
        quietDrops(); // also when the delay is switched off at build time
        stopping = true;
        if (running.get() == 0) {
            idle.complete(null);
        }
        try {
            idle.get(FINISH_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debug("Background rounds finished");
        } catch (TimeoutException e) {
            LOG.infof("%d background round(s) still running at shutdown; left to the closing database pool", running.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("never completed exceptionally", e);
        }
    }
}
