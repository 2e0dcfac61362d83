package dev.switchboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The access log (on in prod, here through a profile, with the pattern of application.properties)
 * names method and path, never the query string: socket tickets travel as {@code ?ticket=} and
 * clients put other tokens in URLs too. Management requests (probes, scrapes) are not logged.
 */
@QuarkusTest
@TestProfile(AccessLogTest.AccessLogOn.class)
class AccessLogTest {

    public static class AccessLogOn implements QuarkusTestProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("quarkus.http.access-log.enabled", "true");
        }
    }

    private static final String SECRET = "Secret" + UUID.randomUUID().toString().replace("-", "");
    private static final List<String> LINES = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            LINES.add(String.valueOf(record.getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static Logger accessLog;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @BeforeAll
    static void capture() {
        String category = ConfigProvider.getConfig().getOptionalValue("quarkus.http.access-log.category", String.class)
                .orElse("io.quarkus.http.access-log");
        accessLog = Logger.getLogger(category);
        accessLog.addHandler(CAPTURE);
    }

    @AfterAll
    static void release() {
        accessLog.removeHandler(CAPTURE);
    }

    @Test
    void aLineHasMethodPathStatusAndRequestIdButNoQueryString() {
        String api = request("/api/orgs", 401);
        assertThat(api).contains("\"GET /api/orgs HTTP/1.1\" 401").contains("requestId=");
        // The socket path with a ticket, as browsers open it (a plain GET: refused, and logged).
        String socket = request("/ws/presence", 401);
        assertThat(socket).contains("\"GET /ws/presence HTTP/1.1\" 401");
        String page = request("/favicon.svg", 200);
        assertThat(page).contains("\"GET /favicon.svg HTTP/1.1\" 200");
        assertThat(LINES).isNotEmpty().noneMatch(line -> line.contains(SECRET) || line.contains("?"));
    }

    @Test
    void managementRequestsAreNotLogged() {
        given().header("X-Request-Id", "probe-" + UUID.randomUUID()).get(ready).then().statusCode(200);
        request("/favicon.svg", 200); // logged after the probe's request: the probe had its chance
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> LINES.stream().noneMatch(line -> line.contains("/q/") || line.contains("probe-")));
    }

    /** Sends {@code GET path?ticket=…&token=…} with a fresh request id; answers its access-log line. */
    private static String request(String path, int status) {
        String id = "access-log-" + UUID.randomUUID();
        given().header("X-Request-Id", id).queryParam("ticket", SECRET).queryParam("token", SECRET)
                .get(path).then().statusCode(status);
        return Awaitility.await("the access-log line of " + path).atMost(Duration.ofSeconds(10))
                .until(() -> LINES.stream().filter(line -> line.contains("requestId=" + id)).findFirst().orElse(null),
                        line -> line != null);
    }
}
