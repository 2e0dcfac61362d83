package dev.switchboard.webhook;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import dev.switchboard.webhook.WebhookReceiver.Received;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Webhooks end to end: real PostgreSQL, a real HTTP receiver on loopback, signatures checked with
 * the published Standard Webhooks library. Timings are shortened by {@link WebhookTestProfile}.
 * Calls are routed and reported through the platform API, ring groups made through the admin API.
 */
@QuarkusTest
@TestProfile(WebhookTestProfile.class)
class WebhooksTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static WebhookReceiver receiver;

    @Inject
    Pool pool;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() throws Exception {
        receiver.close();
    }

    private static String webhooks(UUID orgId) {
        return "/api/orgs/" + orgId + "/webhooks";
    }

    private static Response create(TestUser admin, String path, List<String> events, List<UUID> userIds) {
        Map<String, Object> body = new HashMap<>();
        body.put("url", receiver.url(path));
        body.put("events", events);
        if (userIds != null) {
            body.put("userIds", userIds);
        }
        return as(admin.token()).body(body).post(webhooks(admin.orgId()));
    }

    private static void setStatus(TestUser user, String status) {
        as(user.token()).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
    }

    private static List<Received> ofOrg(UUID orgId, String type) {
        return receiver.accepted().stream()
                .filter(r -> orgId.toString().equals(r.json().getString("orgId")) && (type == null || type.equals(r.type())))
                .toList();
    }

    @Test
    void everyEventArrivesInSeqOrderSignedSoThatThePublishedLibraryAcceptsIt() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser user = TestApi.user(org);
        Response created = create(admin, "/ordered", List.of("presence.changed", "status.changed"), null);
        created.then().statusCode(201);
        String secret = created.path("secret");
        assertThat(secret).startsWith("whsec_");
        String id = created.path("id");
        // the 201's Location is the new webhook's own address
        assertThat(created.header("Location")).endsWith(webhooks(org) + "/" + id);
        as(admin.token()).get(created.header("Location")).then().statusCode(200).body("id", Matchers.is(id))
                .body("url", Matchers.is(receiver.url("/ordered")));
        assertThat(as(admin.token()).get(webhooks(org) + "/" + id).asString()).doesNotContain("secret").doesNotContain(secret);
        assertThat(as(admin.token()).get(webhooks(org)).asString()).doesNotContain(secret);

        List<String> statuses = List.of("do_not_disturb", "available", "offline", "available_for_colleagues", "available");
        for (String status : statuses) {
            setStatus(user, status);
        }
        await().atMost(PATIENCE).until(() -> ofOrg(org, "status.changed").size() >= statuses.size());

        List<Received> all = ofOrg(org, null);
        long previous = 0;
        for (Received event : all) {
            event.verify(secret);
            assertThat(event.seq()).isGreaterThanOrEqualTo(previous);
            previous = event.seq();
            assertThat(event.json().fieldNames()).containsExactlyInAnyOrder("type", "seq", "orgId", "occurredAt", "data");
            assertThat(event.id()).startsWith("msg_").doesNotContain(".");
        }
        List<Received> changes = ofOrg(org, "status.changed");
        assertThat(changes).extracting(r -> r.json().getJsonObject("data").getString("status")).containsExactlyElementsOf(statuses);
        assertThat(changes).extracting(r -> r.json().getJsonObject("data").getString("userId")).containsOnly(user.id().toString());
        assertThat(changes.get(1).json().getJsonObject("data").getString("previousStatus")).isEqualTo("do_not_disturb");
        // every status change is also a change colleagues see, with the same seq
        List<Long> presenceSeqs = ofOrg(org, "presence.changed").stream().map(Received::seq).toList();
        assertThat(presenceSeqs).containsAll(changes.stream().map(Received::seq).toList());
        assertThat(ofOrg(org, "presence.changed").get(0).json().getJsonObject("data").getString("availability")).isNotNull();

        // the deliveries log shows each accepted attempt
        List<Map<String, Object>> log = as(admin.token()).get(webhooks(org) + "/" + id + "/deliveries").then().statusCode(200)
                .extract().path("items");
        assertThat(log).isNotEmpty().allSatisfy(item -> {
            assertThat(item).containsEntry("outcome", "delivered").containsEntry("statusCode", 204).containsEntry("attempt", 1);
            assertThat(item.get("at")).isNotNull();
            assertThat(item.get("durationMs")).isNotNull();
        });
    }

    /** A receiver that answers 503, then drops connections, for a few seconds (a real outage: WebhookOutageTest). */
    @Test
    void aReceiverRefusingForAFewSecondsGetsEverythingInOrderOnceItAccepts() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser user = TestApi.user(org);
        try (WebhookReceiver flaky = new WebhookReceiver()) {
            flaky.answer(503);
            Map<String, Object> body = Map.of("url", flaky.url("/down"), "events", List.of("status.changed"));
            String secret = as(admin.token()).body(body).post(webhooks(org)).then().statusCode(201).extract().path("secret");
            List<String> statuses = List.of("do_not_disturb", "available", "offline", "available");
            for (String status : statuses) {
                setStatus(user, status);
            }
            // refused for a few attempts (seconds, with the test profile's backoff): 503, then no answer at all
            await().atMost(PATIENCE).until(() -> flaky.all().size() >= 2);
            flaky.answer(0);
            await().atMost(PATIENCE).until(() -> flaky.all().size() >= 4);
            assertThat(flaky.accepted()).isEmpty();
            flaky.answer(204);
            await().atMost(PATIENCE).until(() -> flaky.accepted().size() >= statuses.size());

            List<Received> accepted = flaky.accepted();
            assertThat(accepted).extracting(r -> r.json().getJsonObject("data").getString("status")).containsExactlyElementsOf(statuses);
            assertThat(accepted).extracting(Received::seq).isSorted().doesNotHaveDuplicates();
            assertThat(accepted).extracting(Received::id).doesNotHaveDuplicates();
            for (Received event : accepted) {
                event.verify(secret);
            }
            // the first event was retried under the same message id
            String firstId = accepted.get(0).id();
            assertThat(flaky.all().stream().filter(r -> r.id().equals(firstId)).count()).isGreaterThan(1);
        }
    }

    /**
     * A replica that stalled past its lease: another claimed the delivery meanwhile and delivered it
     * (done here in SQL, as that replica would). The stalled attempt's late failure is only logged:
     * it neither sends the accepted event again (after the one that followed it) nor starts a run
     * of failures.
     */
    @Test
    void aLateOutcomeOfAClaimTakenOverMeanwhileIsOnlyLogged() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser user = TestApi.user(org);
        try (WebhookReceiver stalling = new WebhookReceiver()) {
            stalling.answer(WebhookReceiver.HOLD);
            String id = as(admin.token()).body(Map.of("url", stalling.url("/stalled"), "events", List.of("status.changed")))
                    .post(webhooks(org)).then().statusCode(201).extract().path("id");
            setStatus(user, "do_not_disturb");
            setStatus(user, "available");
            await().atMost(PATIENCE).until(() -> !stalling.all().isEmpty());
            Received stalled = stalling.all().get(0);
            pool.preparedQuery("UPDATE webhook_deliveries SET attempts = attempts + 1, state = 'delivered', locked_until = NULL "
                    + "WHERE message_id = $1").execute(Tuple.of(stalled.id())).await().atMost(PATIENCE);
            stalling.answer(204);
            stalling.release(500);

            await().atMost(PATIENCE).until(() -> !stalling.accepted().isEmpty());
            assertThat(stalling.accepted()).singleElement()
                    .satisfies(r -> assertThat(r.json().getJsonObject("data").getString("status")).isEqualTo("available"));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> stalling.all().size() == 2);
            String path = webhooks(org) + "/" + id;
            List<Map<String, Object>> log = as(admin.token()).get(path + "/deliveries").then().extract().path("items");
            assertThat(log).filteredOn(item -> stalled.id().equals(item.get("messageId"))).singleElement()
                    .satisfies(item -> assertThat(item).containsEntry("attempt", 1).containsEntry("statusCode", 500));
            assertThat(as(admin.token()).get(path).then().extract().<String>path("failingSince")).isNull();
        }
    }

    @Test
    void aReceiverFailingForGoodEndsDeadLetteredAndTheEndpointDisabledWithTheReason() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser user = TestApi.user(org);
        try (WebhookReceiver broken = new WebhookReceiver()) {
            broken.answer(500);
            String id = as(admin.token()).body(Map.of("url", broken.url("/broken"), "events", List.of("status.changed")))
                    .post(webhooks(org)).then().statusCode(201).extract().path("id");
            setStatus(user, "do_not_disturb");
            String deliveries = webhooks(org) + "/" + id + "/deliveries";
            await().atMost(PATIENCE).until(() -> as(admin.token()).get(deliveries).then().extract()
                    .<List<String>>path("items.outcome").contains("dead"));
            // a later event keeps failing until the endpoint has failed for disable-after
            setStatus(user, "available");
            await().atMost(PATIENCE).until(() -> !as(admin.token()).get(webhooks(org) + "/" + id).then().extract()
                    .<Boolean>path("enabled"));

            Response webhook = as(admin.token()).get(webhooks(org) + "/" + id);
            assertThat(webhook.<String>path("disabledReason")).contains("HTTP 500");
            assertThat(webhook.<String>path("disabledAt")).isNotNull();
            assertThat(webhook.<String>path("failingSince")).isNotNull();
            List<Map<String, Object>> log = as(admin.token()).get(deliveries).then().extract().path("items");
            assertThat(log).extracting(item -> item.get("statusCode")).containsOnly(500);
            assertThat(log).extracting(item -> item.get("outcome")).contains("retrying", "dead");
            assertThat(log).extracting(item -> item.get("error")).containsOnly("HTTP 500");

            // nothing more is attempted while disabled; enabling again (PUT) resumes and clears the reason
            broken.answer(204);
            as(admin.token()).body(Map.of("url", broken.url("/broken"), "events", List.of("status.changed"), "enabled", true))
                    .put(webhooks(org) + "/" + id).then().statusCode(200).body("enabled", Matchers.is(true))
                    .body("disabledReason", Matchers.nullValue());
            await().atMost(PATIENCE).until(() -> !broken.accepted().isEmpty());
            assertThat(broken.accepted().get(0).json().getJsonObject("data").getString("status")).isEqualTo("available");
        }
    }

    @Test
    void aTestPingIsSignedAndLoggedAndAReplayResendsStoredEventsUnderTheirIds() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser user = TestApi.user(org);
        Response created = create(admin, "/ping", List.of("status.changed"), null);
        String secret = created.path("secret");
        String id = created.path("id");

        Response ping = as(admin.token()).post(webhooks(org) + "/" + id + "/test");
        ping.then().statusCode(200).body("outcome", Matchers.is("ping")).body("statusCode", Matchers.is(204));
        Received received = receiver.accepted().stream().filter(r -> r.id().equals(ping.path("messageId"))).findFirst().orElseThrow();
        received.verify(secret);
        assertThat(received.type()).isEqualTo("ping");
        assertThat(received.json().getJsonObject("data").getString("webhookId")).isEqualTo(id);
        assertThat(as(admin.token()).get(webhooks(org) + "/" + id + "/deliveries").then().extract().<String>path("items[0].outcome"))
                .isEqualTo("ping");

        setStatus(user, "do_not_disturb");
        setStatus(user, "available");
        await().atMost(PATIENCE).until(() -> ofOrg(org, "status.changed").size() >= 2);
        List<Received> original = ofOrg(org, "status.changed");
        long firstSeq = original.get(0).seq();

        Response replay = as(admin.token()).body(Map.of("since", firstSeq - 1)).post(webhooks(org) + "/" + id + "/replay");
        replay.then().statusCode(202).body("queued", Matchers.is(2));
        assertThat(replay.<Number>path("firstSeq").longValue()).isEqualTo(firstSeq);
        await().atMost(PATIENCE).until(() -> ofOrg(org, "status.changed").size() >= 4);
        List<Received> again = ofOrg(org, "status.changed").subList(2, 4);
        assertThat(again).extracting(Received::id).containsExactlyElementsOf(original.stream().map(Received::id).toList());
        assertThat(again).extracting(Received::body).containsExactlyElementsOf(original.stream().map(Received::body).toList());
        for (Received event : again) {
            event.verify(secret);
        }
        // since the last seq: nothing to re-send
        as(admin.token()).body(Map.of("since", original.get(1).seq())).post(webhooks(org) + "/" + id + "/replay")
                .then().statusCode(202).body("queued", Matchers.is(0));
    }

    /**
     * While disabled: no attempt reaches the receiver and none is logged, and enabling again does not
     * send what was missed by itself. A replay from the last seq the receiver had sends the missed
     * events, signed, in order, each under a webhook-id of its own, followed by those it already had
     * again under their old ids.
     */
    @Test
    void aDisabledWebhookIsSentNothingAndAReplayAfterEnablingSendsWhatItMissed() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser user = TestApi.user(org);
        String path = "/disabled-" + org;
        List<String> events = List.of("presence.changed", "status.changed");
        Response created = create(admin, path, events, null);
        String secret = created.path("secret");
        String id = created.path("id");
        String webhook = webhooks(org) + "/" + id;
        setStatus(user, "do_not_disturb");
        await().atMost(PATIENCE).until(() -> receiver.accepted(path).size() >= 2);
        long lastSeen = receiver.accepted(path).get(1).seq();

        as(admin.token()).body(Map.of("url", receiver.url(path), "events", events, "enabled", false)).put(webhook)
                .then().statusCode(200).body("enabled", Matchers.is(false))
                .body("disabledReason", Matchers.is("disabled by an admin"));
        List<String> missed = List.of("available", "offline", "available_for_colleagues");
        missed.forEach(status -> setStatus(user, status));
        // the changes happened (the org's stream has them) ...
        List<Long> missedSeqs = as(admin.token()).get("/api/orgs/" + org + "/presence/events?since=" + lastSeen).then()
                .statusCode(200).extract().<List<Map<String, Object>>>path("events").stream()
                .filter(frame -> "presence".equals(frame.get("type"))).map(frame -> ((Number) frame.get("seq")).longValue())
                .toList();
        assertThat(missedSeqs).hasSize(missed.size());
        // ... and for a while nothing reaches the receiver, nor is an attempt logged
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> receiver.all().stream()
                .filter(r -> r.path().equals(path)).count() == 2
                && as(admin.token()).get(webhook + "/deliveries").then().extract().<List<Object>>path("items").size() == 2);

        as(admin.token()).body(Map.of("url", receiver.url(path), "events", events, "enabled", true)).put(webhook)
                .then().statusCode(200).body("enabled", Matchers.is(true));
        // enabled: a new change goes at once, the missed ones do not (they would come first: one at a time, in order)
        setStatus(user, "do_not_disturb");
        await().atMost(PATIENCE).until(() -> receiver.accepted(path).size() >= 4);
        List<Received> resumed = receiver.accepted(path).subList(2, 4);
        assertThat(resumed).extracting(Received::type).containsExactly("presence.changed", "status.changed");
        assertThat(data(resumed.get(1)).getString("status")).isEqualTo("do_not_disturb");
        assertThat(resumed).extracting(Received::seq).allSatisfy(seq -> assertThat(seq).isGreaterThan(missedSeqs.get(2)));

        Response replay = as(admin.token()).body(Map.of("since", lastSeen)).post(webhook + "/replay");
        replay.then().statusCode(202).body("queued", Matchers.is(2 * missed.size() + 2));
        assertThat(replay.<Number>path("firstSeq").longValue()).isEqualTo(missedSeqs.get(0));
        int total = 4 + 2 * missed.size() + 2;
        await().atMost(PATIENCE).until(() -> receiver.accepted(path).size() >= total);
        List<Received> replayed = receiver.accepted(path).subList(4, total);
        for (Received event : replayed) {
            event.verify(secret);
        }
        assertThat(replayed).extracting(Received::seq).isSorted();
        assertThat(replayed).extracting(Received::type).containsExactly("presence.changed", "status.changed",
                "presence.changed", "status.changed", "presence.changed", "status.changed", "presence.changed", "status.changed");
        assertThat(replayed).filteredOn(r -> r.type().equals("presence.changed")).extracting(Received::seq)
                .startsWith(missedSeqs.toArray(Long[]::new));
        assertThat(replayed).filteredOn(r -> r.type().equals("status.changed")).extracting(r -> data(r).getString("status"))
                .containsExactly("available", "offline", "available_for_colleagues", "do_not_disturb");
        // the missed ones are new to the receiver, each with its own id; the one it had comes again under its old ids
        List<String> seenBefore = receiver.accepted(path).subList(0, 4).stream().map(Received::id).toList();
        assertThat(replayed.subList(0, 6)).extracting(Received::id).doesNotHaveDuplicates().doesNotContainAnyElementsOf(seenBefore);
        assertThat(replayed.subList(6, 8)).extracting(Received::id).containsExactlyElementsOf(seenBefore.subList(2, 4));
        assertThat(replayed.subList(6, 8)).extracting(Received::body)
                .containsExactlyElementsOf(resumed.stream().map(Received::body).toList());
    }

    @Test
    void aUserFilterAdmitsOnlyTheChosenMembers() {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser watched = TestApi.user(org);
        TestUser other = TestApi.user(org);
        create(admin, "/filtered", List.of("status.changed", "presence.changed"), List.of(watched.id())).then().statusCode(201)
                .body("userIds", Matchers.contains(watched.id().toString()));
        setStatus(other, "do_not_disturb");
        setStatus(watched, "do_not_disturb");
        await().atMost(PATIENCE).until(() -> ofOrg(org, "status.changed").size() >= 1);
        setStatus(other, "offline");
        setStatus(watched, "offline");
        await().atMost(PATIENCE).until(() -> ofOrg(org, "status.changed").size() >= 2);
        List<String> about = new ArrayList<>();
        ofOrg(org, null).forEach(r -> about.add(r.json().getJsonObject("data").getString("userId")));
        assertThat(about).containsOnly(watched.id().toString());
    }

    @Test
    void inputIsCheckedAndAnotherOrgSeesNothing() {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser member = TestApi.user(org);
        UUID otherOrg = TestApi.createOrg();
        TestUser stranger = TestApi.admin(otherOrg);
        TestUser foreigner = TestApi.user(otherOrg);
        String id = create(admin, "/checked", List.of("presence.changed"), null).then().statusCode(201).extract().path("id");

        as(stranger.token()).get(webhooks(org) + "/" + id).then().statusCode(404);
        as(stranger.token()).get(webhooks(otherOrg) + "/" + id).then().statusCode(404);
        as(stranger.token()).post(webhooks(otherOrg) + "/" + id + "/test").then().statusCode(404);
        as(stranger.token()).body(Map.of("since", 0)).post(webhooks(otherOrg) + "/" + id + "/replay").then().statusCode(404);
        as(stranger.token()).get(webhooks(otherOrg) + "/" + id + "/deliveries").then().statusCode(404);
        as(stranger.token()).delete(webhooks(otherOrg) + "/" + id).then().statusCode(404);
        assertThat(as(stranger.token()).get(webhooks(otherOrg)).then().statusCode(200).extract().<List<Object>>path("items")).isEmpty();
        as(member.token()).get(webhooks(org)).then().statusCode(403);

        create(admin, "/x", List.of("presence.changed", "call.not_reached", "group.availability"), null).then().statusCode(201);
        create(admin, "/x", List.of("presence.exploded"), null).then().statusCode(422).body("errors[0].field", Matchers.is("events"));
        create(admin, "/x", List.of(), null).then().statusCode(400);
        create(admin, "/x", List.of("status.changed"), List.of(foreigner.id())).then().statusCode(422)
                .body("errors[0].field", Matchers.is("userIds"));
        as(admin.token()).body(Map.of("url", "ftp://127.0.0.1/x", "events", List.of("status.changed"))).post(webhooks(org))
                .then().statusCode(422).body("errors[0].field", Matchers.is("url"));
        as(admin.token()).body(Map.of("url", "not a url at all", "events", List.of("status.changed"))).post(webhooks(org))
                .then().statusCode(422).body("errors[0].field", Matchers.is("url"));
        as(admin.token()).body(Map.of("since", -1)).post(webhooks(org) + "/" + id + "/replay").then().statusCode(400);
        as(admin.token()).get(webhooks(org) + "/" + id + "/deliveries?limit=1000").then().statusCode(400);

        as(admin.token()).delete(webhooks(org) + "/" + id).then().statusCode(204);
        as(admin.token()).get(webhooks(org) + "/" + id).then().statusCode(404);
    }

    // --- call.not_reached and group.availability: calls routed and reported through the platform API

    /** Creates a webhook to {@code path}; answers its secret. */
    private static String webhook(TestUser admin, String path, List<String> events, List<UUID> userIds) {
        return create(admin, path, events, userIds).then().statusCode(201).extract().path("secret");
    }

    /** A desk phone that calls to the user ring on (not registered yet); answers its SIP username. */
    private static String deskPhone(TestUser user) {
        Response desk = TestApi.createVoipAccount(user.orgId(), "desk_phone", user.id());
        as(user.token()).body(Map.of("destination", Map.of("type", "voip_account", "id", desk.path("id"))))
                .put("/api/me/availability").then().statusCode(200);
        return desk.path("sipUsername");
    }

    private static void register(String sip) {
        as(platform()).body(Map.of("registered", true, "expiresIn", 3600)).put("/api/platform/registrations/" + sip)
                .then().statusCode(200);
    }

    private static Response route(UUID org, String from, String to) {
        Response route = as(platform()).body(Map.of("from", from, "to", to)).post("/api/orgs/" + org + "/calls/route");
        route.then().statusCode(200);
        return route;
    }

    private static void callEvent(String sip, String callId, String state, Integer step) {
        Map<String, Object> body = new HashMap<>(Map.of("callId", callId, "sipUsername", sip, "state", state));
        if (step != null) {
            body.put("step", step);
        }
        as(platform()).body(body).post("/api/platform/call-events").then().statusCode(200);
    }

    private static JsonObject data(Received event) {
        return event.json().getJsonObject("data");
    }

    private static List<Received> ofType(String path, String type) {
        return receiver.accepted(path).stream().filter(r -> type.equals(r.type())).toList();
    }

    @Test
    void everyCallThatDidNotReachAUserIsAnEventWithWhoFromWhatAndWhyInSeqOrder() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser anna = TestApi.user(org);
        TestUser bob = TestApi.user(org);
        String sip = deskPhone(anna);
        register(sip);
        String all = "/calls-" + org;
        String onlyBob = "/calls-bob-" + org;
        String secret = webhook(admin, all, List.of("call.not_reached", "status.changed"), null);
        webhook(admin, onlyBob, List.of("call.not_reached"), List.of(bob.id()));
        // Another org's calls that do not reach anyone, with a webhook of its own.
        UUID otherOrg = TestApi.createOrg();
        TestUser otherAdmin = TestApi.admin(otherOrg);
        TestUser otherUser = TestApi.user(otherOrg);
        webhook(otherAdmin, "/calls-other-" + otherOrg, List.of("call.not_reached"), null);
        setStatus(otherUser, "do_not_disturb");
        route(otherOrg, "+31201234567", otherUser.internalNumber());

        // A call that rings is no event; then: rejected by DND, a group skipping her, a ring without an answer.
        assertThat(route(org, bob.internalNumber(), anna.internalNumber()).<String>path("action")).isEqualTo("ring");
        setStatus(anna, "do_not_disturb");
        Response rejected = route(org, bob.internalNumber(), anna.internalNumber());
        assertThat(rejected.<String>path("action")).isEqualTo("reject");
        await().atMost(PATIENCE).until(() -> ofType(all, "call.not_reached").size() >= 1);
        String groupId = as(admin.token()).body(Map.of("name", "Support", "strategy", "ring_all", "members",
                List.of(anna.id().toString()))).post("/api/orgs/" + org + "/ring-groups")
                .then().statusCode(201).extract().path("id");
        String groupNumber = as(admin.token()).get("/api/orgs/" + org + "/ring-groups/" + groupId).path("internalNumber");
        route(org, "+31207654321", groupNumber);
        await().atMost(PATIENCE).until(() -> ofType(all, "call.not_reached").size() >= 2);
        setStatus(anna, "available");
        callEvent(sip, "call-1", "ringing", null);
        callEvent(sip, "call-1", "no_answer", 2);
        await().atMost(PATIENCE).until(() -> ofType(all, "call.not_reached").size() >= 3);

        List<Received> calls = ofType(all, "call.not_reached");
        assertThat(calls).hasSize(3).allSatisfy(call -> assertThat(data(call).getString("userId")).isEqualTo(anna.id().toString()));
        assertThat(calls).extracting(call -> data(call).getString("outcome")).containsExactly("rejected", "skipped_in_group", "no_answer");

        JsonObject dnd = data(calls.get(0));
        assertThat(dnd.getString("name")).isEqualTo("Name " + anna.email());
        assertThat(dnd.getString("from")).isEqualTo(bob.internalNumber());
        assertThat(dnd.getJsonArray("reasons").getJsonObject(0).getMap())
                .isEqualTo(Map.of("code", "STATUS_DND", "message", rejected.path("reason.message")));
        assertThat(dnd.getString("summary")).startsWith("Call from " + bob.internalNumber() + " did not ring");
        assertThat(dnd.getValue("group")).isNull();

        JsonObject skipped = data(calls.get(1));
        assertThat(skipped.getString("from")).isEqualTo("+31207654321");
        assertThat(skipped.getJsonObject("group").getMap()).isEqualTo(Map.of("groupId", groupId, "name", "Support"));
        assertThat(skipped.getJsonArray("reasons").getJsonObject(0).getString("code")).isEqualTo("STATUS_DND");

        JsonObject noAnswer = data(calls.get(2));
        assertThat(noAnswer.getString("callId")).isEqualTo("call-1");
        assertThat(noAnswer.getInteger("step")).isEqualTo(2);
        assertThat(noAnswer.getValue("from")).isNull();
        assertThat(noAnswer.getJsonArray("reasons").getJsonObject(0).getString("code")).isEqualTo("NO_ANSWER");

        // In order with the endpoint's other events: DND, the two calls, available, the ring without answer.
        List<Received> everything = receiver.accepted(all);
        assertThat(everything).extracting(Received::type).containsExactly("status.changed", "call.not_reached",
                "call.not_reached", "status.changed", "call.not_reached");
        assertThat(everything).extracting(Received::seq).isSorted();
        assertThat(calls.get(0).seq()).as("a call carries the org's seq it was decided in").isEqualTo(everything.get(0).seq());
        for (Received event : everything) {
            event.verify(secret);
            assertThat(event.json().getString("orgId")).isEqualTo(org.toString());
        }

        // The filtered endpoint hears only of Bob; then Bob is not reached once.
        setStatus(bob, "offline");
        route(org, anna.internalNumber(), bob.internalNumber());
        await().atMost(PATIENCE).until(() -> !receiver.accepted(onlyBob).isEmpty());
        assertThat(receiver.accepted(onlyBob)).singleElement().satisfies(event -> {
            assertThat(data(event).getString("userId")).isEqualTo(bob.id().toString());
            assertThat(data(event).getString("from")).isEqualTo(anna.internalNumber());
        });
        // The other org's event went to its own endpoint only.
        assertThat(receiver.accepted().stream().filter(r -> r.json().getString("orgId").equals(otherOrg.toString())))
                .allSatisfy(r -> assertThat(r.path()).isEqualTo("/calls-other-" + otherOrg));
        assertThat(receiver.accepted().stream().filter(r -> r.path().contains(org.toString())))
                .allSatisfy(r -> assertThat(r.json().getString("orgId")).isEqualTo(org.toString()));
    }

    @Test
    void aRingGroupsAvailabilityIsAnEventWithItsCountsAndTheStreamsSeq() throws Exception {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser anna = TestApi.user(org);
        TestUser bob = TestApi.user(org);
        String sip = deskPhone(anna);
        String path = "/groups-" + org;
        // A user filter picks members; a group is no member: its events pass every filter.
        String secret = webhook(admin, path, List.of("group.availability"), List.of(bob.id()));
        UUID otherOrg = TestApi.createOrg();
        TestUser otherAdmin = TestApi.admin(otherOrg);
        webhook(otherAdmin, "/groups-other-" + otherOrg, List.of("group.availability"), null);

        String groupId = as(admin.token()).body(Map.of("name", "Sales", "strategy", "ring_all", "members",
                List.of(anna.id().toString(), bob.id().toString()))).post("/api/orgs/" + org + "/ring-groups")
                .then().statusCode(201).extract().path("id");
        TestUser otherUser = TestApi.user(otherOrg);
        as(otherAdmin.token()).body(Map.of("name", "Elsewhere", "strategy", "ring_all", "members", List.of(otherUser.id().toString())))
                .post("/api/orgs/" + otherOrg + "/ring-groups").then().statusCode(201);
        await().atMost(PATIENCE).until(() -> receiver.accepted(path).size() >= 1);
        register(sip);
        await().atMost(PATIENCE).until(() -> receiver.accepted(path).size() >= 2);
        setStatus(anna, "do_not_disturb");
        await().atMost(PATIENCE).until(() -> receiver.accepted(path).size() >= 3);

        List<Received> events = receiver.accepted(path);
        assertThat(events).extracting(Received::type).containsOnly("group.availability");
        assertThat(events).extracting(e -> data(e).getInteger("available")).containsExactly(0, 1, 0);
        assertThat(events).extracting(e -> data(e).getInteger("members")).containsOnly(2);
        assertThat(events).extracting(Received::seq).isSorted().doesNotHaveDuplicates();
        JsonObject group = data(events.get(1));
        assertThat(group.getString("groupId")).isEqualTo(groupId);
        assertThat(group.getString("name")).isEqualTo("Sales");
        assertThat(group.getString("internalNumber")).isNotBlank();
        for (Received event : events) {
            event.verify(secret);
            assertThat(event.json().getString("orgId")).isEqualTo(org.toString());
        }
        // The seq is the stream's: the REST snapshot's group seq has not moved past the last event.
        long streamSeq = as(admin.token()).get("/api/orgs/" + org + "/presence").then().statusCode(200).extract().<Number>path("seq")
                .longValue();
        assertThat(events.get(2).seq()).isLessThanOrEqualTo(streamSeq);
        await().atMost(PATIENCE).until(() -> !receiver.accepted("/groups-other-" + otherOrg).isEmpty());
        assertThat(receiver.accepted("/groups-other-" + otherOrg)).allSatisfy(
                e -> assertThat(e.json().getString("orgId")).isEqualTo(otherOrg.toString()));
    }
}
