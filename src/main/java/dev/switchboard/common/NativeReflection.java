package dev.switchboard.common;

import dev.switchboard.availability.Availability;
import dev.switchboard.availability.AvailabilityDtos;
import dev.switchboard.availability.CallContext;
import dev.switchboard.availability.Destination;
import dev.switchboard.availability.DestinationType;
import dev.switchboard.availability.Reach;
import dev.switchboard.availability.Reachability;
import dev.switchboard.availability.Reason;
import dev.switchboard.availability.ReasonCode;
import dev.switchboard.availability.UserStatus;
import dev.switchboard.presence.Frames;
import dev.switchboard.presence.PresenceView;
import dev.switchboard.presence.SelfView;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every type that our own code hands to an {@code ObjectMapper} (socket frames, the outbox frames
 * stored by the presence recorder, the socket's {@code set_availability} body), with the types
 * they contain. Quarkus REST registers what it sees in resource signatures, but a native image
 * knows nothing of these calls: a type missing here serializes as {@code {}} or fails in the
 * native build only.
 */
@RegisterForReflection(targets = {
        Frames.class,
        Frames.Presence.class,
        Frames.ColleagueAdded.class,
        Frames.ColleagueRemoved.class,
        Frames.Snapshot.class,
        Frames.Me.class,
        Frames.WatchFired.class,
        PresenceView.class,
        SelfView.class,
        Destination.class,
        DestinationType.class,
        Reachability.class,
        Reason.class,
        ReasonCode.class,
        Reach.class,
        Availability.class,
        CallContext.class,
        UserStatus.class,
        AvailabilityDtos.SetAvailability.class,
        AvailabilityDtos.AvailabilityView.class,
        Problem.class,
        Problem.FieldError.class })
public final class NativeReflection {

    private NativeReflection() {
    }
}
