package dev.switchboard.availability;

import java.util.Objects;
import java.util.UUID;

/**
 * One fallback: where a call goes in one situation.
 *
 * @param type  what it leads to
 * @param id    the fixed destination, user or group ({@code voicemail} of a group: the user whose
 *              voicemail; null for a user's own voicemail and for reject)
 * @param label how the words name it ("Bob (102)", "+31612345678 (Mobile)"); filled when loaded,
 *              may be null
 */
public record Fallback(FallbackType type, UUID id, String label) {

    public static final Fallback REJECT = new Fallback(FallbackType.REJECT, null, null);

    public Fallback {
        Objects.requireNonNull(type, "type");
    }
}
