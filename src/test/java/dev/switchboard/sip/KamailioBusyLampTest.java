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
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.sip.Sipp.Lamp;
import dev.switchboard.sip.Sipp.Phone;
import dev.switchboard.sip.Sipp.Result;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import dev.switchboard.support.TestApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Busy lamps for real: integrations/kamailio/blf-bridge.py follows the platform feed and
 * PUBLISHes each line's dialog-info into Kamailio's presence server; a SIPp phone that SUBSCRIBEs
 * (Event: dialog) to a colleague's extension sees the lamp in the NOTIFYs it receives while that
 * colleague's phone registers and takes a call through Kamailio, and the DND key (dnd + extension)
 * follows the colleague's do-not-disturb status, also across a reconnect of the bridge's feed.
 * Skipped like the other SIP tests, and without python3.
 */
@QuarkusTest
class KamailioBusyLampTest {

    private static final Duration LAMP_WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void tools() {
        SipTools.assumeInstalled();
        BlfBridge.assumeInstalled();
    }

    @Test
    void aColleaguesLampFollowsHisPhoneAndHisDndKeyHisStatus() {
        UUID org = createOrg();
        Member anna = Fixtures.user(org);
        Member bob = Fixtures.user(org);
        Response annaDesk = desk(org, anna);
        Response bobDesk = desk(org, bob);
        String annaUser = annaDesk.path("sipUsername");
        String annaPassword = annaDesk.path("sipPassword");
        String bobExtension = bobDesk.path("internalNumber");
        String realm = as(platform()).get("/api/platform/sip-credentials/" + annaUser).then().statusCode(200).extract().path("realm");
        String service = "http://127.0.0.1:" + base.getPort();

        // The bridge reaches the service through a gate, so the test can take its feed away.
        try (ServiceGate gate = new ServiceGate(base.getPort());
                Kamailio kamailio = Kamailio.start(service, realm, TestApi.PLATFORM_ID, TestApi.PLATFORM_SECRET, 4);
                BlfBridge bridge = BlfBridge.start(gate.url(), TestApi.PLATFORM_ID, TestApi.PLATFORM_SECRET, kamailio, org);
                Sipp sipp = new Sipp(kamailio);
                Phone annaPhone = sipp.phone(annaUser, annaPassword);
                Phone bobPhone = sipp.phone(bobDesk.path("sipUsername"), bobDesk.path("sipPassword"));
                Lamp lamp = sipp.lamp(annaUser, annaPassword, bobExtension);
                Lamp dndKey = sipp.lamp(annaUser, annaPassword, "dnd" + bobExtension)) {
            // Bob's desk phone is not registered: Anna's lamp for his extension is off.
            awaitStates(lamp, List.of("terminated"), bridge, kamailio);
            awaitStates(dndKey, List.of("terminated"), bridge, kamailio);

            // Both register; Anna calls Bob: the lamp blinks while his phone rings, is lit in the call, off after.
            annaPhone.register(300);
            bobPhone.register(300);
            Result call = annaPhone.call(bob.internalNumber, 1500);
            assertThat(call.outcome()).as(kamailio.tail()).isEqualTo("RESULT 200");
            awaitStates(lamp, List.of("terminated", "early", "confirmed", "terminated"), bridge, kamailio);

            // Bob goes on do-not-disturb while the bridge's feed is cut: it reconnects, resumes with
            // `since`, and Anna's DND key for him lights; it goes off when he is available again.
            gate.cut();
            as(bob.token()).body(Map.of("status", "do_not_disturb")).put("/api/me/availability").then().statusCode(200);
            gate.restore();
            awaitStates(dndKey, List.of("terminated", "confirmed"), bridge, kamailio);
            assertThat(bridge.tail()).as("the bridge resumed its organization").contains("resumed " + org + " after seq");
            as(bob.token()).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(200);
            awaitStates(dndKey, List.of("terminated", "confirmed", "terminated"), bridge, kamailio);
            assertThat(lamp.states()).as("the call lamp does not follow the status").endsWith("terminated");
        }
    }

    private static Response desk(UUID org, Member owner) {
        Response created = createVoipAccount(org, "desk_phone", owner.id);
        as(operator()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", created.path("id"))))
                .put(owner.path() + "/availability").then().statusCode(200);
        return created;
    }

    /** Waits until the lamp's NOTIFYs contain {@code expected} in this order (others may come between). */
    private static void awaitStates(Lamp lamp, List<String> expected, BlfBridge bridge, Kamailio kamailio) {
        try {
            Awaitility.await("NOTIFY states " + expected).atMost(LAMP_WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> containsInOrder(lamp.states(), expected));
        } catch (AssertionError e) {
            throw new AssertionError("lamp saw " + lamp.states() + ", expected " + expected + " in order\nlamp: " + lamp.log()
                    + "\nbridge: " + bridge.tail() + "\nKamailio: " + kamailio.tail(), e);
        }
    }

    private static boolean containsInOrder(List<String> states, List<String> expected) {
        int next = 0;
        for (String state : states) {
            if (next < expected.size() && state.equals(expected.get(next))) {
                next++;
            }
        }
        return next == expected.size();
    }
}
