package dev.switchboard.common;

import java.util.List;
import java.util.Locale;

/**
 * The languages the service speaks to people: English (the default) and Dutch. Codes and field
 * names never change with the language; only sentences meant for people do.
 */
public enum Language {
    EN("en"), NL("nl");

    /** Longer Accept-Language headers are not parsed: English. */
    static final int MAX_HEADER = 512;

    private final String tag;

    Language(String tag) {
        this.tag = tag;
    }

    /** The BCP 47 tag: {@code en} or {@code nl}. */
    public String tag() {
        return tag;
    }

    /** The language of a tag ({@code nl}, {@code nl-BE}, {@code EN}); null for any other. */
    public static Language ofTag(String tag) {
        if (tag == null) {
            return null;
        }
        String primary = tag.strip().toLowerCase(Locale.ROOT);
        int dash = primary.indexOf('-');
        primary = dash < 0 ? primary : primary.substring(0, dash);
        for (Language language : values()) {
            if (language.tag.equals(primary)) {
                return language;
            }
        }
        return null;
    }

    /**
     * The best language for an {@code Accept-Language} header (RFC 9110 §12.5.4): the supported one
     * with the highest weight ({@code nl-NL} counts as {@code nl}, {@code q=0} means "not this"), and
     * English when the header is absent, malformed, too long or names neither language.
     */
    public static Language fromAcceptLanguage(String header) {
        if (header == null || header.isBlank() || header.length() > MAX_HEADER) {
            return EN;
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(header);
        } catch (IllegalArgumentException malformed) {
            return EN;
        }
        // parse() sorts by weight, highest first, keeping the header's order among equals.
        for (Locale.LanguageRange range : ranges) {
            if (range.getWeight() <= 0) {
                continue;
            }
            if (range.getRange().equals("*")) {
                return EN;
            }
            Language language = ofTag(range.getRange());
            if (language != null) {
                return language;
            }
        }
        return EN;
    }
}
