package dev.switchboard.presence;

import java.util.UUID;

import dev.switchboard.account.DestinationType;
import dev.switchboard.account.User;
import dev.switchboard.account.UserStatus;
import dev.switchboard.availability.OrgRules;
import dev.switchboard.availability.Scheduled;
import dev.switchboard.availability.UserSituation;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.common.NativeSql;

/**
 * A user as presence needs them, in one statement: the user's own fields, the organization's
 * rules, the whole situation, what is scheduled next, and what colleagues were last shown of them
 * with the digest of the user's own view then. {@code GET /api/me} and every socket's first frame
 * read it on the pool; a change reads it in its transaction, the user's row locked
 * ({@link #LOCKED}): the change path's first round trip is this one.
 */
final class PresenceSubject {

    /** Appended to {@link #sql}: the user's row locked for the change, the lock every writer of a user takes. */
    static final String LOCKED = " FOR NO KEY UPDATE OF u";

    /** What one row says. {@code user} is a detached copy with the fields read here; {@code published} null: nothing yet. */
    record Read(User user, OrgRules rules, UserSituation situation, Scheduled scheduled, PresenceView published, String selfDigest) {
    }

    private PresenceSubject() {
    }

    /** The statement for org {@code $1}, user {@code $2}, followed by {@code suffix}. */
    static String sql(UserSituations situations, String suffix) {
        return "SELECT u.name, u.internal_number, u.status, u.status_until, u.destination_type, u.destination_id, "
                + "u.created_at, u.note, u.note_until, o.apply_user_status_to_devices, o.show_call_context, " + situations.userColumn() + ", "
                + Scheduled.column("u.id") + ", " + PresenceStore.publishedColumns("ps.") + ", ps.self_digest "
                + "FROM users u JOIN organizations o ON o.id = u.org_id "
                + "LEFT JOIN presence_states ps ON ps.user_id = u.id WHERE u.org_id = $1 AND u.id = $2" + suffix;
    }

    /** A row of {@link #sql}. */
    static Read read(UUID orgId, UUID userId, Object[] values) {
        User user = new User();
        user.id = userId;
        user.orgId = orgId;
        user.name = (String) values[0];
        user.internalNumber = (String) values[1];
        user.status = UserStatus.fromWire((String) values[2]);
        user.statusUntil = NativeSql.instant(values[3]);
        user.destinationType = values[4] == null ? null : DestinationType.fromWire((String) values[4]);
        user.destinationId = (UUID) values[5];
        user.createdAt = NativeSql.instant(values[6]);
        user.note = (String) values[7];
        user.noteUntil = NativeSql.instant(values[8]);
        OrgRules rules = new OrgRules((Boolean) values[9], (Boolean) values[10]);
        UserSituation situation = UserSituations.situation((String) values[11], rules);
        return new Read(user, rules, situation, Scheduled.of(values[12]), PresenceStore.publishedView(userId, values, 13),
                (String) values[21]);
    }
}
