package dev.switchboard.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The one frame encoder, with the application's ObjectMapper: the hand-assembled snapshot is the
 * same text as the generic encoding of the same record, and the small frames are exactly what
 * docs/presence-protocol.md shows.
 */
@QuarkusTest
class FrameEncoderTest {

    @Inject
    FrameEncoder encoder;

    @Inject
    ObjectMapper json;

    @Test
    void theSharedColleaguesSnapshotIsTheGenericEncodingOfTheSameRecord() throws Exception {
        SelfView me = json.readValue("""
                {"userId":"%s","name":"Anna \\"Ann\\" Äpfel","internalNumber":"100","availability":"do_not_disturb",
                 "userStatus":"do_not_disturb","context":["in_call"],"reach":"rings","since":"2026-11-28T08:50:36.622Z",
                 "status":"do_not_disturb","destination":{"type":"voip_account","id":"%s"},"until":"2026-11-28T14:00:00Z",
                 "reachability":{"internal":false,"external":false,"reasons":[{"code":"STATUS_DND","message":"DND €"}]}}
                """.formatted(UUID.randomUUID(), UUID.randomUUID()), SelfView.class);
        SelfView bare = json.readValue("""
                {"userId":"%s","name":"Bob","internalNumber":"101","availability":"offline","userStatus":"available",
                 "context":[],"reach":"unreachable","since":"2026-11-28T08:50:36Z","status":"available","destination":null,
                 "until":null,"reachability":{"internal":false,"external":false,"reasons":[{"code":"NO_DESTINATION","message":"x"}]}}
                """.formatted(UUID.randomUUID()), SelfView.class);
        List<PresenceView> colleagues = List.of(colleague("Gina 😀", "busy", "[\"in_call\"]"), colleague("Hank", "offline", "[]"));

        for (SelfView self : List.of(me, bare)) {
            for (List<PresenceView> org : List.of(colleagues, List.<PresenceView> of())) {
                String generic = encoder.encode(new Frames.Snapshot(42, self, org));
                assertThat(encoder.snapshot(self, encoder.colleagues(42, org))).isEqualTo(generic);
                assertThat(json.readTree(generic).get("type").asText()).isEqualTo("snapshot");
            }
        }
    }

    private PresenceView colleague(String name, String availability, String context) throws Exception {
        return json.readValue("""
                {"userId":"%s","name":"%s","internalNumber":"106","availability":"%s","userStatus":"available",
                 "context":%s,"reach":"rings","since":"2026-11-28T08:50:37.010Z"}
                """.formatted(UUID.randomUUID(), name, availability, context), PresenceView.class);
    }

    @Test
    void repliesAreWhatTheProtocolShows() {
        assertThat(encoder.encode(new Frames.Ack("c1"))).isEqualTo("{\"type\":\"ack\",\"id\":\"c1\"}");
        assertThat(encoder.encode(new Frames.Ack(null))).isEqualTo("{\"type\":\"ack\",\"id\":null}");
        assertThat(encoder.encode(new Frames.Error("c2", "validation", "destination is not one of this user's VoIP accounts")))
                .isEqualTo("{\"type\":\"error\",\"id\":\"c2\",\"code\":\"validation\","
                        + "\"message\":\"destination is not one of this user's VoIP accounts\"}");
        assertThat(encoder.encode(new Frames.Error(null, "rate_limited", "too many commands; slow down")))
                .isEqualTo("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"too many commands; slow down\"}");
        assertThat(encoder.encode(Frames.Pong.INSTANCE)).isEqualTo("{\"type\":\"pong\"}");
        assertThat(encoder.encode(new Frames.Resumed(41))).isEqualTo("{\"type\":\"resumed\",\"seq\":41}");
        UUID gone = UUID.randomUUID();
        assertThat(encoder.encode(new Frames.ColleagueRemoved(44, gone)))
                .isEqualTo("{\"type\":\"colleague_removed\",\"seq\":44,\"userId\":\"" + gone + "\"}");
    }
}
