package dev.switchboard.availability;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The colleague-visible availability derived from status, destination, device and call state. */
@RegisterForReflection
public enum Availability {
    AVAILABLE("available"),
    AVAILABLE_FOR_COLLEAGUES("available_for_colleagues"),
    DO_NOT_DISTURB("do_not_disturb"),
    BUSY("busy"),
    OFFLINE("offline");

    private final String wire;

    Availability(String wire) {
        this.wire = wire;
    }

    /** The JSON wire value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static Availability fromWire(String value) {
        for (Availability candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("Unknown Availability: " + value);
    }
}
