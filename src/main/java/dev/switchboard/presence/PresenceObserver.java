package dev.switchboard.presence;

import java.util.UUID;

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
     */
    record Recorded(UUID orgId, UUID userId, String name, Availability before, Availability after,
            UserSituation situation) {

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
