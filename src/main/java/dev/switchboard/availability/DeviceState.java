package dev.switchboard.availability;

import java.util.Objects;
import java.util.UUID;

import dev.switchboard.account.DeviceKind;
import dev.switchboard.common.Messages;

/**
 * Live state of one VoIP account (device) as the derivation needs it.
 *
 * @param voipAccountId  the VoIP account id
 * @param sipUsername    SIP username the platform rings
 * @param kind           device kind
 * @param internalNumber the account's extension (may be null; only used in messages)
 * @param description    free text such as "Hall" (may be null; only used in messages)
 * @param registered     currently registered (for webphone/app: also "connected by socket")
 * @param dnd            device-side do-not-disturb
 * @param hasPushDevice  an app account with at least one push device that can wake it
 * @param ringing        a call is ringing on this device
 * @param inCall         a call is answered on this device
 */
public record DeviceState(
        UUID voipAccountId,
        String sipUsername,
        DeviceKind kind,
        String internalNumber,
        String description,
        boolean registered,
        boolean dnd,
        boolean hasPushDevice,
        boolean ringing,
        boolean inCall) {

    public DeviceState {
        Objects.requireNonNull(voipAccountId, "voipAccountId");
        Objects.requireNonNull(sipUsername, "sipUsername");
        Objects.requireNonNull(kind, "kind");
    }

    /** Human name such as "desk phone 201 (Hall)"; blank parts are left out. */
    public String label() {
        return label(Messages.ENGLISH);
    }

    /** {@link #label()} in {@code m}'s language ("bureautelefoon 201 (Hal)"). */
    public String label(Messages m) {
        StringBuilder sb = new StringBuilder(m.text("device.kind." + kind.wire()));
        if (internalNumber != null && !internalNumber.isBlank()) {
            sb.append(' ').append(internalNumber);
        }
        if (description != null && !description.isBlank()) {
            sb.append(" (").append(description).append(')');
        }
        return sb.toString();
    }
}
