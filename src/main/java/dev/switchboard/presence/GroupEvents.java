package dev.switchboard.presence;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import dev.switchboard.availability.GroupAvailability;
import dev.switchboard.presence.PresenceMessages.OrgEvent;
import io.smallrye.mutiny.Uni;

/**
 * Ring group availability as org events: a {@code group} frame with the org's next seq, stored and
 * announced like a presence change (one statement with its NOTIFY, see {@link PresencePublisher}),
 * inside the caller's transaction. Lock order as for presence: user rows, then the org's sequence
 * row ({@link #lockSeq}), then ring group rows and memberships. Each {@link GroupObserver} hears of
 * every {@code group} event in the same transaction.
 */
@ApplicationScoped
public class GroupEvents {

    private final PresenceStore store;
    private final PresencePublisher publisher;
    private final FrameEncoder frames;
    private final List<GroupObserver> observers;

    public GroupEvents(PresenceStore store, PresencePublisher publisher, FrameEncoder frames, Instance<GroupObserver> observers) {
        this.store = store;
        this.publisher = publisher;
        this.frames = frames;
        this.observers = observers.stream().toList();
    }

    /**
     * Takes the org's sequence row lock (held until commit) without taking a number: every writer
     * of group availability does, first, so each counts what the one before it committed.
     */
    public Uni<Void> lockSeq(UUID orgId) {
        return store.lockSeq(orgId);
    }

    /** The group is new, renamed or its availability changed: tell the org. */
    public Uni<Void> changed(UUID orgId, GroupAvailability group) {
        return store.nextSeq(orgId).flatMap(seq -> {
            String frame = frames.encode(new Frames.Group(seq, group));
            OrgEvent event = new OrgEvent(orgId, seq, Frames.Group.TYPE, group.groupId(), frame);
            Uni<Void> stored = publisher.stored(store.group(orgId, group, seq, Frames.Group.TYPE, frame), event, null);
            for (GroupObserver observer : observers) {
                stored = stored.flatMap(ignored -> observer.groupChanged(orgId, seq, group));
            }
            return stored;
        });
    }

    /** The group was deleted. */
    public Uni<Void> removed(UUID orgId, UUID groupId) {
        return store.nextSeq(orgId).flatMap(seq -> {
            String frame = frames.encode(new Frames.GroupRemoved(seq, groupId));
            OrgEvent event = new OrgEvent(orgId, seq, Frames.GroupRemoved.TYPE, groupId, frame);
            return publisher.stored(store.event(orgId, seq, Frames.GroupRemoved.TYPE, groupId, frame), event, null);
        });
    }
}
