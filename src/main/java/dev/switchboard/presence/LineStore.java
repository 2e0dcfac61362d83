package dev.switchboard.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every read and write of the line feed's own tables ({@code line_states}, and the events of
 * {@link EventStream#LINES} it stores), and the line of each VoIP account as it is now. The
 * sequence and the delivery-side reads of stored events are {@link PresenceStore}'s, shared by
 * both streams.
 */
@ApplicationScoped
public class LineStore {

    /** A line's columns over account {@code a}, registration {@code r} and owner {@code u}, as {@link #line} reads them. */
    private static final String LINE_COLUMNS = "a.id AS id, a.sip_username AS sip_username, a.user_id AS user_id, "
            + "a.internal_number AS internal_number, a.dnd AS dnd, " + LiveDeviceStates.REGISTERED + " AS registered, "
            + LiveDeviceStates.RINGING + " AS ringing, " + LiveDeviceStates.IN_CALL + " AS in_call, "
            + "coalesce(u.status = 'do_not_disturb', false) AS user_dnd";
    private static final String LINE_SOURCES = "voip_accounts a LEFT JOIN device_registrations r ON r.voip_account_id = a.id "
            + "LEFT JOIN users u ON u.id = a.user_id";

    private final Pool pool;

    public LineStore(Pool pool) {
        this.pool = pool;
    }

    /** A line as it is now ({@code now}, null: the account is gone) and as the feed last said it ({@code said}, null: never). */
    record Compared(UUID voipAccountId, LineView now, String said) {
    }

    /**
     * In the caller's transaction: the lines of the user's accounts and of {@code accountIds}, and
     * of every account the feed last showed as the user's (one that left them, or was deleted).
     */
    Uni<List<Compared>> compare(UUID orgId, UUID userId, Collection<UUID> accountIds) {
        // Each branch is an index look-up (the user's rows, or accounts by id): an OR across
        // columns made PostgreSQL read every line of the org, inside the writer's transaction.
        String sql = "WITH said AS (SELECT voip_account_id, line FROM line_states WHERE org_id = $1 AND user_id = $2 "
                + "  UNION SELECT voip_account_id, line FROM line_states WHERE voip_account_id = ANY($3) AND org_id = $1), "
                + "ids AS (SELECT id FROM voip_accounts WHERE user_id = $2 UNION SELECT unnest($3::uuid[]) "
                + "  UNION SELECT voip_account_id FROM said), "
                + "now AS (SELECT " + LINE_COLUMNS + " FROM " + LINE_SOURCES + " WHERE a.id IN (SELECT id FROM ids) AND a.org_id = $1) "
                + "SELECT coalesce(n.id, s.voip_account_id), n.*, s.line FROM now n FULL JOIN said s ON s.voip_account_id = n.id "
                + "ORDER BY 1";
        return NativeSql.rows(sql, orgId, userId, NativeSql.uuids(accountIds)).map(rows -> {
            List<Compared> compared = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                LineView now = row[1] == null ? null : line(row, 1);
                compared.add(new Compared((UUID) row[0], now, (String) row[10]));
            }
            return compared;
        });
    }

    /**
     * In the caller's transaction: locks the accounts' rows as their writers do (FOR NO KEY UPDATE,
     * in id order), so that a {@link #compare} after it, a statement of its own, sees every change
     * committed to these devices before. Devices without owner have no user row to serialize their
     * writers: without this, two reports on one device (its DND, its registration) compared at once,
     * each without the other's change, and the one that committed last left the feed saying a line
     * the device no longer had.
     */
    Uni<Void> lockAccounts(Collection<UUID> accountIds) {
        return NativeSql.rows("SELECT id FROM voip_accounts WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE",
                NativeSql.uuids(accountIds)).replaceWithVoid();
    }

    /** Stores what the feed says of the line now, and line event {@code seq} that says it. */
    PresenceStore.Write said(UUID orgId, LineView line, String lineJson, long seq, String type, String frame) {
        return new PresenceStore.Write(List.of(
                "INSERT INTO line_states (voip_account_id, org_id, user_id, line) VALUES ($3, $1, $4, $5) "
                        + "ON CONFLICT (voip_account_id) DO UPDATE SET user_id = excluded.user_id, line = excluded.line",
                "INSERT INTO line_events (org_id, seq, type, voip_account_id, frame) VALUES ($1, $2, $6, $3, $7)"),
                java.util.Arrays.asList(orgId, seq, line.voipAccountId(), line.userId(), lineJson, type, frame));
    }

    /** The line is gone (its account was deleted): forgets it, and stores line event {@code seq} that says so. */
    PresenceStore.Write removed(UUID orgId, UUID voipAccountId, long seq, String type, String frame) {
        return new PresenceStore.Write(List.of("DELETE FROM line_states WHERE voip_account_id = $3",
                "INSERT INTO line_events (org_id, seq, type, voip_account_id, frame) VALUES ($1, $2, $4, $3, $5)"),
                List.of(orgId, seq, voipAccountId, type, frame));
    }

    /** Outside any transaction: every line of the org as it is now, with the line seq it is current at (one statement). */
    Uni<LineSnapshot> snapshot(UUID orgId) {
        String sql = "SELECT s.seq, " + LINE_COLUMNS + " FROM (SELECT " + EventStream.LINES.currentSeq
                + " AS seq) s LEFT JOIN (" + LINE_SOURCES + ") ON a.org_id = $1 ORDER BY a.internal_number, a.id";
        return pool.preparedQuery(sql).execute(Tuple.of(orgId)).map(rows -> {
            long seq = 0;
            List<LineView> lines = new ArrayList<>(rows.size());
            for (Row row : rows) {
                seq = row.getLong(0);
                if (row.getValue(1) != null) {
                    Object[] values = new Object[row.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = row.getValue(i);
                    }
                    lines.add(line(values, 1));
                }
            }
            return new LineSnapshot(seq, lines);
        });
    }

    /** Which of these organizations exist (for a feed subscription). */
    Uni<List<UUID>> existingOrgs(Collection<UUID> orgIds) {
        return orgIds(pool.preparedQuery("SELECT id FROM organizations WHERE id = ANY($1) ORDER BY id")
                .execute(Tuple.of((Object) orgIds.toArray(UUID[]::new))));
    }

    /** Every organization (a feed subscription to "all"). */
    Uni<List<UUID>> allOrgs() {
        return orgIds(pool.query("SELECT id FROM organizations ORDER BY id").execute());
    }

    private static Uni<List<UUID>> orgIds(Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> rows) {
        return rows.map(found -> {
            List<UUID> ids = new ArrayList<>(found.size());
            found.forEach(row -> ids.add(row.getUUID(0)));
            return ids;
        });
    }

    /** An org's lines at line seq {@code seq}. */
    record LineSnapshot(long seq, List<LineView> lines) {
    }

    /** Maps the {@link #LINE_COLUMNS} starting at {@code offset}. */
    private static LineView line(Object[] row, int offset) {
        return new LineView((String) row[offset + 1], (UUID) row[offset], (UUID) row[offset + 2], (String) row[offset + 3],
                LineView.LineState.of((Boolean) row[offset + 5], (Boolean) row[offset + 6], (Boolean) row[offset + 7]),
                (Boolean) row[offset + 4], (Boolean) row[offset + 8]);
    }
}
