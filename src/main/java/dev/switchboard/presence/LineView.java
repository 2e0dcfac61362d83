package dev.switchboard.presence;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One line of the platform feed: a VoIP account as a busy lamp and DND keys see it. {@code userDnd}
 * is the owner's status {@code do_not_disturb}, so the platform can light a phone's DND key from
 * the user's status as well as from the device.
 */
@RegisterForReflection
public record LineView(String sipUsername, UUID voipAccountId, UUID userId, String internalNumber, LineState state, boolean dnd,
        boolean userDnd) {

    /** What a busy lamp shows. */
    public enum LineState {
        IDLE, RINGING, IN_CALL, UNAVAILABLE;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        /**
         * The lamp from the device's live state, pure: a call in progress wins over a ringing one
         * (call waiting), and either over registration (an app answers a woken call before its
         * registration is reported); otherwise registered is idle, not registered unavailable.
         */
        public static LineState of(boolean registered, boolean ringing, boolean inCall) {
            if (inCall) {
                return IN_CALL;
            }
            if (ringing) {
                return RINGING;
            }
            return registered ? IDLE : UNAVAILABLE;
        }
    }
}
