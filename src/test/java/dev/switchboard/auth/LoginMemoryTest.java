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
            // Just under the body limit: this one reaches the field check (and, before it was
            // bounded, the limiter's table).
            if (attempt % 4 == 0) {
                attemptWithEmailOf(60 * 1024, "attempt-" + attempt, 400);
            }
        }

        long after = liveHeap();
        assertThat(after - before).as("live heap growth in bytes").isLessThan(ALLOWED_GROWTH);
    }

    /**
     * A 1 MB body is refused by the body limit (413) as soon as its length is read; the server may
     * close the connection before the client has written it all, which is a refusal too.
     */
    private static void attemptWithHugeEmail(String distinct) {
        try {
            attemptWithEmailOf(ONE_MB, distinct, 413);
        } catch (Exception closedMidUpload) { // RestAssured rethrows the socket's IOException unchecked
            if (!(rootCause(closedMidUpload) instanceof java.io.IOException)) {
                throw new AssertionError(closedMidUpload);
            }
        }
    }

    private static void attemptWithEmailOf(int length, String distinct, int expected) {
        StringBuilder body = new StringBuilder(length + 100).append("{\"email\":\"").append(distinct);
        body.append("x".repeat(length)).append("@example.test\",\"password\":\"secret-secret\"}");
        int status = given().contentType(ContentType.JSON).body(body.toString()).post("/api/auth/token").statusCode();
        assertThat(status).isEqualTo(expected);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
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
