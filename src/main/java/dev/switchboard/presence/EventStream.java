package dev.switchboard.presence;

/**
 * The per-org event streams, each with its own sequence and stored events, delivered by the same
 * machinery ({@link OrgStream}, {@link PeerSync}, {@link CatchUp}, the {@code e}/{@code l} bus
 * messages): the presence stream of {@code /ws/presence}, and the platform's line feed of
 * {@code /ws/platform}. Separate sequences, so that neither stream shows the other's events as gaps.
 */
public enum EventStream {

    PRESENCE("presence_sequences", "presence_events", "user_id"),
    LINES("line_sequences", "line_events", "voip_account_id");

    /** The table holding each org's last assigned seq. */
    final String sequences;
    /** The table of stored events (org_id, seq, type, subject, frame, created_at). */
    final String events;
    /** The events table's subject column. */
    final String subject;
    /** The org's current seq, for org {@code $1}: 0 before its first event. */
    final String currentSeq;

    EventStream(String sequences, String events, String subject) {
        this.sequences = sequences;
        this.events = events;
        this.subject = subject;
        this.currentSeq = "coalesce((SELECT seq FROM " + sequences + " WHERE org_id = $1), 0)";
    }
}
