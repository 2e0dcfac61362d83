package dev.switchboard.push;

import java.time.Instant;
import java.util.Map;

/**
 * What to tell a device, provider-neutral. {@code data} travels as string key/values (FCM data,
 * top-level APNs keys). A {@code title} makes it a visible notification; a call wake-up has none
 * (a VoIP push on APNs, a high-priority data message on FCM).
 *
 * @param expiresAt after this the provider should drop it rather than deliver it late
 * @param collapseId repeated pushes with the same id replace each other on the device
 */
record PushMessage(Kind kind, Map<String, String> data, String title, String body, String collapseId, Instant expiresAt) {

    enum Kind {
        /** Incoming-call wake-up: APNs {@code voip} push to {@code <appId>.voip}, FCM high-priority data. */
        CALL,
        /** "Colleague available": APNs {@code alert}, FCM notification + data. */
        WATCH
    }
}
