package dev.switchboard.presence;

import java.util.Set;
import java.util.UUID;

/**
 * What the cross-replica messages ask of this replica's presence sockets. The bus side (listener,
 * credentials, watches) depends on this and nothing else of the delivery side.
 */
public interface PresenceDelivery {

    /**
     * An org event was committed (by any replica): deliver it and anything before it, in seq order;
     * ignore it when its seq was delivered already.
     */
    void orgEvent(PresenceMessages.OrgEvent event);

    /**
     * What a user sees of themselves changed: their sockets here, if any, get the carried {@code me}
     * frame, or one read now. Arrives in commit order, which for one user is the order of changes.
     */
    void selfChanged(PresenceMessages.SelfChanged change);

    /** The organization is gone: its sockets close with 4403. */
    void orgDeleted(UUID orgId);

    /** The user's credentials are now at {@code version}: older sockets close (4401, or 4403 when deleted). */
    void credentialsChanged(UUID userId, long version);

    /** Users with a socket on this replica. */
    Set<UUID> connectedUsers();

    /** A frame outside the org sequence (e.g. {@code watch_fired}) for every socket of the user here. */
    void sendToUser(UUID userId, Frames.ServerFrame frame);

    /** Messages may have been lost (the listening connection was re-established): catch everything up. */
    void resyncAll();
}
