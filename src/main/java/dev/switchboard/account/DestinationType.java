package dev.switchboard.account;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What a user's selected destination points at. */
@RegisterForReflection
public enum DestinationType {
    VOIP_ACCOUNT("voip_account"),
    FIXED_DESTINATION("fixed_destination");

    private final String wire;

    DestinationType(String wire) {
        this.wire = wire;
    }

    /** The JSON wire value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static DestinationType fromWire(String value) {
        for (DestinationType candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("Unknown DestinationType: " + value);
    }
}
