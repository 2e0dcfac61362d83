package dev.switchboard.availability;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Machine-readable reachability / rejection codes; the wire value is the upper-case name. */
@RegisterForReflection
public enum ReasonCode {
    OK("OK"),
    NO_DESTINATION("NO_DESTINATION"),
    STATUS_OFFLINE("STATUS_OFFLINE"),
    STATUS_DND("STATUS_DND"),
    COLLEAGUES_ONLY("COLLEAGUES_ONLY"),
    DEVICE_UNREGISTERED("DEVICE_UNREGISTERED"),
    DEVICE_DND("DEVICE_DND"),
    APP_NO_PUSH_DEVICE("APP_NO_PUSH_DEVICE"),
    IN_CALL("IN_CALL"),
    /** Nobody answered within the ring time and there is no fallback (v2). */
    NO_ANSWER("NO_ANSWER"),
    /** Nobody in the ring group can take a call now (v2). */
    NO_MEMBER_AVAILABLE("NO_MEMBER_AVAILABLE"),
    /** Fallbacks led through more users or groups than the limit (v2). */
    TOO_MANY_HOPS("TOO_MANY_HOPS");

    private final String wire;

    ReasonCode(String wire) {
        this.wire = wire;
    }

    /** The JSON wire value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static ReasonCode fromWire(String value) {
        for (ReasonCode candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("Unknown ReasonCode: " + value);
    }
}
