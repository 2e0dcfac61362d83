package dev.switchboard.sip;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.sip.Sipp.Phone;
import dev.switchboard.sip.Sipp.Result;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * The SIP platform for real: Debian's Kamailio 5.6 running integrations/kamailio/kamailio.cfg on
 * loopback in front of this service (the test's own Quarkus application with its embedded
 * PostgreSQL, on its HTTP test port), SIPp phones registering and calling through it. Everything
 * is asserted through what the phones and a colleague's presence socket observe. Skipped when
 * kamailio or sipp is not installed (see {@link SipTools#assumeInstalled()}).
 */
@QuarkusTest
class KamailioEndToEndTest {

    @TestHTTPResource("/")
    URI base;

    // Per test, not @BeforeAll: a skip then counts as a skipped test, with its hint in the report.
    @BeforeEach
    void tools() {
        SipTools.assumeInstalled();
    }

    /** A device as the platform knows it: its SIP credentials come from the 201 of its creation. */
    private record Device(UUID id, String sipUsername, String password, String internalNumber) {
        static Device create(UUID org, String kind, Member owner) {
            Response created = createVoipAccount(org, kind, owner.id);
            return new Device(UUID.fromString(created.path("id")), created.path("sipUsername"), created.path("sipPassword"),
                    created.path("internalNumber"));
        }
    }

    @Test
    void phonesRegisterAndCallThroughKamailioAsSwitchboardRoutesThem() {
        UUID org = createOrg();
        Member anna = Fixtures.user(org);
        Member bob = Fixtures.user(org);
        Member carl = Fixtures.user(org);
        Member dora = Fixtures.user(org);
        Device annaDesk = Device.create(org, "desk_phone", anna);
        Device bobDesk = Device.create(org, "desk_phone", bob);
        Device bobSoftphone = Device.create(org, "softphone", bob);
        Device carlDesk = Device.create(org, "desk_phone", carl);
        Member erik = Fixtures.user(org);
        Device erikDesk = Device.create(org, "desk_phone", erik);
        Device erikSoftphone = Device.create(org, "softphone", erik);
        select(anna, annaDesk);
        select(bob, bobDesk);
        select(carl, carlDesk);
        // Erik's plan: his desk phone for 5 s, then his softphone.
        as(operator()).body(Map.of("steps", List.of(
                Map.of("targets", List.of(Map.of("type", "voip_account", "id", erikDesk.id().toString())), "ringSeconds", 5),
                Map.of("targets", List.of(Map.of("type", "voip_account", "id", erikSoftphone.id().toString())), "ringSeconds", 20))))
                .put(erik.path() + "/call-plan").then().statusCode(200);
        String realm = as(platform()).get("/api/platform/sip-credentials/" + annaDesk.sipUsername()).then().statusCode(200)
                .extract().path("realm");

        try (ServiceGate gate = new ServiceGate(base.getPort());
                // A 4 s timeout (the configuration's default is 2 s): a test machine busy with other builds
                // must not turn a slow answer into a fallback.
                Kamailio kamailio = Kamailio.start(gate.url(), realm, TestApi.PLATFORM_ID, TestApi.PLATFORM_SECRET, 4);
                SocketClient doraSees = SocketClient.connect(base, dora.token(), null)) {
            try (Sipp sipp = new Sipp(kamailio);
                    Phone annaPhone = sipp.phone(annaDesk.sipUsername(), annaDesk.password());
                    Phone bobPhone = sipp.phone(bobDesk.sipUsername(), bobDesk.password());
                    Phone bobSoftphoneApp = sipp.phone(bobSoftphone.sipUsername(), bobSoftphone.password());
                    Phone carlPhone = sipp.phone(carlDesk.sipUsername(), carlDesk.password());
                    Phone erikPhone = sipp.unattendedPhone(erikDesk.sipUsername(), erikDesk.password());
                    Phone erikSoftphoneApp = sipp.phone(erikSoftphone.sipUsername(), erikSoftphone.password())) {
                JsonObject snapshot = doraSees.next("snapshot");
                assertThat(availabilityIn(snapshot, bob)).as("Bob's selected desk phone is not registered yet").isEqualTo("offline");

                // Phones register through Kamailio (digest against Switchboard's HA1): colleagues see them turn green.
                for (Phone phone : List.of(annaPhone, bobPhone, bobSoftphoneApp, carlPhone, erikPhone, erikSoftphoneApp)) {
                    phone.register(300);
                }
                for (Member colleague : List.of(anna, bob, carl)) {
                    awaitAvailability(doraSees, colleague, "available", kamailio);
                }

                // Anna calls Bob: his selected desk phone rings (not his softphone), he is busy while it lasts.
                Result call = annaPhone.call(bob.internalNumber, 1500);
                assertThat(call.outcome()).as(kamailio.tail()).isEqualTo("RESULT 200");
                assertThat(call.exitCode()).isZero();
                awaitAvailability(doraSees, bob, "busy", kamailio);
                awaitAvailability(doraSees, bob, "available", kamailio);
                assertThat(bobPhone.invitesReceived()).isEqualTo(1);

                // Carl on do-not-disturb: Anna's phone gets the mapped SIP status and Switchboard's reason.
                as(carl.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
                awaitAvailability(doraSees, carl, "do_not_disturb", kamailio);
                Result dnd = annaPhone.call(carl.internalNumber, 500);
                assertThat(dnd.exitCode()).as(dnd.output()).isZero();
                assertThat(dnd.outcome()).as(kamailio.tail()).startsWith("RESULT 486 code=STATUS_DND reason=SIP;cause=486;text=\"");
                assertThat(carlPhone.invitesReceived()).isZero();
                Map<String, Object> why = Awaitility.await("the rejected call in Carl's history").atMost(Duration.ofSeconds(20))
                        .until(() -> lastCall(org, carl), item -> item != null);
                assertThat(why.get("actor")).isEqualTo(Map.of("type", "platform"));
                @SuppressWarnings("unchecked")
                Map<String, Object> details = (Map<String, Object>) why.get("details");
                assertThat(details).containsEntry("from", annaDesk.internalNumber()).containsEntry("outcome", "rejected");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> reasons = (List<Map<String, Object>>) details.get("reasons");
                assertThat(reasons).singleElement().satisfies(reason -> {
                    assertThat(reason).containsEntry("code", "STATUS_DND");
                    assertThat(dnd.outcome()).contains((String) reason.get("message"));
                });

                // Erik's plan: his desk phone rings for its 5 s, nobody picks up, then his softphone answers.
                long start = System.nanoTime();
                Result planned = annaPhone.call(erik.internalNumber, 500);
                assertThat(planned.outcome()).as(kamailio.tail()).isEqualTo("RESULT 200");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the first step rang for its ring time")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(4500));
                assertThat(erikPhone.invitesReceived()).isEqualTo(1);
                assertThat(erikSoftphoneApp.invitesReceived()).isEqualTo(1);
                Awaitility.await("Erik's history: not answered in step 1, answered in step 2").atMost(Duration.ofSeconds(20))
                        .until(() -> calls(erik).stream().map(item -> (Map<?, ?>) item.get("details"))
                                .map(d -> d.get("outcome") + "@" + d.get("step")).toList(),
                                outcomes -> outcomes.contains("no_answer@1") && outcomes.contains("answered@2"));

                // Switchboard stopped: the call still rings what Switchboard last rang for that number.
                gate.cut();
                Result fallback = annaPhone.call(bob.internalNumber, 500);
                assertThat(fallback.outcome()).as(kamailio.tail()).isEqualTo("RESULT 200");
                assertThat(bobPhone.invitesReceived()).isEqualTo(2);
                gate.restore();

                // Bob's desk phone unregisters: he shows offline, and a call to him rings nothing.
                bobPhone.register(0);
                awaitAvailability(doraSees, bob, "offline", kamailio);
                Result unreachable = annaPhone.call(bob.internalNumber, 500);
                assertThat(unreachable.outcome()).as(kamailio.tail()).startsWith("RESULT 480 code=DEVICE_UNREGISTERED reason=SIP;cause=480");
                assertThat(bobPhone.invitesReceived()).isEqualTo(2);
                assertThat(bobSoftphoneApp.invitesReceived()).as("a phone that is not selected never rings").isZero();

                // Switchboard hanging: after Kamailio's timeout, the call rings Bob's desk phone (back
                // again) as above. Last: the reports of this call each wait for the timeout too.
                bobPhone.register(300);
                gate.stall();
                start = System.nanoTime();
                Result slow = annaPhone.call(bob.internalNumber, 500);
                assertThat(slow.outcome()).as(kamailio.tail()).isEqualTo("RESULT 200");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the timeout")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(3900));
                assertThat(bobPhone.invitesReceived()).isEqualTo(3);
            }
        }
    }

    private static void select(Member user, Device device) {
        as(operator()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", device.id().toString())))
                .put(user.path() + "/availability").then().statusCode(200);
    }

    private static String availabilityIn(JsonObject snapshot, Member user) {
        return snapshot.getJsonArray("colleagues").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("userId").equals(user.id.toString())).findFirst().orElseThrow().getString("availability");
    }

    private static void awaitAvailability(SocketClient socket, Member user, String availability, Kamailio kamailio) {
        try {
            socket.next(frame -> "presence".equals(frame.getString("type"))
                    && user.id.toString().equals(frame.getJsonObject("colleague").getString("userId"))
                    && availability.equals(frame.getJsonObject("colleague").getString("availability")));
        } catch (AssertionError e) {
            throw new AssertionError("no presence " + availability + " for " + user.internalNumber + "; Kamailio: " + kamailio.tail(), e);
        }
    }

    private static Map<String, Object> lastCall(UUID org, Member user) {
        List<Map<String, Object>> items = calls(user);
        return items.isEmpty() ? null : items.get(0);
    }

    private static List<Map<String, Object>> calls(Member user) {
        return as(operator()).get(user.path() + "/history?type=call").then().statusCode(200).extract().path("items");
    }
}
