package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/** The batch lane's state machine: how many batches run, what goes into the next one, who is refused, who gets which answer. */
class BatchLaneTest {

    /** Batches whose completion the test controls; requests are "key:value" strings, keyed by what precedes the colon. */
    private static final class Batches {
        final List<List<String>> started = new ArrayList<>();
        final List<UniEmitter<? super List<Object>>> running = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();

        BatchLane<String, String> lane(int concurrency, int maxBatch, int maxWaiting) {
            return new BatchLane<String, String>("test requests", concurrency, maxBatch, maxWaiting, request -> request.split(":")[0],
                    Comparator.<String>naturalOrder(), batch -> Uni.createFrom().<List<Object>>emitter(emitter -> {
                        started.add(batch);
                        running.add(emitter);
                    }), sizes::add);
        }

        /** Completes batch {@code i}, answering each request with its upper-cased self. */
        void answer(int i) {
            running.get(i).complete(started.get(i).stream().map(request -> (Object) request.toUpperCase()).toList());
        }
    }

    private static AtomicReference<Object> outcome(Uni<String> uni) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        uni.subscribe().with(outcome::set, outcome::set);
        return outcome;
    }

    @Test
    void aRequestAloneRunsAtOnceAndWhatArrivesMeanwhileGoesTogetherInTheNextBatch() {
        Batches batches = new Batches();
        BatchLane<String, String> lane = batches.lane(1, 10, 100);
        AtomicReference<Object> first = outcome(lane.submit("a:1"));
        assertThat(batches.started).containsExactly(List.of("a:1"));

        List<AtomicReference<Object>> later = new ArrayList<>();
        for (String request : List.of("d:1", "b:1", "c:1")) {
            later.add(outcome(lane.submit(request)));
        }
        assertThat(batches.started).hasSize(1);
        assertThat(lane.waiting()).isEqualTo(3);

        batches.answer(0);
        assertThat(first.get()).isEqualTo("A:1");
        // the next batch, sorted in the lane's order
        assertThat(batches.started.get(1)).containsExactly("b:1", "c:1", "d:1");
        batches.answer(1);
        assertThat(later).extracting(AtomicReference::get).containsExactly("D:1", "B:1", "C:1");
        assertThat(lane.running()).isZero();
        assertThat(batches.sizes).containsExactly(1, 3);
    }

    @Test
    void aKeyAlreadyInTheBatchWaitsForTheNextOneInArrivalOrder() {
        Batches batches = new Batches();
        BatchLane<String, String> lane = batches.lane(1, 10, 100);
        outcome(lane.submit("x:0"));
        AtomicReference<Object> one = outcome(lane.submit("a:1"));
        AtomicReference<Object> two = outcome(lane.submit("a:2"));
        AtomicReference<Object> other = outcome(lane.submit("b:1"));
        batches.answer(0);
        assertThat(batches.started.get(1)).containsExactly("a:1", "b:1");
        batches.answer(1);
        assertThat(batches.started.get(2)).containsExactly("a:2");
        batches.answer(2);
        assertThat(List.of(one.get(), two.get(), other.get())).containsExactly("A:1", "A:2", "B:1");
    }

    @Test
    void atMostConcurrencyBatchesRunAndABatchTakesAtMostMaxBatch() {
        Batches batches = new Batches();
        BatchLane<String, String> lane = batches.lane(2, 2, 100);
        for (String request : List.of("a:1", "b:1", "c:1", "d:1", "e:1", "f:1")) {
            outcome(lane.submit(request));
        }
        assertThat(batches.started).containsExactly(List.of("a:1"), List.of("b:1"));
        batches.answer(1);
        assertThat(batches.started.get(2)).containsExactly("c:1", "d:1");
        batches.answer(0);
        assertThat(batches.started.get(3)).containsExactly("e:1", "f:1");
        assertThat(lane.running()).isEqualTo(2);
        batches.answer(2);
        batches.answer(3);
        assertThat(lane.running()).isZero();
    }

    @Test
    void oneMoreThanMayWaitIsRefusedAtOnce() {
        Batches batches = new Batches();
        BatchLane<String, String> lane = batches.lane(1, 10, 1);
        outcome(lane.submit("a:1"));
        AtomicReference<Object> waits = outcome(lane.submit("b:1"));
        AtomicReference<Object> refused = outcome(lane.submit("c:1"));
        assertThat(refused.get()).isInstanceOf(ServiceBusyException.class);
        assertThat(((Throwable) refused.get()).getMessage()).contains("test requests");
        batches.answer(0);
        batches.answer(1);
        assertThat(waits.get()).isEqualTo("B:1");
    }

    @Test
    void eachRequestGetsItsOwnOutcomeAndAFailedBatchFailsOnlyItsOwnRequests() {
        Batches batches = new Batches();
        BatchLane<String, String> lane = batches.lane(1, 10, 100);
        AtomicReference<Object> first = outcome(lane.submit("a:1"));
        AtomicReference<Object> fine = outcome(lane.submit("b:1"));
        AtomicReference<Object> notFound = outcome(lane.submit("c:1"));
        IllegalStateException gone = new IllegalStateException("database gone");
        batches.running.get(0).fail(gone);
        assertThat(first.get()).isSameAs(gone);

        IllegalArgumentException unknown = new IllegalArgumentException("unknown");
        batches.running.get(1).complete(List.of("fine", unknown));
        assertThat(fine.get()).isEqualTo("fine");
        assertThat(notFound.get()).isSameAs(unknown);
        assertThat(lane.running()).isZero();
    }

    @Test
    void aRunnerThatThrowsFailsItsBatchAndTheLaneGoesOn() {
        List<List<String>> seen = new ArrayList<>();
        BatchLane<String, String> lane = new BatchLane<String, String>("test requests", 1, 10, 100, request -> request, Comparator.<String>naturalOrder(),
                batch -> {
                    seen.add(batch);
                    if (batch.contains("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return Uni.createFrom().item(batch.stream().map(request -> (Object) request).toList());
                }, size -> { });
        assertThat(outcome(lane.submit("boom")).get()).isInstanceOf(IllegalStateException.class);
        assertThat(outcome(lane.submit("next")).get()).isEqualTo("next");
        assertThat(lane.running()).isZero();
    }
}
