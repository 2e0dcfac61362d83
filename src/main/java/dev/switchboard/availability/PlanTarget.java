package dev.switchboard.availability;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.switchboard.account.DeviceKind;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One target of a route step, as the platform executes it: a device to ring
 * ({@code voipAccountId, sipUsername, kind, wakeUp}), an external number ({@code forwardTo}), or a
 * user's voicemail ({@code voicemail}: the user id). Fields that do not apply are left out.
 *
 * @param userId whose target it is (for the reason's words); not on the wire
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "voipAccountId", "sipUsername", "kind", "wakeUp", "forwardTo", "voicemail" })
public record PlanTarget(UUID voipAccountId, String sipUsername, DeviceKind kind, Boolean wakeUp, String forwardTo,
        UUID voicemail) {

    public static PlanTarget device(RouteTarget target) {
        return new PlanTarget(target.voipAccountId(), target.sipUsername(), target.kind(), target.wakeUp(), null, null);
    }

    public static PlanTarget forward(String number) {
        return new PlanTarget(null, null, null, null, number, null);
    }

    public static PlanTarget voicemailOf(UUID userId) {
        return new PlanTarget(null, null, null, null, null, userId);
    }

    /** The v1 target of a device, or null for a forward or voicemail. */
    public RouteTarget routeTarget() {
        return voipAccountId == null ? null : new RouteTarget(voipAccountId, sipUsername, kind, wakeUp);
    }
}
