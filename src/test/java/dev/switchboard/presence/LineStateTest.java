package dev.switchboard.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.switchboard.presence.LineView.LineState;

/** The busy lamp of a line from the device's live state, every combination (docs/api.md, "Line"). */
class LineStateTest {

    @ParameterizedTest(name = "registered={0} ringing={1} inCall={2} -> {3}")
    @CsvSource({
            "false, false, false, unavailable",
            "true,  false, false, idle",
            "true,  true,  false, ringing",
            "false, true,  false, ringing",
            "true,  false, true,  in_call",
            "false, false, true,  in_call",
            "true,  true,  true,  in_call",
            "false, true,  true,  in_call" })
    void lamp(boolean registered, boolean ringing, boolean inCall, String wire) {
        assertThat(LineState.of(registered, ringing, inCall).wire()).isEqualTo(wire);
    }
}
