package dev.switchboard.presence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;

/**
 * One open presence socket and what the fan-out needs to know about it. Frames carry the org
 * {@code seq}; a peer sends each seq once, in order. Until its first frame (snapshot or resume)
 * is out, org frames are held in a backlog; while its writes are stuck beyond the limit it is
 * "overflowed": further diffs are dropped and it gets a fresh snapshot once the socket drains.
 */
final class Peer {

    final WebSocketConnection connection;
    final SocketWire wire;
    final UUID userId;
    final UUID orgId;
    final UUID deviceId;
    /** The credentials version of the token (or ticket) that opened the socket; an older one than the user's closes it. */
    final long credentialsVersion;
    final CommandRateLimiter commands;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    // guarded by this
    private long lastSeq = -1;
    private boolean live;
    private boolean overflowed;
    private boolean meOutdated;
    private List<Frame> backlog = new ArrayList<>();
    long expiryTimer = -1;
    /** Whether this socket counted towards its device's lease (only then does closing release it). */
    volatile boolean holdsDeviceLease;

    /** An org frame, encoded once (to text and to UTF-8) and shared by every peer of the org. */
    record Frame(long seq, String text, byte[] utf8) {
        Frame(long seq, String text) {
            this(seq, text, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    interface DrainListener {
        void drained(Peer peer);
    }

    private final DrainListener onDrained;
    /** One completion callback for every write of this socket, not one per write. */
    private final Handler<AsyncResult<Void>> written = ignored -> written();

    Peer(WebSocketConnection connection, SocketWire wire, UUID userId, UUID orgId, UUID deviceId,
            long credentialsVersion, int maxInFlight, CommandRateLimiter commands, DrainListener onDrained) {
        this.connection = connection;
        this.wire = wire;
        this.userId = userId;
        this.orgId = orgId;
        this.deviceId = deviceId;
        this.credentialsVersion = credentialsVersion;
        this.maxInFlight = maxInFlight;
        this.commands = commands;
        this.onDrained = onDrained;
    }

    /** An org event: held while the peer is not live yet, else sent unless already seen. */
    synchronized void offer(Frame frame) {
        if (!live) {
            if (backlog.size() < maxInFlight) {
                backlog.add(frame);
            } else {
                overflowed = true; // resynchronized by a fresh snapshot once live
            }
            return;
        }
        if (frame.seq() > lastSeq) {
            lastSeq = frame.seq();
            send(frame);
        }
    }

    /**
     * Puts the peer live after its first frame, which covered everything up to {@code seq}:
     * sends the held frames that are newer. Answers false when frames were lost meanwhile (the
     * backlog overflowed), in which case the caller sends a fresh snapshot instead.
     */
    synchronized boolean goLive(long seq) {
        lastSeq = Math.max(lastSeq, seq);
        if (overflowed) {
            backlog = new ArrayList<>();
            overflowed = false;
            return false;
        }
        for (Frame frame : backlog) {
            if (frame.seq() > lastSeq) {
                lastSeq = frame.seq();
                send(frame);
            }
        }
        backlog = new ArrayList<>();
        live = true;
        return true;
    }

    /**
     * A {@code me} frame: sent only once the peer is live, so that it never precedes the
     * snapshot (or {@code resumed}). Before that it is only noted; {@link #takeOutdatedMe} tells
     * the hub to send a fresh one right after going live.
     */
    synchronized void sendMe(String text) {
        if (!live) {
            meOutdated = true;
            return;
        }
        sendDirect(text);
    }

    /** True when a {@code me} change was held back while the peer was not live yet. */
    synchronized boolean takeOutdatedMe() {
        boolean outdated = meOutdated;
        meOutdated = false;
        return outdated;
    }

    /** Holds org frames again while a fresh snapshot is prepared. */
    synchronized void pause() {
        live = false;
        backlog = new ArrayList<>();
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    /**
     * A frame outside the org sequence ({@code snapshot}, {@code me}, {@code ack}, {@code error},
     * {@code pong}): never dropped — a snapshot is what repairs an overflowed peer, and replies
     * are bounded by the command rate limit.
     */
    void sendDirect(String text) {
        inFlight.incrementAndGet();
        wire.text(text, written);
    }

    /** A replayed org frame (resume): its bytes are already encoded, like the fan-out's. */
    void sendDirect(Frame frame) {
        inFlight.incrementAndGet();
        wire.encoded(frame.utf8(), frame.text(), written);
    }

    private void send(Frame frame) {
        if (isOverflowed()) {
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            markOverflowed();
            return;
        }
        wire.encoded(frame.utf8(), frame.text(), written);
    }

    private void written() {
        if (inFlight.decrementAndGet() == 0 && isOverflowed()) {
            onDrained.drained(this);
        }
    }

    private synchronized boolean isOverflowed() {
        return overflowed && live;
    }

    private synchronized void markOverflowed() {
        overflowed = true;
    }

    /** Called by the hub when a drained, overflowed peer is about to be resynchronized. */
    synchronized boolean takeOverflow() {
        if (!overflowed || !live) {
            return false;
        }
        overflowed = false;
        live = false;
        backlog = new ArrayList<>();
        return true;
    }

    void close(int code, String reason) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> { }, failure -> { });
        }
    }
}
