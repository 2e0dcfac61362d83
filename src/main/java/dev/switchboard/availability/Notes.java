package dev.switchboard.availability;

/**
 * What a status note may be: one line of plain text, at most {@link #MAX_LENGTH} characters
 * (Unicode code points, so an emoji counts as one). It is shown as text everywhere, never as
 * HTML, so {@code <b>} is just those three characters. Refused: control characters (C0, DEL, C1;
 * C0 is already refused in every client string), the Unicode line and paragraph separators (a
 * note is one line), and the bidirectional embedding, override and isolate marks (they would let
 * a note reorder the text displayed after it).
 */
public final class Notes {

    public static final int MAX_LENGTH = 80;
    public static final String TOO_LONG = "must be at most " + MAX_LENGTH + " characters";
    public static final String NOT_PLAIN = "must be one line of plain text: no control characters, line breaks or bidirectional controls";

    private Notes() {
    }

    /** The note as stored: surrounding white space dropped; null when nothing is left (no note). */
    public static String normalize(String note) {
        if (note == null) {
            return null;
        }
        String trimmed = note.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    /** Why {@code note} (normalized) cannot be stored, or null when it can. */
    public static String problem(String note) {
        if (note == null) {
            return null;
        }
        if (note.codePointCount(0, note.length()) > MAX_LENGTH) {
            return TOO_LONG;
        }
        return note.codePoints().anyMatch(Notes::refused) ? NOT_PLAIN : null;
    }

    private static boolean refused(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
