package dev.switchboard.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * One organization's event stream on this replica: what has been delivered, each next event
 * handed to the org's sockets in seq order, one task per event loop.
 * <p>
 * An event arrives with its frame (handed over by this replica's writer at its commit, or carried
 * in the NOTIFY) or as a key only. When it carries its frame and is the next one (delivered + 1)
 * it is delivered at once, without a database read; one already delivered is ignored (the
 * writer's own NOTIFY after its hand-over, a notification after a repair read). One with its frame
 * but ahead of the next waits (bounded) for the events before it, which come with their frames
 * too: hand-overs from other event loops overtake each other, NOTIFYs do not. Anything else (a
 * key only, too many waiting, an event while a read runs) makes the stream read every stored
 * event after the delivered seq, in order: the gap repair. Reads are single flight: a notification
 * while one runs only asks for another round after it. A seq is assigned under the org's sequence
 * row lock, held until commit, so when seq N has committed every earlier one has too and the read
 * finds them. A read whose first event is not right after the delivered seq means events were
 * pruned before this replica read them: every socket of the org is then resynchronised with a
 * snapshot.
 * <p>
 * Delivery groups the sockets by the event loop that owns them; each loop gets one task for all of
 * its sockets, queued under this stream's lock in seq order (so seq order holds across events and
 * batches), and on its loop each socket's {@link PeerSync} writes the event's shared bytes
 * straight to the socket.
 */
final class OrgStream {

    private static final Logger LOG = Logger.getLogger(OrgStream.class);
    static final int FETCH_BATCH = 500;
    static final int MAX_WAITING = 256;
    static final long MAX_WAIT_MILLIS = 100;

    final UUID orgId;
    /** Which of the org's streams: presence ({@code /ws/presence}) or lines ({@code /ws/platform}). */
    final EventStream stream;
    private final PresenceStore store;
    /** Closes the sockets of a member who left the org (after the frame that says so). */
    private final Consumer<UUID> memberRemoved;
    /** For the timer that reads when an awaited event does not come (it always should: a safety net). */
    private final Vertx vertx;
    private final Set<Peer> peers = ConcurrentHashMap.newKeySet();
    /** The seq delivered before the first socket joined: read once, before any socket joins. */
    private final Uni<Void> ready;
    /** Sockets joined or joining; changed only inside the stream map's compute for this org. */
    int members;

    // guarded by this
    private long deliveredSeq = -1;
    /**
     * Events that came with their frame ahead of the next one, by seq; at most {@link #MAX_WAITING}
     * (beyond that, or on any key-only or lost notification, the stream reads instead).
     */
    private final TreeMap<Long, StoredEvent> waiting = new TreeMap<>();
    private boolean fetching;
    private boolean fetchAgain;
    private SharedColleagues colleagues;

    OrgStream(UUID orgId, PresenceStore store, Consumer<UUID> memberRemoved, Vertx vertx) {
        this(orgId, EventStream.PRESENCE, store, memberRemoved, vertx);
    }

    OrgStream(UUID orgId, EventStream stream, PresenceStore store, Consumer<UUID> memberRemoved, Vertx vertx) {
        this.orgId = orgId;
        this.stream = stream;
        this.vertx = vertx;
        this.store = store;
        this.memberRemoved = memberRemoved;
        // The baseline is read before any socket joins, so every later event reaches each socket
        // either in its first frame (snapshot or replay) or through its PeerSync backlog.
        this.ready = store.currentSeq(stream, orgId).invoke(this::started).replaceWithVoid().memoize().indefinitely();
    }

    /** Completes once the stream knows where it starts; a socket joins after that. */
    Uni<Void> ready() {
        return ready;
    }

    void add(Peer peer) {
        peers.add(peer);
    }

    void remove(Peer peer) {
        peers.remove(peer);
    }

    Set<Peer> peers() {
        return peers;
    }

    /**
     * An org event was committed: delivered at once when it carries its frame and is the next
     * one; otherwise read (with anything before it) unless already delivered.
     */
    void eventCommitted(PresenceMessages.OrgEvent event) {
        long seq = event.seq();
        synchronized (this) {
            if (deliveredSeq >= seq || peers.isEmpty()) {
                return;
            }
            if (event.carriesFrame() && !fetching && deliveredSeq >= 0) {
                StoredEvent stored = new StoredEvent(seq, event.type(), event.subject(), event.frame());
                if (seq == deliveredSeq + 1) {
                    deliveredSeq = seq;
                    deliver(List.of(stored), false);
                    deliverWaiting();
                    return;
                }
                if (waiting.size() < MAX_WAITING) {
                    // Writers on other event loops hand their events over in commit order only
                    // roughly; the one before is a hand-over or a NOTIFY away (NOTIFYs come in
                    // commit order, each with its frame), so wait for it instead of reading.
                    if (waiting.isEmpty()) {
                        long awaited = deliveredSeq + 1;
                        vertx.setTimer(MAX_WAIT_MILLIS, id -> readIfStillAwaited(awaited));
                    }
                    waiting.put(seq, stored);
                    return;
                }
                waiting.clear();
            }
        }
        fetch();
    }

    private void readIfStillAwaited(long awaited) {
        synchronized (this) {
            if (deliveredSeq >= awaited || waiting.isEmpty()) {
                return;
            }
        }
        fetch();
    }

    /** Delivers the waiting events that now follow the delivered seq without a gap. Called with the lock held. */
    private void deliverWaiting() {
        waiting.headMap(deliveredSeq, true).clear();
        List<StoredEvent> next = new ArrayList<>();
        for (StoredEvent event = waiting.remove(deliveredSeq + 1); event != null; event = waiting.remove(deliveredSeq + 1)) {
            next.add(event);
            deliveredSeq = event.seq();
        }
        if (!next.isEmpty()) {
            deliver(next, false);
        }
    }

    /** Notifications may have been lost: fetch whatever follows the delivered seq. */
    void catchUp() {
        if (!peers.isEmpty()) {
            fetch();
        }
    }

    /**
     * The org's colleagues at {@code currentSeq}, read and encoded once however many sockets
     * connect meanwhile: the published states of an org change only together with its seq
     * (PresenceRecorder stores both in one transaction), so equal seq means equal colleagues.
     * Concurrent readers share one read in flight.
     */
    Uni<FrameEncoder.Colleagues> colleagues(long currentSeq, Supplier<Uni<FrameEncoder.Colleagues>> read) {
        SharedColleagues shared;
        synchronized (this) {
            if (colleagues == null || colleagues.askedAt() != currentSeq) {
                // deferred: @WithSession binds its session to the context that subscribes first
                colleagues = new SharedColleagues(currentSeq, Uni.createFrom().<FrameEncoder.Colleagues> deferred(read::get).memoize().indefinitely());
            }
            shared = colleagues;
        }
        return shared.read().onFailure().invoke(() -> {
            synchronized (this) {
                if (colleagues == shared) {
                    colleagues = null;
                }
            }
        });
    }

    private record SharedColleagues(long askedAt, Uni<FrameEncoder.Colleagues> read) {
    }

    private void started(long seq) {
        boolean again;
        synchronized (this) {
            deliveredSeq = seq;
            again = fetchAgain;
            fetchAgain = false;
        }
        if (again) {
            fetch();
        }
    }

    /** Single flight: reads every stored event after the delivered seq and delivers it (the gap repair). */
    private void fetch() {
        long from;
        synchronized (this) {
            if (fetching || deliveredSeq < 0) {
                fetchAgain = true;
                return;
            }
            fetching = true;
            from = deliveredSeq;
        }
        store.orgEvents(stream, orgId, from, FETCH_BATCH).subscribe().with(events -> {
            boolean again;
            synchronized (this) {
                if (!events.isEmpty()) {
                    deliver(events, events.get(0).seq() != from + 1);
                    deliveredSeq = Math.max(deliveredSeq, events.get(events.size() - 1).seq());
                }
                deliverWaiting();
                fetching = false;
                again = fetchAgain || events.size() == FETCH_BATCH;
                fetchAgain = false;
            }
            if (again) {
                fetch();
            }
        }, failure -> {
            synchronized (this) {
                fetching = false;
            }
            LOG.warnf("Could not read %s events of org %s (retrying on the next notification or resync): %s",
                    stream, orgId, failure.toString());
        });
    }

    /**
     * Hands the events to every socket of the org, one queued task per event loop. Called with
     * this stream's lock held, so that tasks are queued in seq order whichever thread delivers.
     */
    private void deliver(List<StoredEvent> events, boolean gap) {
        Map<Executor, List<Peer>> byLoop = new HashMap<>(4);
        for (Peer peer : peers) {
            byLoop.computeIfAbsent(peer.wire.loop(), loop -> new ArrayList<>()).add(peer);
        }
        byLoop.forEach((loop, theirs) -> loop.execute(() -> {
            for (Peer peer : theirs) {
                if (gap) {
                    peer.sync.resynchronize();
                }
                for (StoredEvent event : events) {
                    peer.sync.offer(event);
                }
            }
        }));
        for (StoredEvent event : events) {
            if (event.removesMember()) {
                memberRemoved.accept(event.subject());
            }
        }
    }
}
