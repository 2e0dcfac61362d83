package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Logins with huge emails must not leave anything behind: the service and this test share one
 * JVM, so the live heap after a full GC shows what the service kept.
 */
@QuarkusTest
class LoginMemoryTest {

    private static final int ONE_MB = 1024 * 1024;
    private static final long ALLOWED_GROWTH = 8L * ONE_MB;

    @Test
    void twoHundredLoginsWithOneMegabyteEmailsLeaveTheHeapFlat() {
        for (int warmUp = 0; warmUp < 5; warmUp++) {
            attemptWithHugeEmail("warm-up-" + warmUp);
        }
        long before = liveHeap();

        for (int attempt = 0; attempt < 200; attempt++) {
            attemptWithHugeEmail("attempt-" + attempt);
        }

        long after = liveHeap();
        assertThat(after - before).as("live heap growth in bytes").isLessThan(ALLOWED_GROWTH);
    }

    /** Refused as a field too long (400), or as a body too large (413) where a body cap applies first. */
    private static void attemptWithHugeEmail(String distinct) {
        StringBuilder body = new StringBuilder(ONE_MB + 100).append("{\"email\":\"").append(distinct);
        body.append("x".repeat(ONE_MB)).append("@example.test\",\"password\":\"secret-secret\"}");
        int status = given().contentType(ContentType.JSON).body(body.toString()).post("/api/auth/token").statusCode();
        assertThat(status).isIn(400, 413);
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long lowest = Long.MAX_VALUE;
        // A few rounds: one System.gc() may leave garbage reachable only through finalizers or soft caches.
        for (int round = 0; round < 5; round++) {
            System.gc();
            lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
