package dev.switchboard.presence;

import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The socket's limits: every frame costs a command token, messages above
 * switchboard.ws.max-message-size (16 KiB) close with 1009 however they are framed, and error
 * frames name fields, never Java types. None of it is an ERROR in the server's log.
 */
@QuarkusTest
class PresenceSocketLimitsTest {

    private static final int LIMIT = 16 * 1024;

    @TestHTTPResource("/")
    URI base;

    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Handler errorLog = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void watchTheLog() {
        Logger.getLogger("").addHandler(errorLog);
    }

    @AfterEach
    void stopWatching() {
        Logger.getLogger("").removeHandler(errorLog);
    }

    private SocketClient connect() {
        TestUser anna = user(createOrg());
        SocketClient socket = SocketClient.connect(base, anna.token(), null);
        socket.next("snapshot");
        return socket;
    }

    @Test
    void invalidFramesCountAgainstTheRateLimit() {
        try (SocketClient socket = connect()) {
            for (int i = 0; i < 300; i++) {
                socket.send(i % 2 == 0 ? "{not json" : "[]");
            }
            JsonObject limited = socket.next(frame -> "rate_limited".equals(frame.getString("code")));
            assertThat(limited.getString("type")).isEqualTo("error");
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0} bytes in one frame → 1009")
    @ValueSource(ints = { LIMIT + 1, 64 * 1024, 1024 * 1024, 2 * 1024 * 1024, 2 * 1024 * 1024 + 1, 3 * 1024 * 1024 })
    void aMessageAboveTheLimitInOneFrameClosesWith1009(int size) {
        try (SocketClient socket = connect()) {
            socket.send(ping(size));
            assertThat(socket.awaitClose()).isEqualTo(1009);
        }
        assertThat(errors).isEmpty();
    }

    /**
     * A socket closed for a frame above the frame limit is gone on the server too: it no longer
     * counts towards its user's sockets (switchboard.ws.max-connections-per-user, 10).
     */
    @Test
    void socketsClosedForAnOversizedFrameNoLongerCountTowardsTheUsersLimit() {
        TestUser anna = user(createOrg());
        for (int i = 0; i < 12; i++) {
            try (SocketClient socket = SocketClient.connect(base, anna.token(), null)) {
                assertThat(socket.next().getString("type")).as("connection %d", i + 1).isEqualTo("snapshot");
                socket.send(ping(3 * 1024 * 1024));
                assertThat(socket.awaitClose()).isEqualTo(1009);
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aBinaryMessageAboveTheLimitClosesWith1009Too() {
        try (SocketClient socket = connect()) {
            socket.sendBinary(new byte[LIMIT + 1]);
            assertThat(socket.awaitClose()).isEqualTo(1009);
        }
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest(name = "{0} bytes in fragments → 1009")
    @ValueSource(ints = { LIMIT + 1, 1024 * 1024, 3 * 1024 * 1024 })
    void aFragmentedMessageAboveTheLimitClosesWith1009(int size) {
        try (SocketClient socket = connect()) {
            socket.sendFragmented(ping(size), 4096);
            assertThat(socket.awaitClose()).isEqualTo(1009);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aMessageAtTheLimitIsAnswered() {
        try (SocketClient socket = connect()) {
            socket.sendFragmented(ping(LIMIT), 1000);
            socket.next("pong");
            socket.send(ping(LIMIT));
            socket.next("pong");
        }
    }

    /** A ping of exactly {@code size} bytes. */
    private static String ping(int size) {
        String frame = "{\"type\":\"ping\",\"pad\":\"\"}";
        return "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(size - frame.length()) + "\"}";
    }

    @Test
    void errorFramesNameFieldsNeverJavaTypes() {
        try (SocketClient socket = connect()) {
            List<Map<String, Object>> bad = List.of(
                    Map.of("type", "set_availability", "id", "a", "userId", "someone"),
                    Map.of("type", "set_availability", "id", "b", "status", "sleeping"),
                    Map.of("type", "set_availability", "id", "c", "until", "tomorrow"),
                    Map.of("type", "set_availability", "id", "d", "destination", Map.of("type", "voip_account", "id", "x")),
                    Map.of("type", "set_availability", "id", "e", "destination", List.of(1)),
                    Map.of("type", "set_availability", "id", "f", "status", "do_not_disturb", "until", "+999999999-12-31T23:59:59Z"));
            List<String> fields = List.of("userId", "status", "until", "destination.id", "destination", "until");
            for (int i = 0; i < bad.size(); i++) {
                socket.send(bad.get(i));
                JsonObject error = socket.next("error");
                assertThat(error.getString("code")).isEqualTo("validation");
                assertThat(error.getString("message")).startsWith(fields.get(i))
                        .doesNotContain("dev.switchboard", "class", "java.", "`");
            }
        }
    }

    @Test
    void aCommandIdIsShortPlainText() {
        try (SocketClient socket = connect()) {
            socket.send(Map.of("type", "ping", "id", "x".repeat(65)));
            JsonObject tooLong = socket.next("error");
            assertThat(tooLong.getString("code")).isEqualTo("validation");
            assertThat(tooLong.containsKey("id")).isFalse();
            socket.send(Map.of("type", "ping", "id", "a\u0000b"));
            assertThat(socket.next("error").getString("code")).isEqualTo("validation");
            socket.send(Map.of("type", "set_availability", "id", "x".repeat(64), "status", "available"));
            assertThat(socket.next("ack").getString("id")).isEqualTo("x".repeat(64));
        }
    }
}
