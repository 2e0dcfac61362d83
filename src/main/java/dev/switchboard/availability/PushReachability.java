package dev.switchboard.availability;

/**
 * Which app accounts can be woken by a push notification (they have at least one push device).
 * Such an account counts as reachable even while it is not registered.
 */
public interface PushReachability {

    /**
     * An SQL condition over a VoIP account row aliased {@code a}: true when that account has a push
     * device that can wake it. A condition rather than a lookup so that a user's whole situation
     * is read in one statement.
     */
    String wakeableSql();
}
