package dev.switchboard.availability;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/**
 * Human texts follow Accept-Language (en, nl; English by default), through the public API: the
 * reachability reasons and plan words, {@code GET /api/me}, the routing answer, the history's
 * summaries and the socket's {@code me}. The codes never change.
 */
@QuarkusTest
class AcceptLanguageTest {

    @TestHTTPResource("/")
    URI base;

    /** Anna on do not disturb, her desk phone not registered, voicemail when busy. */
    private record Setup(UUID org, TestUser anna, TestUser bob) {
    }

    private static Setup setup() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String desk = createVoipAccount(org, "desk_phone", anna.id()).path("id");
        as(anna.token()).body(Map.of("status", "do_not_disturb", "destination", Map.of("type", "voip_account", "id", desk)))
                .put("/api/me/availability").then().statusCode(200);
        as(anna.token()).body(Map.of("steps", List.of(Map.of("targets", List.of(Map.of("type", "voip_account", "id", desk)),
                "ringSeconds", 25)), "fallbacks", Map.of("busy", Map.of("type", "voicemail")), "callWaiting", false)).put("/api/me/call-plan")
                .then().statusCode(200);
        return new Setup(org, anna, bob);
    }

    @Test
    void dutchReachabilityHasDutchWordsAndTheSameCodes() {
        Setup s = setup();
        JsonPath english = reachability(as(s.anna().token()), s.anna());
        JsonPath dutch = reachability(as(s.anna().token()).header("Accept-Language", "nl-NL,nl;q=0.9,en;q=0.8"), s.anna());

        assertThat(dutch.getList("reasons.code")).isEqualTo(english.getList("reasons.code"))
                .containsExactly("STATUS_DND", "DEVICE_UNREGISTERED");
        assertThat(dutch.getString("reasons[0].message")).isEqualTo("Je status is niet storen — oproepen voor jou gaan niet over.");
        assertThat(dutch.getString("reasons[1].message")).startsWith("Je bureautelefoon ").endsWith(" is niet geregistreerd — oproepen voor jou gaan niet over.");
        assertThat(dutch.getList("plan.words", String.class)).hasSize(2).satisfiesExactly(
                step -> assertThat(step).startsWith("Belt je bureautelefoon ").endsWith(" (nu niet geregistreerd) gedurende 25 s"),
                busy -> assertThat(busy).isEqualTo("Als je in gesprek bent: voicemail"));
        assertThat(dutch.getList("plan.fallback")).isEqualTo(english.getList("plan.fallback"));
        assertThat(dutch.getList("plan.step")).isEqualTo(english.getList("plan.step"));

        // GET /api/me carries the same reachability, in the same language
        JsonPath me = as(s.anna().token()).header("Accept-Language", "nl").get("/api/me").then().statusCode(200).extract().jsonPath();
        assertThat(me.getList("reachability.reasons.message")).isEqualTo(dutch.getList("reasons.message"));
        assertThat(me.getList("reachability.plan.words")).isEqualTo(dutch.getList("plan.words"));
    }

    @ParameterizedTest(name = "Accept-Language: \"{0}\" is English")
    @ValueSource(strings = { "", "en", "en-GB", "de-DE,de;q=0.9", "fr, nl;q=0", "nl;q=0.1, en;q=0.5", "x;;;q=" })
    void absentEnglishUnknownOrMalformedIsEnglish(String header) {
        Setup s = setup();
        RequestSpecification request = as(s.anna().token());
        if (!header.isEmpty()) {
            request.header("Accept-Language", header);
        }
        JsonPath r = reachability(request, s.anna());
        assertThat(r.getList("reasons.code")).containsExactly("STATUS_DND", "DEVICE_UNREGISTERED");
        assertThat(r.getString("reasons[0].message")).isEqualTo("Your status is do not disturb — calls to you will not ring.");
        assertThat(r.getList("plan.words", String.class)).last().isEqualTo("When you are busy: voicemail");
    }

    @Test
    void theRoutingAnswerFollowsTheLanguageOfTheRequest() {
        Setup s = setup();
        Map<String, String> call = Map.of("from", s.bob().internalNumber(), "to", s.anna().internalNumber());
        String path = "/api/orgs/" + s.org() + "/calls/route";
        JsonPath english = as(platform()).body(call).post(path).then().statusCode(200).extract().jsonPath();
        JsonPath dutch = as(platform()).header("Accept-Language", "nl").body(call).post(path).then().statusCode(200).extract().jsonPath();

        assertThat(dutch.getString("action")).isEqualTo(english.getString("action")).isEqualTo("reject");
        assertThat(dutch.getString("reason.code")).isEqualTo(english.getString("reason.code")).isEqualTo("STATUS_DND");
        assertThat(english.getString("reason.message")).isEqualTo("Your status is do not disturb — calls to you will not ring.");
        assertThat(dutch.getString("reason.message")).isEqualTo("Je status is niet storen — oproepen voor jou gaan niet over.");
    }

    @Test
    void historySummariesAreRenderedInTheReadersLanguageFromTheSameStoredItems() {
        Setup s = setup();
        as(platform()).body(Map.of("from", s.bob().internalNumber(), "to", s.anna().internalNumber()))
                .header("Accept-Language", "nl").post("/api/orgs/" + s.org() + "/calls/route").then().statusCode(200);
        String path = "/api/me/history?type=call,status,plan";
        // the routing's history item is written after the answer
        JsonPath english = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> as(s.anna().token()).get(path).then().statusCode(200).extract().jsonPath(),
                read -> read.getList("items.type").contains("call"));
        JsonPath dutch = as(s.anna().token()).header("Accept-Language", "nl;q=0.9, de").get(path).then().statusCode(200)
                .extract().jsonPath();

        assertThat(dutch.getList("items.type")).isEqualTo(english.getList("items.type")).containsExactly("call", "plan", "status");
        assertThat(dutch.getList("items.details")).isEqualTo(english.getList("items.details"));
        assertThat(english.getList("items.summary", String.class)).containsExactly(
                // the routing asked in Dutch; the history keeps the English decision
                "Call from " + s.bob().internalNumber() + " did not ring: Your status is do not disturb — calls to you will not ring.",
                "Call plan changed: 1 step, call waiting off",
                "Status set to do not disturb (was available)");
        assertThat(dutch.getList("items.summary", String.class)).containsExactly(
                "Oproep van " + s.bob().internalNumber() + " ging niet over: je status was niet storen",
                "Belplan gewijzigd: 1 stap, wisselgesprek uit",
                "Status gewijzigd in niet storen (was beschikbaar)");
        // the reasons in details are for machines: the same in both
        assertThat(dutch.getString("items[0].details.reasons[0].code")).isEqualTo("STATUS_DND");
    }

    @Test
    void aSocketSpeaksTheLanguageOfItsLangParameterOrItsUpgrade() {
        Setup s = setup();
        try (SocketClient dutch = SocketClient.connect(base, s.anna().token(), "lang=nl");
                SocketClient english = SocketClient.connect(base, s.anna().token(), null)) {
            assertThat(reasons(dutch.next("snapshot").getJsonObject("me"))).startsWith("Je status is niet storen");
            assertThat(reasons(english.next("snapshot").getJsonObject("me"))).startsWith("Your status is do not disturb");

            // a change reaches both sockets, each in its own language
            as(s.anna().token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);
            assertThat(reasons(dutch.next("me").getJsonObject("me"))).startsWith("Je status is offline");
            assertThat(reasons(english.next("me").getJsonObject("me"))).startsWith("Your status is offline");
        }
    }

    @Test
    void aSocketWithoutLangSpeaksTheLanguageOfItsUpgradesAcceptLanguage() {
        Setup s = setup();
        try (SocketClient dutch = SocketClient.connect(base, s.anna().token(), null, Map.of("Accept-Language", "nl-NL,nl;q=0.9,en;q=0.8"));
                SocketClient english = SocketClient.connect(base, s.anna().token(), "lang=en", Map.of("Accept-Language", "nl"))) {
            assertThat(reasons(dutch.next("snapshot").getJsonObject("me"))).startsWith("Je status is niet storen");
            // ?lang= is the page's own choice: it wins over the browser's header
            assertThat(reasons(english.next("snapshot").getJsonObject("me"))).startsWith("Your status is do not disturb");

            as(s.anna().token()).body(Map.of("status", "offline")).put("/api/me/availability").then().statusCode(200);
            JsonObject me = dutch.next("me").getJsonObject("me");
            assertThat(reasons(me)).startsWith("Je status is offline");
            assertThat(me.getJsonObject("reachability").getJsonArray("plan").getJsonObject(0).getString("words")).startsWith("Belt je bureautelefoon ");
            assertThat(reasons(english.next("me").getJsonObject("me"))).startsWith("Your status is offline");
        }
    }

    private static String reasons(JsonObject me) {
        return me.getJsonObject("reachability").getJsonArray("reasons").getJsonObject(0).getString("message");
    }

    private static JsonPath reachability(RequestSpecification request, TestUser user) {
        return request.get("/api/orgs/" + user.orgId() + "/users/" + user.id() + "/reachability").then().statusCode(200)
                .extract().jsonPath();
    }
}
