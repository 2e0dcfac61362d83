package dev.switchboard.presence;

import java.time.Instant;
import java.util.UUID;

import dev.switchboard.account.UserStatus;
import dev.switchboard.availability.Availability;
import dev.switchboard.availability.UserSituation;
import io.smallrye.mutiny.Uni;

/**
 * A feature that reacts to every presence derivation {@link PresenceRecorder} records, inside the
 * writer's transaction (so whatever it writes commits or rolls back with the change itself).
 * Called for every re-derivation, also when nothing visible changed.
 */
public interface PresenceObserver {

    /**
     * @param before    the availability colleagues saw until now (null: never published)
     * @param after     the availability colleagues see from this transaction on
     * @param situation what the derivation was made from (devices with their live state, …)
     * @param seq       the org's sequence number of this change when colleagues see something new
     *                  (null: nothing visible changed)
     * @param view      what colleagues see from this transaction on (the presence frame's content)
     * @param statusBefore the user's effective status until now (null: never published)
     * @param at        when the change was recorded
     */
    record Recorded(UUID orgId, UUID userId, String name, Availability before, Availability after,
            UserSituation situation, Long seq, PresenceView view, UserStatus statusBefore, Instant at) {

        /** Colleagues see something new (a presence frame with {@link #seq} was stored). */
        public boolean visible() {
            return seq != null;
        }

        /** The user's effective status changed in this (visible) change. */
        public boolean statusChanged() {
            return seq != null && statusBefore != view.userStatus();
        }

        public boolean becameReachable() {
            return isGreen(after) && !isGreen(before);
        }

        private static boolean isGreen(Availability availability) {
            return availability == Availability.AVAILABLE || availability == Availability.AVAILABLE_FOR_COLLEAGUES;
        }
    }

    Uni<Void> recorded(Recorded change);

    /** A member was deleted (their rows are gone), after the org was told, in the same transaction. */
    default Uni<Void> removed(UUID orgId, UUID userId) {
        return Uni.createFrom().voidItem();
    }
}
