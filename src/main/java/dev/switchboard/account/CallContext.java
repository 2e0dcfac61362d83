package dev.switchboard.account;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Call activity on any of the user's own devices. */
@RegisterForReflection
public enum CallContext {
    RINGING("ringing"),
    IN_CALL("in_call");

    private final String wire;

    CallContext(String wire) {
        this.wire = wire;
    }

    /** The JSON wire value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static CallContext fromWire(String value) {
        for (CallContext candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("Unknown CallContext: " + value);
    }
}
