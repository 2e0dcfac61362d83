package dev.switchboard.availability;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Where a call goes when a plan cannot or does not ring: {@code reject} when nothing is set. */
@RegisterForReflection
public enum FallbackType {
    FIXED_DESTINATION("fixed_destination"),
    USER("user"),
    GROUP("group"),
    VOICEMAIL("voicemail"),
    REJECT("reject");

    private final String wire;

    FallbackType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static FallbackType fromWire(String value) {
        for (FallbackType candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("must be fixed_destination, user, group, voicemail or reject");
    }

    /** Leads to another user or group: the service resolves it as a hop. */
    public boolean hops() {
        return this == USER || this == GROUP;
    }
}
