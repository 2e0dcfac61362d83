package dev.switchboard.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.ClusterBus;
import dev.switchboard.presence.PresenceMessages.OrgDeleted;
import dev.switchboard.presence.PresenceMessages.OrgEvent;
import dev.switchboard.presence.PresenceMessages.SelfChanged;
import io.smallrye.mutiny.Uni;

/**
 * Announces recorded presence changes to every replica ({@link PresenceMessages} on the
 * {@link ClusterBus}), inside the recording transaction: a message is delivered if and only if the
 * change commits, in commit order. A change is stored and announced in one statement, and its org
 * event is handed to this replica's own sockets right after the commit.
 */
@ApplicationScoped
public class PresencePublisher {

    private final ClusterBus bus;

    public PresencePublisher(ClusterBus bus) {
        this.bus = bus;
    }

    /**
     * Runs {@code write} and announces what it stored, in one round trip: the org {@code event}
     * (its frame carried when it fits; null: none) to every replica, this one right after the
     * commit without waiting for its NOTIFY; and when {@code selfChanged} that the user's own
     * view changed.
     */
    Uni<Void> stored(PresenceStore.Write write, OrgEvent event, SelfChanged selfChanged) {
        List<ClusterBus.Message> messages = new ArrayList<>(2);
        if (event != null) {
            messages.add(event);
        }
        if (selfChanged != null) {
            messages.add(selfChanged);
        }
        Uni<Void> sent = bus.publishWith(write.statements(), write.params(), messages);
        return event == null ? sent : sent.call(() -> bus.deliverHereOnCommit(event));
    }

    /** The organization was deleted; its sockets close. */
    public Uni<Void> orgDeleted(UUID orgId) {
        return bus.publish(new OrgDeleted(orgId));
    }
}
