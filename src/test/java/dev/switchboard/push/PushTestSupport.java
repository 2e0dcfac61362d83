package dev.switchboard.push;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.user;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.switchboard.support.TestApi.TestUser;
import io.restassured.response.Response;

/** Push devices and app accounts through the public API. */
final class PushTestSupport {

    private PushTestSupport() {
    }

    /** A PushKit VoIP token. The fakes tell VoIP ("f0f0…") and alert ("a1e7…") tokens apart, as APNs does. */
    static String apnsToken() {
        return "f0f0" + (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    /** An ordinary APNs remote-notification token (for alerts). */
    static String apnsAlertToken() {
        return "a1e7" + (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    static String fcmToken() {
        return "fcm-" + UUID.randomUUID() + ":APA91b" + UUID.randomUUID().toString().replace("-", "");
    }

    static Response register(TestUser owner, String voipAccountId, String platform, String token) {
        Map<String, Object> body = new HashMap<>();
        body.put("voipAccountId", voipAccountId);
        body.put("platform", platform);
        body.put("token", token);
        body.put("appId", "dev.switchboard.app");
        body.put("name", platform + " phone");
        return as(owner.token()).body(body).post("/api/me/push-devices");
    }

    /** An iPhone: VoIP token for calls, alert token for visible notifications. */
    static String registeredIphone(TestUser owner, String voipAccountId, String voipToken, String alertToken) {
        Map<String, Object> body = new HashMap<>();
        body.put("voipAccountId", voipAccountId);
        body.put("platform", "apns");
        body.put("token", voipToken);
        body.put("alertToken", alertToken);
        body.put("appId", "dev.switchboard.app");
        body.put("name", "iPhone");
        return as(owner.token()).body(body).post("/api/me/push-devices").then().statusCode(201).extract().path("id");
    }

    static String registered(TestUser owner, String voipAccountId, String platform, String token) {
        Response response = register(owner, voipAccountId, platform, token);
        response.then().statusCode(201);
        return response.path("id");
    }

    /** A new org's member whose app account has an iPhone (alerts to its alert token) and an Android phone. */
    record TwoPhones(UUID org, TestUser owner, String iphoneDevice, String iphoneToken, String androidDevice, String androidToken) {

        static TwoPhones create() {
            UUID org = createOrg();
            TestUser owner = user(org);
            String app = createVoipAccount(org, "app", owner.id()).path("id");
            String iphoneToken = apnsAlertToken();
            String androidToken = fcmToken();
            return new TwoPhones(org, owner, registeredIphone(owner, app, apnsToken(), iphoneToken), iphoneToken,
                    registered(owner, app, "fcm", androidToken), androidToken);
        }
    }

    /** The user's availability set to this destination with the given status. */
    static void select(TestUser user, String voipAccountId, String status) {
        as(user.token()).body(Map.of("status", status, "destination", Map.of("type", "voip_account", "id", voipAccountId)))
                .put("/api/me/availability").then().statusCode(200);
    }
}
