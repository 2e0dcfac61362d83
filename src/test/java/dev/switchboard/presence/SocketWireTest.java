package dev.switchboard.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The fan-out writes pre-encoded frames straight to the Vert.x socket that websockets-next keeps
 * package-private. If a Quarkus upgrade moves it, presence still works (through sendText) but every
 * delivery gets slower again: this test makes that visible. The frames themselves are checked by
 * the socket and fan-out tests, which now run over this path.
 */
@QuarkusTest
class SocketWireTest {

    @Test
    void presenceFramesBypassPerSocketEncoding() {
        assertThat(SocketWire.direct())
                .as("direct access to websockets-next's Vert.x socket (see SocketWire)")
                .isTrue();
    }
}
