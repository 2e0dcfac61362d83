package dev.switchboard.availability;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** How a ring group rings the members who can take a call. */
@RegisterForReflection
public enum RingStrategy {
    /** Everyone at once, for the member ring time. */
    RING_ALL("ring_all"),
    /** One after the other, in the group's order. */
    IN_ORDER("in_order"),
    /** One after the other, the one available the longest first. */
    LONGEST_IDLE("longest_idle"),
    /** One after the other, each call starting one member further than the previous one. */
    ROUND_ROBIN("round_robin");

    private final String wire;

    RingStrategy(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static RingStrategy fromWire(String value) {
        for (RingStrategy candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("must be ring_all, in_order, longest_idle or round_robin");
    }
}
