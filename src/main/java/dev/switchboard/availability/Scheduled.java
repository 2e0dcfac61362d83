package dev.switchboard.availability;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import dev.switchboard.account.UserStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.json.JsonArray;

/**
 * What is scheduled next for a user, as reachability tells it: the window that holds now
 * ({@code active}) or else the one that starts soonest. Read with the rest of the user, in the
 * same statement ({@link #column}).
 */
@RegisterForReflection
public record Scheduled(UUID scheduleId, UserStatus status, String note, Instant from, Instant until, boolean active) {

    /** A JSON-text column: the user {@code userId}'s current or next window, or null. */
    public static String column(String userId) {
        return "(SELECT json_build_array(s.id, s.status, s.note, s.next_start, s.next_end, s.running)::text FROM schedules s "
                + "WHERE s.user_id = " + userId + " AND s.next_start IS NOT NULL ORDER BY s.next_start, s.id LIMIT 1)";
    }

    /** The value of a {@link #column}; null when nothing is scheduled. */
    public static Scheduled of(Object column) {
        if (column == null) {
            return null;
        }
        JsonArray a = new JsonArray((String) column);
        return new Scheduled(UUID.fromString(a.getString(0)), UserStatus.fromWire(a.getString(1)), a.getString(2),
                OffsetDateTime.parse(a.getString(3)).toInstant(), OffsetDateTime.parse(a.getString(4)).toInstant(), a.getBoolean(5));
    }
}
