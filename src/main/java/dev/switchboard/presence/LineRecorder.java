package dev.switchboard.presence;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.presence.PresenceMessages.OrgEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * The platform's line feed, recorded inside the writer's transaction like presence: after each
 * re-derivation of a user (as a {@link PresenceObserver}: device state, calls, the user's status
 * all pass through it) and for devices without an owner ({@link PresenceRecorder#devicesChanged}),
 * each affected line is compared with what the feed last said, and only a changed one takes the
 * org's next line seq and is stored and announced ({@link PresencePublisher#stored}, bus prefix
 * {@code l}). Lock order: after the user's row and the org's presence sequence row (for devices
 * without owner: after the devices' rows), the org's line sequence row, always last.
 */
@ApplicationScoped
public class LineRecorder implements PresenceObserver {

    private final LineStore lines;
    private final PresenceStore store;
    private final PresencePublisher publisher;
    private final FrameEncoder frames;

    public LineRecorder(LineStore lines, PresenceStore store, PresencePublisher publisher, FrameEncoder frames) {
        this.lines = lines;
        this.store = store;
        this.publisher = publisher;
        this.frames = frames;
    }

    @Override
    public Uni<Void> recorded(Recorded change) {
        return record(change.orgId(), change.userId(), List.of());
    }

    /** A deleted member's accounts stay, without owner (and so without the user's DND). */
    @Override
    public Uni<Void> removed(UUID orgId, UUID userId) {
        return record(orgId, userId, List.of());
    }

    /**
     * Devices whose line may have changed although no user was re-derived (no owner, or deleted):
     * compared once their rows are locked, which orders their writers as a user's row does theirs.
     */
    Uni<Void> devicesChanged(UUID orgId, Collection<UUID> voipAccountIds) {
        return lines.lockAccounts(voipAccountIds).flatMap(locked -> record(orgId, null, voipAccountIds));
    }

    private Uni<Void> record(UUID orgId, UUID userId, Collection<UUID> accountIds) {
        return lines.compare(orgId, userId, accountIds).flatMap(compared -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (LineStore.Compared line : compared) {
                chain = chain.flatMap(ignored -> publish(orgId, line));
            }
            return chain;
        });
    }

    private Uni<Void> publish(UUID orgId, LineStore.Compared line) {
        if (line.now() == null) {
            if (line.said() == null) {
                return Uni.createFrom().voidItem();
            }
            String sipUsername = new JsonObject(line.said()).getString("sipUsername");
            return store.nextSeq(EventStream.LINES, orgId).flatMap(seq -> {
                String frame = frames.encode(new Frames.LineRemoved(orgId, seq, line.voipAccountId(), sipUsername));
                return publisher.stored(lines.removed(orgId, line.voipAccountId(), seq, Frames.LineRemoved.TYPE, frame),
                        new OrgEvent(orgId, seq, Frames.LineRemoved.TYPE, line.voipAccountId(), frame, EventStream.LINES), null);
            });
        }
        String json = frames.encodePart(line.now());
        if (json.equals(line.said())) {
            return Uni.createFrom().voidItem();
        }
        return store.nextSeq(EventStream.LINES, orgId).flatMap(seq -> {
            String frame = frames.encode(new Frames.Line(orgId, seq, line.now()));
            return publisher.stored(lines.said(orgId, line.now(), json, seq, Frames.Line.TYPE, frame),
                    new OrgEvent(orgId, seq, Frames.Line.TYPE, line.voipAccountId(), frame, EventStream.LINES), null);
        });
    }
}
