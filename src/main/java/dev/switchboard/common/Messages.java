package dev.switchboard.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sentences the service says to people, in one language: one catalogue per language,
 * {@code messages/<tag>.properties} (UTF-8). Placeholders are {@code {0}}, {@code {1}}… and nothing
 * else is special, so an apostrophe ("collega's") needs no escaping as it would with MessageFormat.
 * Immutable once loaded, so the pure derivation can take one as an input.
 */
public final class Messages {

    private static final Map<Language, Messages> ALL = new EnumMap<>(Language.class);

    static {
        for (Language language : Language.values()) {
            ALL.put(language, new Messages(language, load(language)));
        }
    }

    /** English, the default language. */
    public static final Messages ENGLISH = of(Language.EN);

    private final Language language;
    private final Map<String, String> patterns;

    private Messages(Language language, Map<String, String> patterns) {
        this.language = language;
        this.patterns = patterns;
    }

    public static Messages of(Language language) {
        return ALL.get(Objects.requireNonNull(language, "language"));
    }

    /** The catalogue for an {@code Accept-Language} header. */
    public static Messages forAcceptLanguage(String header) {
        return of(Language.fromAcceptLanguage(header));
    }

    public Language language() {
        return language;
    }

    /** Every key of this catalogue (for the test that both languages have the same). */
    public Set<String> keys() {
        return patterns.keySet();
    }

    /** The raw pattern of {@code key}, or null. */
    public String pattern(String key) {
        return patterns.get(key);
    }

    /**
     * The sentence {@code key} with {@code {n}} replaced by {@code args[n]}. A key missing here
     * (a test keeps that from happening) falls back to English, then to the key itself.
     */
    public String text(String key, Object... args) {
        String pattern = patterns.get(key);
        if (pattern == null) {
            pattern = language == Language.EN ? key : ENGLISH.patterns.getOrDefault(key, key);
        }
        if (pattern.indexOf('{') < 0) {
            return pattern; // most texts have no placeholder: nothing to build
        }
        StringBuilder out = new StringBuilder(pattern.length() + 32);
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            int close = c == '{' ? pattern.indexOf('}', i) : -1;
            if (close > i + 1 && isIndex(pattern, i + 1, close)) {
                int index = Integer.parseInt(pattern.substring(i + 1, close));
                out.append(index < args.length ? String.valueOf(args[index]) : "");
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isIndex(String s, int from, int to) {
        if (to - from > 2) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> load(Language language) {
        String resource = "messages/" + language.tag() + ".properties";
        try (InputStream in = Messages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing message catalogue " + resource);
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> patterns = new TreeMap<>();
            properties.stringPropertyNames().forEach(key -> patterns.put(key, properties.getProperty(key)));
            return Map.copyOf(patterns);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
