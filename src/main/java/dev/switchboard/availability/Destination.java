package dev.switchboard.availability;

import java.util.Objects;
import java.util.UUID;

import dev.switchboard.account.DestinationType;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The user's selected destination: one of their own VoIP accounts or fixed destinations. */
@RegisterForReflection
public record Destination(DestinationType type, UUID id) {

    public Destination {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    public static Destination voipAccount(UUID id) {
        return new Destination(DestinationType.VOIP_ACCOUNT, id);
    }

    public static Destination fixedDestination(UUID id) {
        return new Destination(DestinationType.FIXED_DESTINATION, id);
    }
}
