package dev.switchboard.sip;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.push.FakePushProviders;
import dev.switchboard.push.PushProvidersProfile;
import dev.switchboard.sip.Sipp.Phone;
import dev.switchboard.sip.Sipp.Result;
import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * An app account that is asleep: the route says {@code wakeUp}, Kamailio asks for the wake-up,
 * the service pushes (to the local FCM fake), the app registers over SIP, and the call rings it.
 */
@QuarkusTest
@TestProfile(PushProvidersProfile.class)
class KamailioWakeUpTest {

    @TestHTTPResource("/")
    java.net.URI base;

    @BeforeEach
    void tools() {
        SipTools.assumeInstalled();
    }

    @Test
    void aSleepingAppIsWokenByPushRegistersAndRings() throws Exception {
        FakePushProviders fake = FakePushProviders.current();
        UUID org = createOrg();
        TestUser anna = TestApi.user(org);
        TestUser fred = TestApi.user(org);
        Response annaDesk = createVoipAccount(org, "desk_phone", anna.id());
        Response fredApp = createVoipAccount(org, "app", fred.id());
        String token = "fcm-" + UUID.randomUUID() + ":APA91b" + UUID.randomUUID().toString().replace("-", "");
        as(fred.token()).body(Map.of("voipAccountId", fredApp.path("id"), "platform", "fcm", "token", token,
                "appId", "dev.switchboard.app", "name", "Android")).post("/api/me/push-devices").then().statusCode(201);
        as(fred.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", fredApp.path("id"))))
                .put("/api/me/availability").then().statusCode(200);
        String realm = as(platform()).get("/api/platform/sip-credentials/" + fredApp.path("sipUsername")).then().statusCode(200)
                .extract().path("realm");

        // Kamailio waits up to 5 s for the wake-up's answer: longer than the service's 4 s deadline.
        try (Kamailio kamailio = Kamailio.start("http://127.0.0.1:" + base.getPort(), realm, TestApi.PLATFORM_ID,
                TestApi.PLATFORM_SECRET, 5)) {
            try (Sipp sipp = new Sipp(kamailio);
                    Phone annaPhone = sipp.phone(annaDesk.path("sipUsername"), annaDesk.path("sipPassword"));
                    Phone fredPhone = sipp.phone(fredApp.path("sipUsername"), fredApp.path("sipPassword"))) {
                annaPhone.register(300);
                CompletableFuture<Result> call = CompletableFuture.supplyAsync(() -> annaPhone.call(fred.internalNumber(), 500));

                // The app is woken by push and registers, as a real app does on a VoIP push.
                Awaitility.await("the wake-up push").atMost(Duration.ofSeconds(15)).until(() -> !fake.to(token).isEmpty() || call.isDone());
                assertThat(fake.to(token)).as("pushed; Kamailio: " + kamailio.tail()).isNotEmpty();
                fredPhone.register(300);

                Result result = call.get(40, TimeUnit.SECONDS);
                assertThat(result.outcome()).as(kamailio.tail()).isEqualTo("RESULT 200");
                assertThat(fredPhone.invitesReceived()).isEqualTo(1);
            }
        }
    }
}
