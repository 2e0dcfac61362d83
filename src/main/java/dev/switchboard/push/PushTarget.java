package dev.switchboard.push;

import java.util.UUID;

/** One registered device as the senders need it. */
record PushTarget(UUID deviceId, String platform, String token, String appId, boolean sandbox) {

    static final String FCM = "fcm";
    static final String APNS = "apns";
}
