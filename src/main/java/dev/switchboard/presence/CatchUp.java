package dev.switchboard.presence;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.Messages;
import dev.switchboard.common.SafeContext;
import dev.switchboard.common.SwitchboardConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Brings a socket in sync with its org: a fresh snapshot, or on {@code since=} the missed events
 * ({@code resumed}, then the events, then {@code me}), and a fresh snapshot whenever its
 * {@link PeerSync} lost events. Reads from the database here; what is written, and when, is
 * decided by the socket's {@link PeerSync} on its event loop.
 */
@ApplicationScoped
public class CatchUp {

    private static final Consumer<String> NO_PROGRESS = step -> { };

    private final PresenceStore store;
    private final LineStore lines;
    private final PresenceService presence;
    private final FrameEncoder encoder;
    private final Vertx vertx;
    private final int replayMaxEvents;

    public CatchUp(PresenceStore store, LineStore lines, PresenceService presence, FrameEncoder encoder, Vertx vertx,
            SwitchboardConfig config) {
        this.store = store;
        this.lines = lines;
        this.presence = presence;
        this.encoder = encoder;
        this.vertx = vertx;
        this.replayMaxEvents = config.presence().replayMaxEvents();
    }

    /** The socket's first frame: a snapshot, or with {@code since} a resume when every missed event is still held. */
    Uni<Void> start(Peer peer, Long since, Consumer<String> progress) {
        return since == null ? snapshot(peer, PeerSync.FIRST, progress) : resume(peer, since, progress);
    }

    /** Its PeerSync asked for a fresh snapshot (after an overflow or a gap): read one outside any request. */
    void resync(Peer peer, int request) {
        SafeContext.run(vertx, () -> snapshot(peer, request, NO_PROGRESS))
                .subscribe().with(ok -> { }, failure -> peer.close(1011, "resync failed"));
    }

    /** A snapshot answering {@code request}; read again until no event was lost while it was prepared. */
    private Uni<Void> snapshot(Peer peer, int request, Consumer<String> progress) {
        progress.accept("reading the org's seq");
        return store.currentSeq(peer.orgId)
                .flatMap(seq -> {
                    progress.accept("reading the colleagues at seq " + seq);
                    return SafeContext.backOnCallerContext(peer.stream.colleagues(seq, () -> presence.snapshot(peer.orgId)
                            .map(org -> encoder.colleagues(org.seq(), org.colleagues(), org.groups()))));
                })
                .flatMap(colleagues -> {
                    progress.accept("reading the user's own view");
                    return presence.self(peer.orgId, peer.userId, peer.messages).map(self -> encoder.snapshot(self, colleagues))
                            .flatMap(text -> {
                                progress.accept("writing the snapshot on the socket's event loop");
                                return peer.onLoop(() -> peer.sync.snapshot(request, colleagues.seq(), text));
                            });
                })
                .flatMap(written -> {
                    progress.accept(written ? "sending 'me' if outdated" : "reading the snapshot again");
                    return written ? sendMeIfOutdated(peer) : snapshot(peer, request, progress);
                });
    }

    private Uni<Void> resume(Peer peer, long since, Consumer<String> progress) {
        return resume(peer, EventStream.PRESENCE, since, encoder.encode(new Frames.Resumed(since)), progress,
                () -> snapshot(peer, PeerSync.FIRST, progress), () -> {
                    peer.sync.takeOutdatedMe(); // the 'me' after it is read now, so it is current
                }, () -> sendMe(List.of(peer)));
    }

    /**
     * {@code resumed} and the missed events of {@code stream} when every one is still held (and
     * not too many), then {@code after}; otherwise {@code snapshot}.
     */
    private Uni<Void> resume(Peer peer, EventStream stream, long since, String resumed, Consumer<String> progress,
            Supplier<Uni<Void>> snapshot, Runnable onLoopAfter, Supplier<Uni<Void>> after) {
        progress.accept("reading the resume window");
        return store.resumeWindow(stream, peer.orgId, since).flatMap(window -> {
            if (!window.complete() || window.missed() > replayMaxEvents) {
                return snapshot.get();
            }
            progress.accept("reading the missed events");
            return store.orgEvents(stream, peer.orgId, since, (int) window.missed())
                    .flatMap(missed -> peer.onLoop(() -> {
                        long upTo = missed.isEmpty() ? since : missed.get(missed.size() - 1).seq();
                        boolean written = peer.sync.resumed(resumed, missed, upTo);
                        onLoopAfter.run();
                        return written;
                    }))
                    .flatMap(written -> written ? after.get() : snapshot.get());
        });
    }

    // --- the platform's line feed: one Peer per subscribed org of a /ws/platform socket -----------

    /** A feed subscription's first frame for its org: the lines, or with {@code since} a resume. */
    Uni<Void> startLines(Peer peer, Long since) {
        if (since == null) {
            return lineSnapshot(peer, PeerSync.FIRST);
        }
        return resume(peer, EventStream.LINES, since, encoder.encode(new Frames.LineResumed(peer.orgId, since)), NO_PROGRESS,
                () -> lineSnapshot(peer, PeerSync.FIRST), () -> { }, () -> Uni.createFrom().voidItem());
    }

    /** A feed subscription lost events (overflow or a gap): a fresh snapshot of its org's lines. */
    void resyncLines(Peer peer, int request) {
        SafeContext.run(vertx, () -> lineSnapshot(peer, request))
                .subscribe().with(ok -> { }, failure -> peer.close(1011, "resync failed"));
    }

    private Uni<Void> lineSnapshot(Peer peer, int request) {
        return lines.snapshot(peer.orgId)
                .flatMap(snapshot -> peer.onLoop(() -> peer.sync.snapshot(request, snapshot.seq(),
                        encoder.encode(new Frames.LineSnapshot(peer.orgId, snapshot.seq(), snapshot.lines())))))
                .flatMap(written -> written ? Uni.createFrom().voidItem() : lineSnapshot(peer, request));
    }

    private Uni<Void> sendMeIfOutdated(Peer peer) {
        return peer.onLoop(peer.sync::takeOutdatedMe).flatMap(outdated -> outdated ? sendMe(List.of(peer)) : Uni.createFrom().voidItem());
    }

    /** A fresh {@code me} for these sockets, all of one user: one read per language among them. */
    Uni<Void> sendMe(List<Peer> peers) {
        Map<Messages, List<Peer>> byLanguage = peers.stream().collect(Collectors.groupingBy(peer -> peer.messages));
        Peer first = peers.get(0);
        return Multi.createFrom().iterable(byLanguage.entrySet())
                .onItem().transformToUniAndConcatenate(speakers -> presence.self(first.orgId, first.userId, speakers.getKey())
                        .invoke(self -> {
                            String text = encoder.encode(new Frames.Me(self));
                            speakers.getValue().forEach(peer -> peer.withSync(sync -> sync.me(text)));
                        }))
                .collect().last().replaceWithVoid();
    }
}
