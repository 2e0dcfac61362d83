package dev.switchboard.availability;

import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A ring group as the presence stream shows it: {@code available} of its {@code members} can take
 * a call now (a colleague's call would ring them).
 */
@RegisterForReflection
public record GroupAvailability(UUID groupId, String name, String internalNumber, int available, int members) {
}
