package dev.switchboard.presence;

import java.util.ArrayList;
import java.util.List;

/**
 * Where one socket stands in its org's event stream, and so what it is written next. Every method
 * runs on the socket's event loop ({@link Wire#execute}); nothing here is shared with another
 * thread, so nothing is locked.
 *
 * <pre>
 *               first frame written, nothing lost         max-queued frames still unwritten
 *  CATCHING_UP ─────────────────────────────────► LIVE ─────────────────────────────────► OVERFLOWED
 *    ▲   (backlog overflowed: that snapshot is not                                           │
 *    │    written; the caller reads another)                                                 │
 *    └──────────────── all written: resynchronize() asks for a snapshot ◄────────────────────┘
 *                      (also when the org stream found events missing)
 * </pre>
 *
 * <ul>
 * <li><b>Catching up</b> (until its snapshot or replay is written): org events wait in a backlog of
 * at most {@code maxQueued}; beyond that they are lost and the snapshot must be read again.
 * {@code me} changes are only noted, and so are replies before the socket's very first frame: no
 * frame ever precedes the snapshot or {@code resumed}.</li>
 * <li><b>Live</b>: each event is written once, in seq order, unless its seq was already covered.</li>
 * <li><b>Overflowed</b>: the client stopped reading; events are dropped (never delaying the
 * others) until everything written so far is out, then the socket is resynchronised with a fresh
 * snapshot.</li>
 * </ul>
 * Frames outside the org sequence (snapshot, {@code me}, replies) are never dropped: a snapshot is
 * what repairs an overflowed socket, and there is one reply per command the client sent.
 */
final class PeerSync {

    enum Stage {
        CATCHING_UP, LIVE, OVERFLOWED
    }

    /** The first frame of a socket answers this request. */
    static final int FIRST = 0;

    /**
     * Asked for a fresh snapshot of the socket's org; the answer comes back through
     * {@link #snapshot} with the same {@code request}.
     */
    interface Resync {
        void needsSnapshot(int request);
    }

    private final Wire wire;
    private final int maxQueued;
    private final Resync resync;

    private Stage stage = Stage.CATCHING_UP;
    /** Whether the first frame (snapshot or resumed) has been written. */
    private boolean started;
    /** The last org seq the client has (or is being written). */
    private long lastSeq = -1;
    private List<StoredEvent> backlog = new ArrayList<>();
    private boolean backlogLost;
    private boolean meOutdated;
    /**
     * Replies held until the first frame is out: frames for the user alone ({@code watch_fired});
     * command replies only if commands ran before {@code @OnOpen} completed, which websockets-next's
     * serial processing of a socket's callbacks rules out (see PresenceSocket#open).
     */
    private List<String> held = new ArrayList<>();
    /** Frames handed to the wire and not written yet. */
    private int unwritten;
    /** The snapshot request being answered; an answer to an earlier one is out of date. */
    private int request = FIRST;

    PeerSync(Wire wire, int maxQueued, Resync resync) {
        this.wire = wire;
        this.maxQueued = maxQueued;
        this.resync = resync;
        wire.onWritten(this::written);
    }

    /** An org event, in seq order. */
    void offer(StoredEvent event) {
        switch (stage) {
            case CATCHING_UP -> {
                if (backlog.size() < maxQueued) {
                    backlog.add(event);
                } else {
                    backlogLost = true;
                }
            }
            case LIVE -> {
                if (event.seq() > lastSeq) {
                    if (unwritten >= maxQueued) {
                        stage = Stage.OVERFLOWED;
                    } else {
                        lastSeq = event.seq();
                        write(event);
                    }
                }
            }
            case OVERFLOWED -> {
                // dropped: the snapshot after the drain covers it
            }
        }
    }

    /**
     * Writes a snapshot current at {@code seq} and goes live. False when events were lost while
     * it was prepared, or it is older than events the client already has: then nothing was
     * written and the caller reads another snapshot. A snapshot that arrives when the socket is
     * in sync already, or that answers a request made before the latest one, is not written
     * either (true: the later request is answered by itself).
     */
    boolean snapshot(int request, long seq, String text) {
        if (request != this.request || stage != Stage.CATCHING_UP) {
            return true;
        }
        if (takeBacklogLost() || seq < lastSeq) {
            return false;
        }
        write(text);
        goLive(seq);
        return true;
    }

    /**
     * Writes {@code resumed} and the missed events up to {@code upTo} and goes live. False when
     * events were lost meanwhile: then the caller sends a snapshot.
     */
    boolean resumed(String resumed, List<StoredEvent> missed, long upTo) {
        if (request != FIRST) {
            return true; // a resynchronisation overtook the resume: its snapshot is the first frame
        }
        if (takeBacklogLost()) {
            return false;
        }
        write(resumed);
        for (StoredEvent event : missed) {
            write(event);
        }
        goLive(upTo);
        return true;
    }

    /** A fresh {@code me}: written when live, else noted for {@link #takeOutdatedMe}. */
    void me(String text) {
        if (stage == Stage.CATCHING_UP) {
            meOutdated = true;
        } else {
            write(text);
        }
    }

    /** True (once) when a {@code me} change was noted while catching up: the caller sends a fresh one. */
    boolean takeOutdatedMe() {
        boolean outdated = meOutdated;
        meOutdated = false;
        return outdated;
    }

    /** A reply to a command or a frame for this user alone ({@code watch_fired}): after the first frame, never dropped. */
    void reply(String text) {
        if (started) {
            write(text);
        } else {
            held.add(text);
        }
    }

    /** Events were missed (by the socket or its whole org stream): hold them again and ask for a fresh snapshot. */
    void resynchronize() {
        stage = Stage.CATCHING_UP;
        backlog = new ArrayList<>();
        backlogLost = false;
        resync.needsSnapshot(++request);
    }

    Stage stage() {
        return stage;
    }

    /** Whether the first frame (snapshot or resumed) has been written. */
    boolean started() {
        return started;
    }

    /** Where it stands, for a diagnostic line. */
    String describe() {
        return "stage " + stage + ", snapshot request " + request + ", last seq " + lastSeq + ", backlog " + backlog.size()
                + (backlogLost ? " (lost)" : "") + ", unwritten " + unwritten;
    }

    long lastSeq() {
        return lastSeq;
    }

    private boolean takeBacklogLost() {
        if (!backlogLost) {
            return false;
        }
        backlog = new ArrayList<>();
        backlogLost = false;
        return true;
    }

    /** After the first frame: the events that waited for it, then the replies that did. */
    private void goLive(long seq) {
        lastSeq = Math.max(lastSeq, seq);
        stage = Stage.LIVE;
        List<StoredEvent> waiting = backlog;
        backlog = new ArrayList<>();
        waiting.forEach(this::offer);
        if (!started) {
            started = true;
            held.forEach(this::write);
            held = List.of();
        }
    }

    private void write(String text) {
        unwritten++;
        wire.text(text);
    }

    private void write(StoredEvent event) {
        unwritten++;
        wire.encoded(event);
    }

    private void written() {
        unwritten--;
        if (unwritten == 0 && stage == Stage.OVERFLOWED) {
            resynchronize();
        }
    }
}
