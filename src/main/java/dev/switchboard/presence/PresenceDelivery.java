package dev.switchboard.presence;

import java.util.Set;
import java.util.UUID;

/**
 * What the cross-replica messages ask of this replica's presence sockets. The bus side (listener,
 * credentials, watches) depends on this and nothing else of the delivery side.
 */
public interface PresenceDelivery {

    /** Org event {@code seq} was committed (by any replica): deliver it and anything before it. */
    void orgEvent(UUID orgId, long seq);

    /** What {@code userId} sees of themselves changed: refresh their sockets here, if any. */
    void selfChanged(UUID userId);

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
