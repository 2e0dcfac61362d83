package dev.switchboard.platform;

import static dev.switchboard.support.TestApi.admin;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.createVoipAccount;
import static dev.switchboard.support.TestApi.platform;
import static dev.switchboard.support.TestApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.ErrorLogCapture;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A SIP proxy gives up on a slow answer and closes its connection (Kamailio's HTTP client has a
 * short timeout by design). What it reported must still happen, whole: the write completes, its
 * presence change reaches colleagues, and the service logs no error for the client's leaving.
 */
@QuarkusTest
class AbandonedRequestTest {

    private static final int ROUNDS = 20;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aReportWhoseSenderHangsUpAtOnceIsStillAppliedWhole() throws IOException {
        UUID org = createOrg();
        TestUser anna = user(org);
        TestUser admin = admin(org);
        Response created = createVoipAccount(org, "desk_phone", anna.id());
        UUID deskId = UUID.fromString(created.path("id"));
        String sipUsername = created.path("sipUsername");
        // the desk phone is Anna's destination: each registration change is a presence change
        as(anna.token()).body(Map.of("status", "available", "destination", Map.of("type", "voip_account", "id", deskId.toString())))
                .put("/api/me/availability").then().statusCode(200);
        String token = platform();
        try (ErrorLogCapture errors = ErrorLogCapture.install()) {
            for (int round = 0; round < ROUNDS; round++) {
                boolean registered = round % 2 == 0;
                sendAndHangUp("PUT", "/api/platform/registrations/" + sipUsername, token,
                        registered ? "{\"registered\":true,\"expiresIn\":600}" : "{\"registered\":false}");
                await().atMost(Duration.ofSeconds(10)).until(() -> as(admin.token()).get(Fixtures.voipPath(org) + "/" + deskId)
                        .then().statusCode(200).extract().jsonPath().getBoolean("state.registered") == registered);
            }
            assertThat(errors.lines()).isEmpty();
        }
    }

    /** Writes one whole HTTP/1.1 request and closes the connection without reading the answer. */
    private void sendAndHangUp(String method, String path, String token, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\nAuthorization: Bearer "
                + token + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }
    }
}
