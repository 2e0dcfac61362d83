package dev.switchboard.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

/**
 * A socket's way through its org's stream ({@link PeerSync}) against a fake wire: no network, no
 * Quarkus. The wire records what would be written and completes writes only when the test says
 * so, which is how a client that stops reading looks from the server.
 */
class PeerSyncTest {

    private static final int MAX_QUEUED = 3;

    /** Writes are recorded in order; {@link #complete} finishes the oldest ones, as the socket would. */
    static final class FakeWire implements Wire {
        final List<String> written = new ArrayList<>();
        /** A client that reads everything at once: each write is done as soon as it is made. */
        boolean fast;
        int pending;
        Runnable onWritten;
        String closed;

        @Override
        public Executor loop() {
            return Runnable::run;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void text(String text) {
            wrote(text);
        }

        @Override
        public void encoded(StoredEvent event) {
            wrote("#" + event.seq());
        }

        private void wrote(String frame) {
            written.add(frame);
            pending++;
            if (fast) {
                complete(1);
            }
        }

        @Override
        public void onWritten(Runnable written) {
            this.onWritten = written;
        }

        @Override
        public void close(int code, String reason) {
            closed = code + " " + reason;
        }

        void complete(int writes) {
            for (int i = 0; i < writes; i++) {
                pending--;
                onWritten.run();
            }
        }

        void completeAll() {
            complete(pending);
        }

        /** What was written since the last call. */
        List<String> take() {
            List<String> taken = List.copyOf(written);
            written.clear();
            return taken;
        }
    }

    private final FakeWire wire = new FakeWire();
    private final List<Integer> snapshotRequests = new ArrayList<>();
    private final PeerSync sync = new PeerSync(wire, MAX_QUEUED, snapshotRequests::add);

    private static StoredEvent event(long seq) {
        return new StoredEvent(seq, Frames.Presence.TYPE, UUID.randomUUID(), "{\"type\":\"presence\",\"seq\":" + seq + "}");
    }

    @Test
    void eventsOfferedWhileCatchingUpFollowTheSnapshotUnlessItCoversThem() {
        sync.offer(event(4));
        sync.offer(event(5));
        sync.offer(event(6));
        assertThat(wire.take()).isEmpty();

        assertThat(sync.snapshot(PeerSync.FIRST, 5, "snapshot@5")).isTrue();

        assertThat(wire.take()).containsExactly("snapshot@5", "#6");
        assertThat(sync.stage()).isEqualTo(PeerSync.Stage.LIVE);
        assertThat(sync.lastSeq()).isEqualTo(6);
    }

    @Test
    void liveEventsAreWrittenOnceAndInOrder() {
        sync.snapshot(PeerSync.FIRST, 5, "snapshot@5");
        wire.take();
        sync.offer(event(5)); // covered by the snapshot
        sync.offer(event(6));
        sync.offer(event(6)); // a second fetch of the same event
        sync.offer(event(7));
        assertThat(wire.take()).containsExactly("#6", "#7");
    }

    @Test
    void noReplyPrecedesTheFirstFrame() {
        sync.reply("pong-1");
        sync.reply("error-2");
        assertThat(wire.take()).isEmpty();

        sync.snapshot(PeerSync.FIRST, 0, "snapshot@0");
        sync.reply("pong-3");

        assertThat(wire.take()).containsExactly("snapshot@0", "pong-1", "error-2", "pong-3");
    }

    @Test
    void repliesAlsoWaitForResumedAndFollowIt() {
        sync.reply("ack-1");
        assertThat(sync.resumed("resumed@3", List.of(event(4), event(5)), 5)).isTrue();
        assertThat(wire.take()).containsExactly("resumed@3", "#4", "#5", "ack-1");
    }

    @Test
    void aResumeWritesTheMissedEventsThenWhatArrivedMeanwhile() {
        wire.fast = true;
        sync.offer(event(5));
        sync.offer(event(6));
        assertThat(sync.resumed("resumed@3", List.of(event(4), event(5)), 5)).isTrue();
        assertThat(wire.take()).containsExactly("resumed@3", "#4", "#5", "#6");
    }

    @Test
    void aMeChangeWhileCatchingUpIsNotedNotWritten() {
        sync.me("me-early");
        assertThat(wire.take()).isEmpty();
        sync.snapshot(PeerSync.FIRST, 1, "snapshot@1");
        assertThat(sync.takeOutdatedMe()).isTrue();
        assertThat(sync.takeOutdatedMe()).isFalse();

        sync.me("me-live");
        assertThat(wire.take()).containsExactly("snapshot@1", "me-live");
    }

    @Test
    void aBacklogBeyondTheLimitLosesEventsSoTheSnapshotIsReadAgain() {
        for (long seq = 1; seq <= MAX_QUEUED + 1; seq++) {
            sync.offer(event(seq));
        }
        assertThat(sync.snapshot(PeerSync.FIRST, 0, "snapshot@0")).as("events 1..4 were not all kept").isFalse();
        assertThat(wire.take()).as("nothing written for a snapshot that cannot go live").isEmpty();
        assertThat(sync.stage()).isEqualTo(PeerSync.Stage.CATCHING_UP);

        sync.offer(event(5));
        assertThat(sync.snapshot(PeerSync.FIRST, 4, "snapshot@4")).isTrue();
        assertThat(wire.take()).containsExactly("snapshot@4", "#5");
    }

    @Test
    void aBacklogAtTheLimitIsKept() {
        wire.fast = true;
        for (long seq = 1; seq <= MAX_QUEUED; seq++) {
            sync.offer(event(seq));
        }
        assertThat(sync.snapshot(PeerSync.FIRST, 0, "snapshot@0")).isTrue();
        assertThat(wire.take()).containsExactly("snapshot@0", "#1", "#2", "#3");
    }

    @Test
    void aSnapshotOlderThanWhatTheClientHasIsNotWritten() {
        sync.snapshot(PeerSync.FIRST, 5, "snapshot@5");
        sync.offer(event(6));
        wire.completeAll();
        sync.resynchronize();
        assertThat(sync.snapshot(1, 4, "snapshot@4")).isFalse();
        assertThat(sync.snapshot(1, 6, "snapshot@6")).isTrue();
        assertThat(wire.take()).containsExactly("snapshot@5", "#6", "snapshot@6");
    }

    @Test
    void aStalledClientOverflowsThenGetsAFreshSnapshotOnceItDrained() {
        sync.snapshot(PeerSync.FIRST, 0, "snapshot@0");
        wire.completeAll();
        wire.take();

        // The client stops reading: MAX_QUEUED events go out, the next ones are dropped.
        for (long seq = 1; seq <= MAX_QUEUED + 2; seq++) {
            sync.offer(event(seq));
        }
        assertThat(wire.take()).containsExactly("#1", "#2", "#3");
        assertThat(sync.stage()).isEqualTo(PeerSync.Stage.OVERFLOWED);
        sync.reply("pong"); // replies and me are never dropped
        sync.me("me");
        assertThat(wire.take()).containsExactly("pong", "me");

        // It reads again: nothing happens until everything written is out.
        wire.complete(wire.pending - 1);
        assertThat(snapshotRequests).isEmpty();
        wire.complete(1);
        assertThat(snapshotRequests).containsExactly(1);
        assertThat(sync.stage()).isEqualTo(PeerSync.Stage.CATCHING_UP);

        // Events while the snapshot is read wait for it, as on connect.
        sync.offer(event(6));
        sync.offer(event(7));
        assertThat(sync.snapshot(1, 6, "snapshot@6")).isTrue();
        assertThat(wire.take()).containsExactly("snapshot@6", "#7");
        assertThat(sync.stage()).isEqualTo(PeerSync.Stage.LIVE);
    }

    @Test
    void aSnapshotAskedForEarlierIsNotWrittenAfterALaterRequest() {
        sync.offer(event(1));
        sync.resynchronize(); // the org stream missed events while the first snapshot was read
        assertThat(snapshotRequests).containsExactly(1);

        assertThat(sync.snapshot(PeerSync.FIRST, 0, "snapshot@0 (stale)")).isTrue();
        assertThat(wire.take()).isEmpty();
        assertThat(sync.resumed("resumed@0 (stale)", List.of(), 0)).isTrue();
        assertThat(wire.take()).isEmpty();

        sync.offer(event(9));
        assertThat(sync.snapshot(1, 8, "snapshot@8")).isTrue();
        assertThat(wire.take()).containsExactly("snapshot@8", "#9");
    }

    @Test
    void aSnapshotForASocketInSyncAlreadyIsNotWritten() {
        sync.snapshot(PeerSync.FIRST, 3, "snapshot@3");
        assertThat(sync.snapshot(PeerSync.FIRST, 3, "snapshot@3 again")).isTrue();
        assertThat(wire.take()).containsExactly("snapshot@3");
    }
}
