package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/** The admission gate's state machine: how many run, who waits, in which order, who is refused. */
class AdmissionTest {

    /** Work whose completion the test controls; records the order in which pieces start. */
    private static final class Pieces {
        final List<String> started = new ArrayList<>();
        final List<UniEmitter<? super String>> running = new ArrayList<>();

        Uni<String> piece(String name) {
            return Uni.createFrom().emitter(emitter -> {
                started.add(name);
                running.add(emitter);
            });
        }
    }

    private static AtomicReference<Object> outcome(Uni<String> uni) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        uni.subscribe().with(outcome::set, outcome::set);
        return outcome;
    }

    @Test
    void atMostTheLimitRunAndTheOthersStartInArrivalOrder() {
        Admission admission = new Admission("tests", 2, 10);
        Pieces pieces = new Pieces();
        List<AtomicReference<Object>> outcomes = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            outcomes.add(outcome(admission.submit(() -> pieces.piece(name))));
        }
        assertThat(pieces.started).containsExactly("a", "b");
        assertThat(admission.running()).isEqualTo(2);
        assertThat(admission.waiting()).isEqualTo(3);

        pieces.running.get(1).complete("B");
        assertThat(outcomes.get(1).get()).isEqualTo("B");
        assertThat(pieces.started).containsExactly("a", "b", "c");

        pieces.running.get(0).complete("A");
        pieces.running.get(2).complete("C");
        assertThat(pieces.started).containsExactly("a", "b", "c", "d", "e");
        assertThat(admission.waiting()).isZero();

        pieces.running.get(3).complete("D");
        pieces.running.get(4).complete("E");
        assertThat(outcomes).extracting(AtomicReference::get).containsExactly("A", "B", "C", "D", "E");
        assertThat(admission.running()).isZero();
    }

    @Test
    void oneMoreThanMayWaitIsRefusedAtOnceAndTheOthersGoOn() {
        Admission admission = new Admission("registration changes", 1, 1);
        Pieces pieces = new Pieces();
        AtomicReference<Object> first = outcome(admission.submit(() -> pieces.piece("a")));
        AtomicReference<Object> second = outcome(admission.submit(() -> pieces.piece("b")));
        AtomicReference<Object> third = outcome(admission.submit(() -> pieces.piece("c")));

        assertThat(third.get()).isInstanceOf(ServiceBusyException.class);
        assertThat(((Throwable) third.get()).getMessage()).contains("registration changes");
        assertThat(pieces.started).containsExactly("a");
        pieces.running.get(0).complete("A");
        pieces.running.get(1).complete("B");
        assertThat(first.get()).isEqualTo("A");
        assertThat(second.get()).isEqualTo("B");
        assertThat(pieces.started).containsExactly("a", "b");
    }

    @Test
    void aFailingPieceGivesItsPlaceToTheNextAndKeepsItsFailure() {
        Admission admission = new Admission("tests", 1, 10);
        Pieces pieces = new Pieces();
        AtomicReference<Object> failing = outcome(admission.submit(() -> pieces.piece("a")));
        AtomicReference<Object> next = outcome(admission.submit(() -> pieces.piece("b")));
        IllegalStateException failure = new IllegalStateException("database gone");
        pieces.running.get(0).fail(failure);

        assertThat(failing.get()).isSameAs(failure);
        assertThat(pieces.started).containsExactly("a", "b");
        pieces.running.get(1).complete("B");
        assertThat(next.get()).isEqualTo("B");
        assertThat(admission.running()).isZero();
    }

    @Test
    void workThatThrowsInsteadOfFailingAlsoGivesItsPlaceBack() {
        Admission admission = new Admission("tests", 1, 10);
        AtomicReference<Object> thrown = outcome(admission.submit(() -> {
            throw new IllegalArgumentException("bad");
        }));
        assertThat(thrown.get()).isInstanceOf(IllegalArgumentException.class);
        assertThat(admission.running()).isZero();
        assertThat(outcome(admission.submit(() -> Uni.createFrom().item("next"))).get()).isEqualTo("next");
    }
}
