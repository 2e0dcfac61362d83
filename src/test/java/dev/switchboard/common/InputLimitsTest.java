package dev.switchboard.common;

import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/** Every input has a bound: body size (413), string lengths, control characters, page numbers, dates. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputLimitsTest {

    private static final int LIMIT = 64 * 1024;

    @TestHTTPResource("/")
    URI base;

    private UUID org;
    private TestUser user;
    private String app;
    private String desk;

    // Once per class, but in @BeforeEach: Quarkus points REST-assured at the test port only per test.
    @BeforeEach
    void createData() {
        if (org != null) {
            return;
        }
        org = createOrg();
        user = TestApi.user(org);
        app = createVoipAccount(org, "app", user.id()).path("id");
        desk = createVoipAccount(org, "desk_phone", user.id()).path("id");
    }

    private static String text(int length) {
        return "a".repeat(length);
    }

    /** {@code {"name": "aaa…"}}: a JSON body of exactly {@code bytes} bytes. */
    private static String orgBody(int bytes) {
        String frame = "{\"name\":\"\"}";
        return "{\"name\":\"" + text(bytes - frame.length()) + "\"}";
    }

    @Test
    void aBodyAboveTheLimitWithContentLengthIs413() {
        problem(as(operator()).body(orgBody(LIMIT + 1)).post("/api/orgs"), 413)
                .body("type", equalTo("https://switchboard.dev/problems/payload-too-large"));
        problem(as(operator()).body(orgBody(5 * LIMIT)).post("/api/orgs"), 413);
        // At the limit the body is read, and the name is what is wrong with it.
        invalid(as(operator()).body(orgBody(LIMIT)).post("/api/orgs"), "name");
    }

    @Test
    void aChunkedBodyAboveTheLimitIs413() throws Exception {
        HttpResponse<String> large = postChunked("/api/orgs", orgBody(LIMIT + 1));
        assertThat(large.statusCode()).as(large.body()).isEqualTo(413);
        assertThat(large.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(new JsonObject(large.body()).getString("type")).isEqualTo("https://switchboard.dev/problems/payload-too-large");

        // Whitespace after the JSON value counts too.
        HttpResponse<String> padded = postChunked("/api/orgs", "{\"name\":\"padded\"}" + " ".repeat(LIMIT));
        assertThat(padded.statusCode()).as(padded.body()).isEqualTo(413);

        HttpResponse<String> small = postChunked("/api/orgs", "{\"name\":\"" + TestApi.unique("Chunked") + "\"}");
        assertThat(small.statusCode()).isEqualTo(201);
    }

    private HttpResponse<String> postChunked(String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // An InputStream of unknown length goes out as Transfer-Encoding: chunked.
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + operator())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** One too long string: who sends it, where, the body and the field the answer must name. */
    record TooLong(String token, String method, String path, Map<String, Object> body, String field) {
        @Override
        public String toString() {
            return method + " " + path + " " + field;
        }
    }

    Stream<TooLong> tooLongStrings() {
        String users = "/api/orgs/" + org + "/users";
        String voip = "/api/orgs/" + org + "/voip-accounts";
        String fixed = users + "/" + user.id() + "/fixed-destinations";
        String push = "/api/me/push-devices";
        String hex = "ab".repeat(2049);
        return Stream.of(
                new TooLong(operator(), "POST", "/api/orgs", Map.of("name", text(201)), "name"),
                new TooLong(operator(), "PATCH", "/api/orgs/" + org, Map.of("name", text(201)), "name"),
                new TooLong(operator(), "POST", users, Map.of("email", text(250) + "@x.io", "name", "N", "role", "user"), "email"),
                new TooLong(operator(), "POST", users, Map.of("email", "n@x.io", "name", text(201), "role", "user"), "name"),
                new TooLong(operator(), "POST", voip, Map.of("kind", "desk_phone", "description", text(201)), "description"),
                new TooLong(operator(), "PATCH", voip + "/" + desk, Map.of("description", text(201)), "description"),
                new TooLong(operator(), "POST", fixed, Map.of("number", "+31201234567", "description", text(201)), "description"),
                new TooLong(user.token(), "POST", push, pushBody("token", text(4097)), "token"),
                new TooLong(user.token(), "POST", push, pushBody("alertToken", hex), "alertToken"),
                new TooLong(user.token(), "POST", push, pushBody("appId", text(201)), "appId"),
                new TooLong(user.token(), "POST", push, pushBody("name", text(201)), "name"),
                new TooLong(platform(), "PUT", "/api/platform/registrations/nobody",
                        Map.of("registered", true, "expiresIn", 60, "userAgent", text(257)), "userAgent"),
                new TooLong(platform(), "PUT", "/api/platform/registrations/nobody",
                        Map.of("registered", true, "expiresIn", 60, "contact", text(1025)), "contact"),
                new TooLong(platform(), "PUT", "/api/platform/registrations/" + text(65), Map.of("registered", false), "sipUsername"),
                new TooLong(platform(), "PUT", "/api/platform/dnd/" + text(65), Map.of("dnd", true), "sipUsername"),
                new TooLong(platform(), "GET", "/api/platform/sip-credentials/" + text(65), null, "sipUsername"),
                new TooLong(platform(), "POST", "/api/platform/call-events",
                        Map.of("callId", text(257), "sipUsername", "nobody", "state", "ringing"), "callId"),
                new TooLong(platform(), "POST", "/api/platform/call-events",
                        Map.of("callId", "c1", "sipUsername", text(65), "state", "ringing"), "sipUsername"),
                new TooLong(platform(), "POST", "/api/platform/incoming-call",
                        Map.of("sipUsername", "nobody", "callId", text(257), "callerId", "+31201234567"), "callId"),
                new TooLong(platform(), "POST", "/api/platform/incoming-call",
                        Map.of("sipUsername", "nobody", "callId", "c1", "callerId", text(65)), "callerId"),
                new TooLong(platform(), "POST", "/api/platform/incoming-call",
                        Map.of("sipUsername", "nobody", "callId", "c1", "callerId", "+3120", "callerName", text(201)), "callerName"),
                new TooLong(null, "POST", "/api/push/call-responses", Map.of("callKey", text(257), "available", true), "callKey"),
                new TooLong(null, "POST", "/api/push/call-responses",
                        Map.of("callKey", "k", "available", false, "reason", text(201)), "reason"),
                new TooLong(platform(), "POST", "/api/orgs/" + org + "/calls/route", Map.of("from", text(33), "to", "100"), "from"),
                new TooLong(platform(), "POST", "/api/orgs/" + org + "/calls/route", Map.of("from", "100", "to", text(33)), "to"));
    }

    private Map<String, Object> pushBody(String field, String value) {
        Map<String, Object> body = new HashMap<>(Map.of("voipAccountId", app, "platform", "apns",
                "token", "0123456789abcdef0123456789abcdef", "appId", "dev.switchboard.app", "name", "phone"));
        body.put(field, value);
        return body;
    }

    @ParameterizedTest
    @MethodSource("tooLongStrings")
    void aStringAboveItsBoundIs400NamingTheField(TooLong call) {
        var request = call.body() == null ? as(call.token()) : as(call.token()).body(call.body());
        invalid(request.request(call.method(), call.path()), call.field());
    }

    @ParameterizedTest
    @ValueSource(strings = { "\u0000", "\u0001", "\n", "\t", "\u001f" })
    void controlCharactersInBodyStringsAre400NamingTheField(String control) {
        invalid(as(operator()).body(Map.of("name", "a" + control + "b")).post("/api/orgs"), "name");
        invalid(as(operator()).body(Map.of("description", control)).patch("/api/orgs/" + org + "/voip-accounts/" + desk),
                "description");
        // Before any authentication: the login email.
        invalid(given().contentType(ContentType.JSON).body(Map.of("email", "x" + control + "@example.test", "password", "whatever"))
                .post("/api/auth/token"), "email");
    }

    @Test
    void controlCharactersInPathAndQueryParametersAre400NamingThem() {
        // Sent as written: REST-assured would otherwise encode the '%' itself.
        invalid(raw(platform()).body(Map.of("registered", false)).put("/api/platform/registrations/abc%00def"), "sipUsername")
                .body("errors[0].message", equalTo("must not contain control characters (U+0000 to U+001F)"));
        invalid(raw(platform()).get("/api/platform/sip-credentials/abc%0Adef"), "sipUsername");
        invalid(raw(operator()).get("/api/orgs/" + org + "/voip-accounts?userId=%00"), "userId");
        invalid(raw(operator()).get("/api/orgs?anything=a%01b"), "anything");
        // Above U+001F is ordinary text.
        problem(raw(platform()).get("/api/platform/sip-credentials/abc%7Fdef"), 404);
    }

    private static io.restassured.specification.RequestSpecification raw(String token) {
        return as(token).urlEncodingEnabled(false);
    }

    @Test
    void aPageBeyondWhatTheSizeCanAddressIs400() {
        String users = "/api/orgs/" + org + "/users";
        invalid(as(operator()).get("/api/orgs?page=2147483647"), "page");
        invalid(as(operator()).get(users + "?page=2147483647&size=1"), "page");
        invalid(as(user.token()).get("/api/me/push-devices?page=2147483647"), "page");
        invalid(as(user.token()).get("/api/me/watches?page=2147483647"), "page");
        // The last addressable page for size 200 is answered (empty), the next one is not.
        int last = Integer.MAX_VALUE / 200 - 1;
        as(operator()).get(users + "?size=200&page=" + last).then().statusCode(200).body("items.size()", equalTo(0));
        invalid(as(operator()).get(users + "?size=200&page=" + (last + 1)), "page");
    }

    @ParameterizedTest
    @ValueSource(strings = { "+999999999-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "in 367 days" })
    void anUntilMoreThanAYearAheadIs400(String until) {
        String value = until.startsWith("in ") ? Instant.now().plus(367, ChronoUnit.DAYS).toString() : until;
        invalid(as(user.token()).body(Map.of("status", "do_not_disturb", "until", value)).put("/api/me/availability"), "until");
        invalid(as(operator()).body(Map.of("status", "do_not_disturb", "until", value))
                .put("/api/orgs/" + org + "/users/" + user.id() + "/availability"), "until");
    }

    @Test
    void anUntilWithinAYearIsKept() {
        String until = Instant.now().plus(300, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        as(user.token()).body(Map.of("status", "do_not_disturb", "until", until)).put("/api/me/availability")
                .then().statusCode(200).body("until", equalTo(until));
        as(user.token()).body(Map.of("status", "available")).put("/api/me/availability").then().statusCode(200);
    }

    @Test
    void aDeclaredBodyFarAboveTheLimitIs413AsAProblemToo() {
        // Above Quarkus' own upload limit (1 MiB), which would answer an empty 413.
        try {
            problem(as(operator()).body(orgBody(2 * 1024 * 1024)).post("/api/orgs"), 413)
                    .body("type", equalTo("https://switchboard.dev/problems/payload-too-large"));
        } catch (Exception closedMidUpload) { // the server may close before the client wrote it all
            assertThat(closedMidUpload).hasRootCauseInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void aKeySentTwiceIs400NamingIt() {
        invalid(as(platform()).body("{\"dnd\":true,\"dnd\":false}").put("/api/platform/dnd/sb0000000000"), "dnd")
                .body("errors[0].message", equalTo("appears more than once"));
        invalid(as(operator()).body("{\"name\":\"a\",\"name\":\"b\"}").post("/api/orgs"), "name");
    }

    @ParameterizedTest
    @ValueSource(strings = { "\u0000", "\t", "\n" })
    void anIdFollowedByAControlCharacterIsNoId(String control) {
        // Jackson trims UUIDs, times and enums before reading them: the raw text is checked first.
        invalid(as(user.token()).body(Map.of("destination", Map.of("type", "voip_account", "id", desk + control)))
                .put("/api/me/availability"), "destination.id");
        invalid(as(user.token()).body(Map.of("status", "offline" + control)).put("/api/me/availability"), "status");
    }

    @Test
    void aPathThatDecodesToAPercentIsAProblemNotAStackTrace() {
        int status = raw(operator()).get("/api/orgs/%25;jsessionid=" + org).then()
                .contentType("application/problem+json").extract().statusCode();
        assertThat(status).isIn(400, 404);
    }

    @Test
    void stringsAtTheirBoundAreKept() {
        // Each bound must fit its column: one character more than the column held was a 500.
        String sip = as(operator()).get("/api/orgs/" + org + "/voip-accounts/" + desk).then().statusCode(200)
                .extract().path("sipUsername");
        as(platform()).body(Map.of("registered", true, "expiresIn", 300, "userAgent", text(256), "contact", text(1024)))
                .put("/api/platform/registrations/" + sip).then().statusCode(200);
        as(platform()).body(Map.of("callId", text(256), "sipUsername", sip, "state", "ringing"))
                .post("/api/platform/call-events").then().statusCode(lessThan(300));
        as(platform()).body(Map.of("callId", text(256), "sipUsername", sip, "state", "ended"))
                .post("/api/platform/call-events").then().statusCode(lessThan(300));
    }
}
