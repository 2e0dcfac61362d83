package dev.switchboard.availability;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What a call from a colleague would do right now; always the action of the routing decision. */
@RegisterForReflection
public enum Reach {
    RINGS("rings"),
    FORWARDED("forwarded"),
    UNREACHABLE("unreachable");

    private final String wire;

    Reach(String wire) {
        this.wire = wire;
    }

    /** The JSON wire value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static Reach fromWire(String value) {
        for (Reach candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("Unknown Reach: " + value);
    }
}
