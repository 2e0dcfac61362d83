package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;

/** Background rounds at shutdown: none starts, a running one is waited for (within a bound), failures go quiet. */
class OrderlyShutdownTest {

    private final OrderlyShutdown shutdown = new OrderlyShutdown();

    @AfterEach
    void quarkusInstallsItsOwnAgainAtStart() {
        Infrastructure.resetDroppedExceptionHandler();
    }

    @Test
    void aRunningRoundIsWaitedForAndNoNewOneStarts() throws Exception {
        CompletableFuture<UniEmitter<? super Void>> round = new CompletableFuture<>();
        CompletableFuture<Void> roundDone = new CompletableFuture<>();
        shutdown.run(() -> Uni.createFrom().<Void>emitter(round::complete)).subscribe().with(roundDone::complete, roundDone::completeExceptionally);
        UniEmitter<? super Void> running = round.get(5, TimeUnit.SECONDS);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> shutdown.stop(null));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(shutdown::stopping);
        assertThat(stopped).as("waits for the running round").isNotDone();

        AtomicInteger started = new AtomicInteger();
        shutdown.run(() -> {
            started.incrementAndGet();
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        assertThat(started).as("no new round once stopping").hasValue(0);

        running.complete(null);
        stopped.get(5, TimeUnit.SECONDS);
        assertThat(roundDone).isCompleted();
    }

    @Test
    void aRoundThatDoesNotEndIsLeftAfterTheBound() throws Exception {
        shutdown.run(() -> Uni.createFrom().<Void>emitter(emitter -> { })).subscribe().with(ignored -> { }, failure -> { });
        long started = System.nanoTime();
        shutdown.stop(null);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(OrderlyShutdown.FINISH_WITHIN.minusMillis(100),
                OrderlyShutdown.FINISH_WITHIN.plusSeconds(2));
    }

    @Test
    void failuresAreWarningsUntilTheShutdownThenDebug() {
        assertThat(shutdown.failureLevel()).isEqualTo(Logger.Level.WARN);
        shutdown.stop(null);
        assertThat(shutdown.failureLevel()).isEqualTo(Logger.Level.DEBUG);
    }

    @Test
    void aRoundThatFailsOrThrowsStillCountsAsFinished() {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        shutdown.run(() -> Uni.createFrom().failure(new IllegalStateException("Pool closed")))
                .subscribe().with(ignored -> { }, failed::complete);
        shutdown.run(() -> {
            throw new IllegalStateException("thrown, not returned");
        }).subscribe().with(ignored -> { }, failed::complete);
        assertThat(failed).isCompleted();
        long started = System.nanoTime();
        shutdown.stop(null);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("nothing left running").isLessThan(Duration.ofSeconds(1));
    }
}
