package dev.switchboard.common;

import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.switchboard.common.local.LocalResourcesConfigSourceFactory;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. In production, missing essentials (the database, the JWT keys) stop the start
 * with one sentence naming the variables to set, before any framework error can bury it.
 */
@QuarkusMain
public class SwitchboardMain {

    public static void main(String... args) {
        // Dev mode also starts here; its embedded database and keys (common.local) are not missing.
        if (LaunchMode.current() == LaunchMode.NORMAL && !LocalResourcesConfigSourceFactory.provided()) {
            String missing = missingEssentials(ConfigProvider.getConfig());
            if (missing != null) {
                System.err.println("Switchboard cannot start: " + missing);
                System.exit(2);
            }
        }
        Quarkus.run(args);
    }

    static String missingEssentials(Config config) {
        if (absent(config, "quarkus.datasource.reactive.url") || absent(config, "quarkus.datasource.jdbc.url")) {
            return "no database is configured; set QUARKUS_DATASOURCE_REACTIVE_URL, QUARKUS_DATASOURCE_JDBC_URL, "
                    + "QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD.";
        }
        List<String> keys = List.of("smallrye.jwt.sign.key.location", "mp.jwt.verify.publickey.location");
        if (keys.stream().anyMatch(key -> absent(config, key))) {
            return "JWT keys are not configured; set SMALLRYE_JWT_SIGN_KEY_LOCATION (private key PEM) and "
                    + "MP_JWT_VERIFY_PUBLICKEY_LOCATION (public key PEM), the same on every replica.";
        }
        return null;
    }

    private static boolean absent(Config config, String key) {
        Optional<String> value = config.getOptionalValue(key, String.class);
        return value.isEmpty() || value.get().isBlank();
    }
}
