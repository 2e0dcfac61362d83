package dev.switchboard.platform;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class PlatformResourceTest {

    @Test
    void theRegistrarGetsDigestValuesThatMatchTheGeneratedPassword() throws Exception {
        UUID org = createOrg();
        Response created = createVoipAccount(org, "desk_phone", null);
        String sip = created.path("sipUsername");
        String password = created.path("sipPassword");
        Response credentials = as(platform()).get("/api/platform/sip-credentials/" + sip);
        credentials.then().statusCode(200).body("sipUsername", equalTo(sip)).body("orgId", equalTo(org.toString()))
                .body("internalNumber", equalTo(created.path("internalNumber")));
        String realm = credentials.path("realm");
        String a1 = sip + ":" + realm + ":" + password;
        assertThat(credentials.<String>path("ha1")).isEqualTo(hex("MD5", a1));
        assertThat(credentials.<String>path("ha1Md5")).as("the earlier name of ha1").isEqualTo(hex("MD5", a1));
        assertThat(credentials.<String>path("ha1Sha256")).isEqualTo(hex("SHA-256", a1));
        assertThat(credentials.asString()).doesNotContain(password);
    }

    @Test
    void platformEndpointsAreForThePlatformAndKnowOnlyRealDevices() {
        UUID org = createOrg();
        TestUser anna = user(org);
        String sip = createVoipAccount(org, "desk_phone", anna.id()).path("sipUsername");
        as(anna.token()).get("/api/platform/sip-credentials/" + sip).then().statusCode(403);
        as(anna.token()).body(Map.of("dnd", true)).put("/api/platform/dnd/" + sip).then().statusCode(403);
        as(platform()).get("/api/platform/sip-credentials/sbnosuchuser").then().statusCode(404);
        as(platform()).body(Map.of("registered", true, "expiresIn", 60)).put("/api/platform/registrations/sbnosuchuser")
                .then().statusCode(404);
        as(platform()).body(Map.of("callId", "c", "sipUsername", "sbnosuchuser", "state", "ringing"))
                .post("/api/platform/call-events").then().statusCode(404);
    }

    @Test
    void badPlatformInputIsAClear400() {
        UUID org = createOrg();
        String sip = createVoipAccount(org, "desk_phone", null).path("sipUsername");
        as(platform()).body(Map.of("registered", true)).put("/api/platform/registrations/" + sip)
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("expiresIn"));
        as(platform()).body(Map.of("registered", true, "expiresIn", 0)).put("/api/platform/registrations/" + sip)
                .then().statusCode(400).body("errors.field", hasItem("expiresIn"));
        as(platform()).body(Map.of("callId", "c1", "sipUsername", sip, "state", "exploded"))
                .post("/api/platform/call-events").then().statusCode(400).body("errors.field", hasItem("state"));
        as(platform()).body(Map.of("dnd", "perhaps")).put("/api/platform/dnd/" + sip)
                .then().statusCode(400).body("errors.field", hasItem("dnd"));
    }

    @Test
    void registrationAndDndAreReflectedInTheDeviceState() {
        UUID org = createOrg();
        Response created = createVoipAccount(org, "softphone", null);
        String sip = created.path("sipUsername");
        as(platform()).body(Map.of("registered", true, "expiresIn", 600, "userAgent", "Zoiper 5"))
                .put("/api/platform/registrations/" + sip).then().statusCode(200)
                .body("registered", equalTo(true)).body("userAgent", equalTo("Zoiper 5"));
        as(platform()).body(Map.of("dnd", true)).put("/api/platform/dnd/" + sip).then().statusCode(200).body("dnd", equalTo(true));
        as(platform()).body(Map.of("registered", false)).put("/api/platform/registrations/" + sip).then().statusCode(200)
                .body("registered", equalTo(false));
        as(dev.switchboard.support.TestApi.operator()).get("/api/orgs/" + org + "/voip-accounts/" + created.path("id"))
                .then().statusCode(200).body("state.registered", equalTo(false)).body("state.dnd", equalTo(true));
    }

    /** Proxies whose HTTP client sends only GET and POST (Kamailio 5.6) use POST where the API says PUT. */
    @Test
    void postIsAnAliasOfPutForRegistrationsAndDnd() {
        UUID org = createOrg();
        String sip = createVoipAccount(org, "desk_phone", null).path("sipUsername");
        as(platform()).body(Map.of("registered", true, "expiresIn", 600, "userAgent", "Kamailio"))
                .post("/api/platform/registrations/" + sip).then().statusCode(200)
                .body("registered", equalTo(true)).body("userAgent", equalTo("Kamailio"));
        as(platform()).body(Map.of("dnd", true)).post("/api/platform/dnd/" + sip).then().statusCode(200).body("dnd", equalTo(true));
        as(platform()).body(Map.of("registered", true)).post("/api/platform/registrations/" + sip)
                .then().statusCode(400).body("errors.field", hasItem("expiresIn"));
        as(platform()).body(Map.of("dnd", false)).post("/api/platform/dnd/sbnosuchuser").then().statusCode(404);
        as(platform()).body(Map.of("registered", false)).post("/api/platform/registrations/" + sip).then().statusCode(200)
                .body("registered", equalTo(false)).body("dnd", equalTo(true));
    }

    private static String hex(String algorithm, String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
