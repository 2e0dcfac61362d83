package dev.switchboard.presence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.switchboard.availability.Availability;
import dev.switchboard.account.CallContext;
import dev.switchboard.availability.Destination;
import dev.switchboard.availability.Reach;
import dev.switchboard.availability.Reachability;
import dev.switchboard.account.UserStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a user sees of themselves: their presence as colleagues see it, plus the status and
 * destination they chose and why calls do or do not reach them. {@code context} is never hidden here.
 */
@RegisterForReflection
public record SelfView(UUID userId, String name, String internalNumber, Availability availability,
        UserStatus userStatus, List<CallContext> context, Reach reach, Instant since, String note,
        UserStatus status, Destination destination, Instant until, Instant noteUntil, Reachability reachability) {
}
