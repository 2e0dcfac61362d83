package dev.switchboard.availability;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.switchboard.account.UserStatus;

/**
 * Everything the derivation needs about one user, captured at one moment.
 *
 * @param userId            the user
 * @param status            the chosen status (before applying {@code until})
 * @param until             when the chosen status expires, or null for "until changed"
 * @param destination       the selected destination, or null when nothing is selected
 * @param devices           the VoIP accounts the user owns, with live state
 * @param fixedDestinations the fixed destinations the user owns
 * @param rules             the organization's settings
 */
public record UserSituation(
        UUID userId,
        UserStatus status,
        Instant until,
        Destination destination,
        List<DeviceState> devices,
        List<FixedDestinationInfo> fixedDestinations,
        OrgRules rules) {

    public UserSituation {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(rules, "rules");
        // Defensive copies keep the snapshot immutable while it is being derived from.
        devices = List.copyOf(Objects.requireNonNull(devices, "devices"));
        fixedDestinations = List.copyOf(Objects.requireNonNull(fixedDestinations, "fixedDestinations"));
    }
}
