package dev.switchboard.account;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The status a user chooses for themselves (one of the two availability axes). */
@RegisterForReflection
public enum UserStatus {
    AVAILABLE("available"),
    AVAILABLE_FOR_COLLEAGUES("available_for_colleagues"),
    DO_NOT_DISTURB("do_not_disturb"),
    OFFLINE("offline");

    private final String wire;

    UserStatus(String wire) {
        this.wire = wire;
    }

    /** The JSON wire value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static UserStatus fromWire(String value) {
        for (UserStatus candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("Unknown UserStatus: " + value);
    }
}
