package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The mapping as the running service sees it: application.properties' profile values reach it,
 * and the Quarkus settings written as expressions over our keys follow the mapping's defaults
 * (which are not repeated in application.properties).
 */
@QuarkusTest
class SwitchboardConfigBootTest {

    @Inject
    SwitchboardConfig switchboard;

    @Inject
    Config config;

    @Test
    void testProfileValuesReachTheMapping() {
        assertThat(switchboard.auth().bcryptCost()).isEqualTo(4);
        assertThat(switchboard.auth().login().perAddressPerMinute()).isEqualTo(100_000);
        assertThat(switchboard.auth().login().perEmailPerMinute()).isEqualTo(10);
        assertThat(switchboard.operator().email()).contains("operator@switchboard.test");
    }

    @Test
    void quarkusSettingsDerivedFromOursFollowTheMapping() {
        assertThat(config.getValue("quarkus.websockets-next.server.max-message-size", Integer.class))
                .isEqualTo(switchboard.ws().maxMessageSize()).isEqualTo(16_384);
        assertThat(config.getValue("quarkus.rest.input-buffer-size", MemorySize.class))
                .isEqualTo(switchboard.http().maxBodySize()).isEqualTo(new MemorySize(BigInteger.valueOf(64 * 1024)));
    }
}
