package dev.switchboard.account;

import java.util.Locale;

/**
 * The one spelling of an email the service knows: trimmed and lower-cased (root locale). Lookups,
 * uniqueness, storage and login rate limits all use it, so {@code " User@x"} and {@code "user@x"}
 * are the same account everywhere.
 */
public final class Emails {

    /** RFC 5321's limit on a forward path; longer input is refused before anything is stored. */
    public static final int MAX_LENGTH = 254;

    private Emails() {
    }

    public static String canonical(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }
}
