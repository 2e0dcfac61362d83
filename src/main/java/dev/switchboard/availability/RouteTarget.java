package dev.switchboard.availability;

import java.util.Objects;
import java.util.UUID;

import dev.switchboard.account.DeviceKind;

/**
 * One device the platform should ring.
 *
 * @param wakeUp true for an unregistered app account with a push device: the platform calls the
 *               incoming-call endpoint first to wake the app
 */
public record RouteTarget(UUID voipAccountId, String sipUsername, DeviceKind kind, boolean wakeUp) {

    public RouteTarget {
        Objects.requireNonNull(voipAccountId, "voipAccountId");
        Objects.requireNonNull(sipUsername, "sipUsername");
        Objects.requireNonNull(kind, "kind");
    }
}
