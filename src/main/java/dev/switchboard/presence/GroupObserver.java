package dev.switchboard.presence;

import java.util.UUID;

import dev.switchboard.availability.GroupAvailability;
import io.smallrye.mutiny.Uni;

/**
 * A feature that reacts to every {@code group} org event {@link GroupEvents} stores (a group is new
 * or renamed, or its n or m changed), inside the writer's transaction, which holds the org's
 * sequence row until it commits.
 */
public interface GroupObserver {

    /** @param seq the org's sequence number of the group event */
    Uni<Void> groupChanged(UUID orgId, long seq, GroupAvailability group);
}
