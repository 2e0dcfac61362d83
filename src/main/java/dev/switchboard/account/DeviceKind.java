package dev.switchboard.account;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of device a VoIP account is. */
public enum DeviceKind {
    DESK_PHONE("desk_phone", "desk phone"),
    WEBPHONE("webphone", "webphone"),
    APP("app", "app"),
    SOFTPHONE("softphone", "softphone");

    private final String wire;
    private final String label;

    DeviceKind(String wire, String label) {
        this.wire = wire;
        this.label = label;
    }

    /** The JSON wire value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Lower-case human name used in reason messages, e.g. "desk phone". */
    public String label() {
        return label;
    }

    /** Parses a JSON wire value; unknown or null values are rejected rather than silently mapped. */
    @JsonCreator
    public static DeviceKind fromWire(String value) {
        for (DeviceKind candidate : values()) {
            if (candidate.wire.equals(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("Unknown DeviceKind: " + value);
    }
}
