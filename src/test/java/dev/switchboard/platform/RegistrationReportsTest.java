package dev.switchboard.platform;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.ErrorLogCapture;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Registration reports sent together, as a SIP proxy sends them after a network outage: refreshes
 * share statements and changes take turns inside the service, and each report is still applied
 * and answered on its own, with its own values.
 */
@QuarkusTest
class RegistrationReportsTest {

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private record Device(UUID id, String sipUsername) {
    }

    @Test
    void refreshesSentTogetherAreEachWrittenAndAnsweredWithTheirOwnValues() throws Exception {
        UUID org = createOrg();
        TestUser admin = admin(org);
        List<TestUser> owners = List.of(user(org), user(org), user(org));
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // a third without owner: their reports change only the platform's lines
            devices.add(device(org, i % 3 == 0 ? null : owners.get(i % 3).id()));
        }
        for (Device device : devices) {
            register(device.sipUsername(), "first", 600).then().statusCode(200);
        }
        double refreshesBefore = metric("switchboard_registrations_refreshes_per_statement_sum");

        List<Response> answers = parallel(devices.stream()
                .map(device -> (Callable<Response>) () -> register(device.sipUsername(), "wave " + device.sipUsername(), 900))
                .toList());

        for (int i = 0; i < devices.size(); i++) {
            Device device = devices.get(i);
            Response answer = answers.get(i);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.jsonPath().getBoolean("registered")).isTrue();
            assertThat(answer.jsonPath().getString("userAgent")).isEqualTo("wave " + device.sipUsername());
            JsonPath stored = as(admin.token()).get(Fixtures.voipPath(org) + "/" + device.id()).then().statusCode(200).extract().jsonPath();
            assertThat(stored.getBoolean("state.registered")).isTrue();
            assertThat(stored.getString("state.userAgent")).isEqualTo("wave " + device.sipUsername());
        }
        // every refresh went through a shared statement, however they were grouped
        assertThat(metric("switchboard_registrations_refreshes_per_statement_sum") - refreshesBefore).isGreaterThanOrEqualTo(30);
    }

    @Test
    void oneDeviceRefreshedManyTimesAtOnceKeepsEachAnswerAndTheLastWrite() throws Exception {
        UUID org = createOrg();
        TestUser admin = admin(org);
        Device device = device(org, user(org).id());
        register(device.sipUsername(), "first", 600).then().statusCode(200);

        List<Callable<Response>> refreshes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String userAgent = "agent " + i;
            refreshes.add(() -> register(device.sipUsername(), userAgent, 600 + 10 * Integer.parseInt(userAgent.substring(6))));
        }
        List<Response> answers = parallel(refreshes);

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).statusCode()).isEqualTo(200);
            assertThat(answers.get(i).jsonPath().getString("userAgent")).isEqualTo("agent " + i);
        }
        // what is stored is the write answered last
        Response last = answers.stream().max(Comparator.comparing(answer -> Instant.parse(answer.jsonPath().getString("lastSeen")))).orElseThrow();
        JsonPath stored = as(admin.token()).get(Fixtures.voipPath(org) + "/" + device.id()).then().statusCode(200).extract().jsonPath();
        assertThat(stored.getString("state.userAgent")).isEqualTo(last.jsonPath().getString("userAgent"));
        assertThat(Instant.parse(stored.getString("state.lastSeen"))).isEqualTo(Instant.parse(last.jsonPath().getString("lastSeen")));
    }

    @Test
    void aBurstOfChangesRefreshesAndUnknownNamesIsAnsweredWholeWithNoErrorLogged() throws Exception {
        UUID org = createOrg();
        TestUser admin = admin(org);
        List<TestUser> owners = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            owners.add(user(org));
        }
        List<Device> current = new ArrayList<>();
        List<Device> lapsed = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Device device = device(org, owners.get(i % owners.size()).id());
            register(device.sipUsername(), "first", 600).then().statusCode(200);
            if (i % 2 == 0) {
                current.add(device);
            } else {
                as(platform()).body(Map.of("registered", false)).put("/api/platform/registrations/" + device.sipUsername())
                        .then().statusCode(200);
                lapsed.add(device);
            }
        }
        List<Callable<Response>> burst = new ArrayList<>();
        for (Device device : current) {
            burst.add(() -> register(device.sipUsername(), "burst", 600));
        }
        for (Device device : lapsed) {
            burst.add(() -> register(device.sipUsername(), "burst", 600));
        }
        for (int i = 0; i < 4; i++) {
            String unknown = "nobody-" + UUID.randomUUID();
            burst.add(() -> register(unknown, "burst", 600));
        }

        try (ErrorLogCapture errors = ErrorLogCapture.install()) {
            List<Response> answers = parallel(burst);
            for (int i = 0; i < burst.size(); i++) {
                Response answer = answers.get(i);
                int status = i < current.size() + lapsed.size() ? 200 : 404;
                assertThat(answer.statusCode()).as("answer %s", answer.asString()).isEqualTo(status);
                if (status == 200) {
                    assertThat(answer.jsonPath().getBoolean("registered")).isTrue();
                } else {
                    assertThat(answer.contentType()).startsWith("application/problem+json");
                }
            }
            assertThat(answers.stream().filter(answer -> answer.statusCode() == 404)).hasSize(4);
            assertThat(errors.lines()).isEmpty();
        }
        List<Device> all = new ArrayList<>(current);
        all.addAll(lapsed);
        for (Device device : all) {
            JsonPath stored = as(admin.token()).get(Fixtures.voipPath(org) + "/" + device.id()).then().statusCode(200).extract().jsonPath();
            assertThat(stored.getBoolean("state.registered")).as(device.sipUsername()).isTrue();
            assertThat(stored.getString("state.userAgent")).isEqualTo("burst");
        }
    }

    @Test
    void allPhonesOfOneUserRegisteringAtOnceAreEachRecordedAndTheUserEndsReachable() throws Exception {
        UUID org = createOrg();
        TestUser anna = user(org);
        List<Device> phones = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            phones.add(device(org, anna.id()));
        }
        // the desk phone is what rings: Anna is available once it is registered
        as(anna.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", phones.get(0).id().toString())))
                .put("/api/me/availability").then().statusCode(200);

        List<Response> answers = parallel(phones.stream().map(phone -> (Callable<Response>) () -> register(phone.sipUsername(), "phone", 600))
                .toList());

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.jsonPath().getBoolean("registered")).isTrue();
        });
        assertThat(as(anna.token()).get("/api/orgs/" + org + "/presence/" + anna.id()).then().statusCode(200).extract().jsonPath()
                .getString("availability")).isEqualTo("available");
        // however the changes were grouped, each phone's registration is in Anna's history
        List<Map<String, Object>> items = as(anna.token()).get("/api/me/history?type=registration").then().statusCode(200).extract()
                .jsonPath().getList("items");
        assertThat(items).hasSize(5);
        assertThat(items).extracting(item -> (Object) ((Map<?, ?>) item.get("details")).get("voipAccountId"))
                .containsExactlyInAnyOrderElementsOf(phones.stream().map(phone -> (Object) phone.id().toString()).toList());
    }

    private static Device device(UUID org, UUID owner) {
        Response created = createVoipAccount(org, "desk_phone", owner);
        return new Device(UUID.fromString(created.path("id")), created.path("sipUsername"));
    }

    private static Response register(String sipUsername, String userAgent, int expiresIn) {
        return as(platform()).body(Map.of("registered", true, "expiresIn", expiresIn, "userAgent", userAgent))
                .put("/api/platform/registrations/" + sipUsername);
    }

    /** Sends every request at once (one thread each) and answers them in the order given. */
    private static List<Response> parallel(List<Callable<Response>> requests) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(requests.size());
        try {
            List<Response> answers = new ArrayList<>();
            for (Future<Response> answer : threads.invokeAll(requests)) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private double metric(String name) {
        Matcher value = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(given().get(metrics).then().statusCode(200)
                .extract().asString());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }
}
