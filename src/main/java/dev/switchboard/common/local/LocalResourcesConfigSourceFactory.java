package dev.switchboard.common.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.switchboard.common.SwitchboardConfig;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Gives dev mode and the test suite everything they need without any install: an embedded
 * PostgreSQL when no datasource URL is configured, and a JWT key pair when no keys are configured.
 * In any other profile (prod) it contributes nothing, so production must configure both.
 *
 * <p>The ordinal sits below application.properties (250) and the environment (300), so anything
 * configured explicitly wins.
 */
public class LocalResourcesConfigSourceFactory implements ConfigSourceFactory {

    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean dev = profiles.contains("dev");
        boolean test = profiles.contains("test");
        if (!dev && !test) {
            return List.of();
        }
        Map<String, String> properties = new HashMap<>();
        if (isUnset(context, "quarkus.datasource.reactive.url")) {
            String dataDir = dev
                    ? valueOr(context, "switchboard.embedded-postgres.data-dir", SwitchboardConfig.EmbeddedPostgres.DEFAULT_DATA_DIR)
                    : null;
            properties.putAll(EmbeddedDatabase.startOnce(dataDir).datasourceProperties());
        }
        if (isUnset(context, "mp.jwt.verify.publickey.location") && isUnset(context, "smallrye.jwt.sign.key.location")) {
            String keyDir = dev ? ".switchboard/dev-keys" : null;
            properties.putAll(LocalJwtKeys.ensure(keyDir));
        }
        return List.of(new PropertiesConfigSource(properties, "switchboard-local-resources", ORDINAL));
    }

    /** Whether this JVM already runs on the embedded database or generated keys (dev mode, tests). */
    public static boolean provided() {
        return System.getProperty(EmbeddedDatabase.PORT_PROPERTY) != null || System.getProperty(LocalJwtKeys.DIR_PROPERTY) != null;
    }

    private static boolean isUnset(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank();
    }

    private static String valueOr(ConfigSourceContext context, String name, String fallback) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null ? fallback : value.getValue();
    }
}
