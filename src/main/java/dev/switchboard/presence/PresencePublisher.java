package dev.switchboard.presence;

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
 * change commits, in commit order.
 */
@ApplicationScoped
public class PresencePublisher {

    private final ClusterBus bus;

    public PresencePublisher(ClusterBus bus) {
        this.bus = bus;
    }

    /** An org event was stored. */
    public Uni<Void> orgEvent(UUID orgId, long seq) {
        return bus.publish(new OrgEvent(orgId, seq));
    }

    /** What this user sees of themselves changed. */
    public Uni<Void> selfChanged(UUID orgId, UUID userId) {
        return bus.publish(new SelfChanged(orgId, userId));
    }

    /** The organization was deleted; its sockets close. */
    public Uni<Void> orgDeleted(UUID orgId) {
        return bus.publish(new OrgDeleted(orgId));
    }
}
