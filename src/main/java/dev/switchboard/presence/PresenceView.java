package dev.switchboard.presence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.switchboard.availability.Availability;
import dev.switchboard.account.CallContext;
import dev.switchboard.availability.Reach;
import dev.switchboard.account.UserStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What colleagues see of a user. Never names a device or a number other than the user's own
 * extension. {@code note} is the user's plain-text status note (null: none).
 */
@RegisterForReflection
public record PresenceView(UUID userId, String name, String internalNumber, Availability availability,
        UserStatus userStatus, List<CallContext> context, Reach reach, Instant since, String note) {

    /** Equal in everything colleagues can see except {@code since} (which follows from the rest). */
    boolean sameAs(PresenceView other) {
        return other != null && userId.equals(other.userId) && name.equals(other.name)
                && internalNumber.equals(other.internalNumber) && availability == other.availability
                && userStatus == other.userStatus && context.equals(other.context) && reach == other.reach
                && java.util.Objects.equals(note, other.note);
    }
}
