package dev.switchboard.common;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.spi.QueryEngine;
import org.hibernate.query.spi.QueryInterpretationCache;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.hibernate.orm.runtime.JPAConfig;
import io.quarkus.hibernate.orm.runtime.PersistenceUnitUtil;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Repeating the same requests must reuse Hibernate's query plans, not add new ones: a Hibernate
 * native query gets a plan key that never equals the previous one, so the cache filled with copies
 * of the same few statements and every lookup scanned them (see {@link NativeSql}).
 */
@QuarkusTest
class QueryPlanCacheTest {

    private static final int WARM_UP = 10;
    private static final int ROUNDS = 50;

    @Inject
    JPAConfig jpa;

    @Test
    void repeatedRequestsReuseTheirQueryPlans() {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser bob = user(org);
        String sip = createVoipAccount(org, "desk_phone", anna.id()).path("sipUsername");
        String app = createVoipAccount(org, "app", anna.id()).path("id");
        String pushToken = "f0f0" + (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        UUID bobsMobile = Fixtures.fixedDestination(org, bob.id(), "+31612345678");
        setStatus(bob, "offline", bobsMobile);

        for (int round = 0; round < WARM_UP; round++) {
            round(org, anna, bob, bobsMobile, sip, app, pushToken, round);
        }
        int warm = plans().getNumberOfCachedQueryPlans();
        for (int round = WARM_UP; round < ROUNDS; round++) {
            round(org, anna, bob, bobsMobile, sip, app, pushToken, round);
        }
        int after = plans().getNumberOfCachedQueryPlans();

        assertThat(after - warm).as("query plans added by %d more rounds of the same requests", ROUNDS - WARM_UP)
                .isLessThanOrEqualTo(5);
        // The cache is bounded: once full it stops growing, so growth alone would not show the
        // leak after other tests filled it. One plan per distinct statement stays far below.
        assertThat(after).as("cached query plans").isLessThan(QueryEngine.DEFAULT_QUERY_PLAN_MAX_COUNT / 2);
    }

    /** Presence, platform, routing, watch and push requests: most of the SQL statements there are. */
    private static void round(UUID org, TestUser anna, TestUser bob, UUID bobsMobile, String sip, String app, String pushToken,
            int round) {
        setStatus(anna, round % 2 == 0 ? "do_not_disturb" : "available");
        as(anna.token()).get("/api/me").then().statusCode(200);
        as(anna.token()).get("/api/orgs/" + org + "/presence").then().statusCode(200);
        as(anna.token()).get("/api/orgs/" + org + "/presence/events?since=0").then().statusCode(200);

        as(platform()).body(Map.of("registered", round % 2 == 0, "expiresIn", 600)).put("/api/platform/registrations/" + sip)
                .then().statusCode(200);
        as(platform()).body(Map.of("callId", "call-" + round, "sipUsername", sip, "state", "ringing"))
                .post("/api/platform/call-events").then().statusCode(200);
        as(platform()).body(Map.of("from", bob.internalNumber(), "to", anna.internalNumber()))
                .post("/api/orgs/" + org + "/calls/route").then().statusCode(200);

        // Bob is offline: the watch waits, then fires when he becomes available.
        as(anna.token()).body(Map.of("userId", bob.id().toString())).post("/api/me/watches").then().statusCode(201);
        as(anna.token()).get("/api/me/watches").then().statusCode(200);
        setStatus(bob, "available", bobsMobile);
        setStatus(bob, "offline", bobsMobile);

        as(anna.token()).body(Map.of("voipAccountId", app, "platform", "apns", "token", pushToken,
                "appId", "dev.switchboard.app", "name", "iPhone")).post("/api/me/push-devices")
                .then().statusCode(round == 0 ? 201 : 200);
        as(anna.token()).get("/api/me/push-devices").then().statusCode(200);
        as(operator()).body(Fixtures.voipBody("desk_phone", null)).post(Fixtures.voipPath(org)).then().statusCode(201);
    }

    private static void setStatus(TestUser user, String status) {
        as(user.token()).body(Map.of("status", status)).put("/api/me/availability").then().statusCode(200);
    }

    private static void setStatus(TestUser user, String status, UUID fixedDestination) {
        as(user.token()).body(Map.of("status", status, "destination", Map.of("type", "fixed_destination", "id", fixedDestination.toString())))
                .put("/api/me/availability").then().statusCode(200);
    }

    private QueryInterpretationCache plans() {
        return jpa.getEntityManagerFactory(PersistenceUnitUtil.DEFAULT_PERSISTENCE_UNIT_NAME, true)
                .unwrap(SessionFactoryImplementor.class).getQueryEngine().getInterpretationCache();
    }
}
