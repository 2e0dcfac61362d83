package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The message catalogues agree with each other, and Accept-Language picks the right one. */
class MessagesTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)}");

    @Test
    void everyKeyExistsInEveryLanguageWithTheSamePlaceholders() {
        Messages english = Messages.of(Language.EN);
        assertThat(english.keys()).isNotEmpty();
        for (Language language : Language.values()) {
            Messages other = Messages.of(language);
            assertThat(other.keys()).as("keys of %s", language).containsExactlyInAnyOrderElementsOf(english.keys());
            for (String key : english.keys()) {
                assertThat(placeholders(other.pattern(key))).as("placeholders of %s in %s", key, language)
                        .isEqualTo(placeholders(english.pattern(key)));
                assertThat(other.pattern(key)).as("%s in %s", key, language).isNotBlank();
            }
        }
    }

    @Test
    void dutchIsReallyDutch() {
        // A catalogue copied without translating would pass the key test; most sentences must differ.
        Messages english = Messages.of(Language.EN);
        Messages dutch = Messages.of(Language.NL);
        long same = english.keys().stream().filter(key -> english.pattern(key).equals(dutch.pattern(key))).count();
        assertThat(same).isLessThan(english.keys().size() / 5);
        assertThat(dutch.text("reason.status.you.dnd", "")).isEqualTo("Je status is niet storen — oproepen voor jou gaan niet over.");
    }

    @Test
    void placeholdersAreFilledAndApostrophesNeedNoEscaping() {
        Messages dutch = Messages.of(Language.NL);
        assertThat(dutch.text("reason.status.you.colleaguesOnly", " tot 12:00"))
                .isEqualTo("Je status is alleen beschikbaar voor collega's tot 12:00 — oproepen van buiten je organisatie bereiken je niet.");
        assertThat(dutch.text("list.and", "a, b", "c")).isEqualTo("a, b en c");
        // an unknown key falls back to English, then to the key itself
        assertThat(dutch.text("no.such.key")).isEqualTo("no.such.key");
    }

    @ParameterizedTest(name = "Accept-Language: {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL | en",
            "'' | en",
            "nl | nl",
            "NL | nl",
            "nl-NL | nl",
            "nl-BE,nl;q=0.9,en;q=0.8 | nl",
            "en-US,en;q=0.9,nl;q=0.8 | en",
            "de-DE,de;q=0.9,nl;q=0.5,en;q=0.3 | nl",
            "de,fr | en",
            "en;q=0.2, nl;q=0.7 | nl",
            "nl;q=0, en | en",
            "nl;q=0 | en",
            "* | en",
            "fr, * ;q=0.5 | en",
            "not a ;;; header=== | en",
            "nl;q=abc | en",
    })
    void acceptLanguagePicksTheBestSupportedLanguage(String header, String expected) {
        assertThat(Language.fromAcceptLanguage(header).tag()).isEqualTo(expected);
    }

    @Test
    void anOverlongHeaderIsEnglish() {
        assertThat(Language.fromAcceptLanguage("nl," + "x".repeat(Language.MAX_HEADER))).isEqualTo(Language.EN);
    }

    private static Set<String> placeholders(String pattern) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
