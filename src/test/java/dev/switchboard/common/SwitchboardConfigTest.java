package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMappingInterface.Property;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The documented {@code switchboard.*} settings are exactly those of {@link SwitchboardConfig},
 * with its defaults: README.md's configuration table, and docs/push.md's tables for
 * {@code switchboard.push.*}. A default cell that starts with a value in backticks documents that
 * default (a profile's value in parentheses after it is not one); any other ("none", "unset",
 * "the key's project_id") documents none. Values are compared after conversion, with Quarkus' own
 * duration and memory-size converters ({@code 500ms}, {@code 1H}, {@code 64K}).
 */
class SwitchboardConfigTest {

    private static final SmallRyeConfig CONVERTERS = new SmallRyeConfigBuilder()
            .withConverter(Duration.class, 200, new DurationConverter())
            .withConverter(MemorySize.class, 200, new MemorySizeConverter())
            .build();

    /** One documented setting: its property, its default as written (null: none) and where. */
    record Documented(String property, String defaultValue, String where) {
    }

    @Test
    void theServiceNeedsNoSwitchboardSettingAtAll() {
        SwitchboardConfig config = new SmallRyeConfigBuilder()
                .withMapping(SwitchboardConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .build()
                .getConfigMapping(SwitchboardConfig.class);
        assertThat(config.ws().deviceLease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.http().maxBodySize().asLongValue()).isEqualTo(64 * 1024);
        assertThat(config.operator().email()).isEmpty();
    }

    @Test
    void anUnknownSwitchboardKeyIsRefused() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withMapping(SwitchboardConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(Map.of("switchboard.ws.device-leas", "30S"), "typo", 100));
        assertThatThrownBy(builder::build).hasMessageContaining("SRCFG00050").hasMessageContaining("switchboard.ws.device-leas");
    }

    @Test
    void everySettingOfTheMappingIsDocumentedAndNothingElse() throws IOException {
        assertThat(documented().keySet()).as("switchboard.* settings in README.md and docs/push.md")
                .containsExactlyInAnyOrderElementsOf(settings().keySet());
    }

    @TestFactory
    Stream<DynamicTest> eachDocumentedDefaultIsTheMappingsDefault() throws IOException {
        Map<String, Property> settings = settings();
        return documented().values().stream().filter(d -> settings.containsKey(d.property()))
                .map(d -> DynamicTest.dynamicTest(d.property(), () -> {
                    Property setting = settings.get(d.property());
                    String mappingDefault = setting.hasDefaultValue() ? setting.getDefaultValue() : null;
                    if (d.defaultValue() == null) {
                        assertThat(mappingDefault).as("%s: %s documents no default", d.property(), d.where()).isNull();
                        return;
                    }
                    assertThat(mappingDefault).as("%s: %s documents %s", d.property(), d.where(), d.defaultValue()).isNotNull();
                    Class<?> type = valueType(setting);
                    assertThat(CONVERTERS.convert(d.defaultValue(), type))
                            .as("%s: %s documents %s, the mapping says %s", d.property(), d.where(), d.defaultValue(), mappingDefault)
                            .isEqualTo(CONVERTERS.convert(mappingDefault, type));
                }));
    }

    /** The mapping's settings as SmallRye Config reads them (groups are not settings). */
    private static Map<String, Property> settings() {
        Map<String, Property> settings = new TreeMap<>();
        ConfigMappings.getProperties(ConfigClass.configClass(SwitchboardConfig.class)).forEach((name, property) -> {
            if (!property.isGroup()) {
                settings.put(name, property);
            }
        });
        return settings;
    }

    private static Class<?> valueType(Property setting) {
        if (setting.isPrimitive()) {
            return setting.asPrimitive().getBoxType();
        }
        return setting.isLeaf() ? setting.asLeaf().getValueRawType() : setting.getMethod().getReturnType();
    }

    /**
     * README.md's configuration table (columns: variable, property, default, meaning) and
     * docs/push.md's tables (columns: variable, default, meaning), by property.
     */
    private static Map<String, Documented> documented() throws IOException {
        Map<String, Documented> documented = new TreeMap<>();
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Configuration");
        assertThat(start).as("README.md has a Configuration section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        for (String line : readme.substring(start, end).split("\n")) {
            List<String> cells = cells(line);
            String property = cells.size() >= 4 ? code(cells.get(1)) : "";
            if (property.startsWith("switchboard.") && !property.contains("*")) {
                put(documented, new Documented(property, defaultOf(cells.get(2)), "README.md"));
            }
        }
        Map<String, String> byVariable = new TreeMap<>();
        settings().keySet().forEach(property -> byVariable.put(property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT), property));
        for (String line : Files.readAllLines(Path.of("docs/push.md"))) {
            List<String> cells = cells(line);
            String variable = cells.size() >= 3 ? code(cells.get(0)) : "";
            if (variable.startsWith("SWITCHBOARD_PUSH_")) {
                String property = byVariable.getOrDefault(variable, "(no setting is " + variable + ")");
                put(documented, new Documented(property, defaultOf(cells.get(1)), "docs/push.md"));
            }
        }
        return documented;
    }

    private static void put(Map<String, Documented> documented, Documented entry) {
        Documented before = documented.put(entry.property(), entry);
        assertThat(before).as("%s is documented twice", entry.property()).isNull();
    }

    /** The cells of a Markdown table row, trimmed; none for any other line. */
    private static List<String> cells(String line) {
        if (!line.startsWith("| ")) {
            return List.of();
        }
        return Stream.of(line.substring(1, line.lastIndexOf('|')).split(" \\| ")).map(String::trim).toList();
    }

    /** A cell that is one code span, without its backticks; any other as it is. */
    private static String code(String cell) {
        boolean span = cell.length() > 1 && cell.startsWith("`") && cell.indexOf('`', 1) == cell.length() - 1;
        return span ? cell.substring(1, cell.length() - 1) : cell;
    }

    /** {@code `10` (test: `4`)} → 10; {@code none (dev: …)}, {@code unset (…)}, {@code the key's …} → null. */
    private static String defaultOf(String cell) {
        return cell.startsWith("`") ? cell.substring(1, cell.indexOf('`', 1)) : null;
    }
}
