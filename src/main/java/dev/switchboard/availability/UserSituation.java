package dev.switchboard.availability;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.switchboard.account.UserStatus;

/**
 * Everything the derivation needs about one user, captured at one moment.
 *
 * @param userId            the user
 * @param status            the chosen status (before applying {@code until})
 * @param until             when the chosen status expires, or null for "until changed"
 * @param plan              the call plan (its first single target is the v1 destination)
 * @param devices           the VoIP accounts the user owns, with live state
 * @param fixedDestinations the fixed destinations the user owns
 * @param rules             the organization's settings
 * @param groups            the ring groups the user is a member of, each with whether the user was
 *                          counted as able to take a call when last recorded (ring group availability)
 */
public record UserSituation(
        UUID userId,
        UserStatus status,
        Instant until,
        CallPlan plan,
        List<DeviceState> devices,
        List<FixedDestinationInfo> fixedDestinations,
        OrgRules rules,
        Map<UUID, Boolean> groups) {

    public UserSituation {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(rules, "rules");
        // Defensive copies keep the snapshot immutable while it is being derived from.
        devices = List.copyOf(Objects.requireNonNull(devices, "devices"));
        fixedDestinations = List.copyOf(Objects.requireNonNull(fixedDestinations, "fixedDestinations"));
        groups = Map.copyOf(Objects.requireNonNull(groups, "groups"));
    }

    /** The v1 situation: one selected destination (or none), no fallbacks, call waiting on, in no group. */
    public UserSituation(UUID userId, UserStatus status, Instant until, Destination destination, List<DeviceState> devices,
            List<FixedDestinationInfo> fixedDestinations, OrgRules rules) {
        this(userId, status, until, CallPlan.of(destination), devices, fixedDestinations, rules, Map.of());
    }

    /** The v1 destination: the plan's first step when it has exactly one target. */
    public Destination destination() {
        return plan.destination();
    }

    /** In a call on any own device. */
    public boolean inCall() {
        return devices.stream().anyMatch(DeviceState::inCall);
    }
}
