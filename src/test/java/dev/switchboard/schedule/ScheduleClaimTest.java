package dev.switchboard.schedule;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Several appliers at once, as several replicas are: this instance's own timer and two more
 * loops running the same timer step ({@link ScheduleService#applyDue}) in their own transactions,
 * all on one database. Every window's start must be applied exactly once: each application
 * raises the user's version by one.
 */
@QuarkusTest
class ScheduleClaimTest {

    private static final int USERS = 12;

    @Inject
    ScheduleService schedules;

    @Test
    void concurrentAppliersApplyEachWindowOnce() throws Exception {
        UUID org = createOrg();
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(user(org));
        }
        // The windows start once every schedule is stored and every version read: from then on
        // the appliers race this instance's own timer for them.
        ZoneId zone = ZoneId.of("Europe/Amsterdam");
        LocalDateTime start = LocalDateTime.now(zone).truncatedTo(ChronoUnit.SECONDS).plusSeconds(5);
        List<Long> versions = new ArrayList<>();
        for (TestUser member : users) {
            as(member.token()).body(Map.of("status", "do_not_disturb", "from", start.toString(), "until", start.plusHours(1).toString()))
                    .post("/api/me/schedules").then().statusCode(201);
            versions.add(version(member));
        }
        assertThat(LocalDateTime.now(zone)).as("set-up done before the windows start").isBefore(start);
        long stopAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<CompletableFuture<Void>> appliers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            appliers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < stopAt) {
                    try {
                        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(schedules::applyDue));
                    } catch (Throwable e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        CompletableFuture.allOf(appliers.toArray(CompletableFuture[]::new)).get();
        for (int i = 0; i < USERS; i++) {
            TestUser member = users.get(i);
            long before = versions.get(i);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "do_not_disturb".equals(status(member)));
            assertThat(version(member)).as("applied once").isEqualTo(before + 1);
        }
    }

    private static long version(TestUser member) {
        return as(member.token()).get("/api/me").then().statusCode(200).extract().jsonPath().getLong("availability.version");
    }

    private static String status(TestUser member) {
        return as(member.token()).get("/api/me").then().statusCode(200).extract().path("availability.status");
    }
}
