package dev.switchboard.presence;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A stored org event as this replica delivers it: its seq, its type and subject (the columns of
 * {@code presence_events}), and the frame as recorded, turned into UTF-8 once so that every socket
 * of the org is written the same bytes.
 */
record StoredEvent(long seq, String type, UUID subject, String text, byte[] utf8) {

    StoredEvent(long seq, String type, UUID subject, String text) {
        this(seq, type, subject, text, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The subject left the org: their own sockets close after this frame. */
    boolean removesMember() {
        return Frames.ColleagueRemoved.TYPE.equals(type);
    }
}
