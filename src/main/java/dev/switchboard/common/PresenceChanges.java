package dev.switchboard.common;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Account writes report here, inside their own transaction, whatever may change what colleagues
 * see. The presence feature re-derives the affected users and records an org event (with the next
 * org sequence number) only when something visible changed.
 */
public interface PresenceChanges {

    Uni<Void> userChanged(UUID orgId, UUID userId);

    Uni<Void> userAdded(UUID orgId, UUID userId);

    Uni<Void> userRemoved(UUID orgId, UUID userId);

    /**
     * Several users at once (timers, org-wide changes): their rows are locked together, in id
     * order, before any sequence number is taken, so batch and single writers cannot deadlock.
     *
     * @param orgByUser each user's organization
     */
    Uni<Void> usersChanged(java.util.Map<UUID, UUID> orgByUser);

    /**
     * VoIP accounts changed in a way no user's re-derivation covers (they have no owner, or were
     * deleted without one): the platform's line feed looks at them.
     */
    Uni<Void> devicesChanged(UUID orgId, java.util.Collection<UUID> voipAccountIds);

    /** Org settings changed: every member may look different now. */
    Uni<Void> orgChanged(UUID orgId);
}
