package dev.switchboard.availability;

import java.util.List;
import java.util.Objects;

import dev.switchboard.account.CallContext;
import dev.switchboard.account.UserStatus;

/**
 * The derived presence of a user. It never names a device or a number.
 *
 * @param availability    what colleagues see
 * @param context         call activity on the user's devices ({@code ringing} before {@code in_call})
 * @param reach           what a colleague's call would do now (the routing decision's action)
 * @param effectiveStatus the chosen status after applying an expired {@code until}
 */
public record PresenceState(Availability availability, List<CallContext> context, Reach reach, UserStatus effectiveStatus) {

    public PresenceState {
        Objects.requireNonNull(availability, "availability");
        context = List.copyOf(Objects.requireNonNull(context, "context"));
        Objects.requireNonNull(reach, "reach");
        Objects.requireNonNull(effectiveStatus, "effectiveStatus");
    }

    /** The context colleagues may see: hidden entirely when the org disables it ({@code busy} still shows). */
    public List<CallContext> contextForColleagues(OrgRules rules) {
        return rules.showCallContext() ? context : List.of();
    }
}
