package dev.switchboard.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.availability.Availability;
import dev.switchboard.availability.GroupAvailability;
import dev.switchboard.account.CallContext;
import dev.switchboard.availability.Reach;
import dev.switchboard.account.UserStatus;
import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every read and write of the presence tables ({@code presence_sequences}, {@code presence_states},
 * {@code presence_events}): what other classes know of them is these methods. SQL only; deciding
 * what to store, and announcing it, is {@link PresenceRecorder}'s.
 *
 * <p>Two kinds of method. Those that take part in the caller's Hibernate Reactive transaction
 * (writes, and reads that must see it) run on the session's connection ({@link NativeSql}); the
 * delivery side's reads ({@link #currentSeq}, {@link #events}, {@link #resumeWindow}) run on the
 * pool, outside any transaction.
 */
@ApplicationScoped
public class PresenceStore {

    /** The org's current seq, for org {@code $1}: 0 before its first event. The only place it is written. */
    private static final String CURRENT_SEQ = EventStream.PRESENCE.currentSeq;

    /** A stored {@link PresenceView}'s columns, in the order {@link #view} reads them. */
    private static final String VIEW_COLUMNS = "name, internal_number, availability, user_status, context, reach, since, note";

    private final Pool pool;

    public PresenceStore(Pool pool) {
        this.pool = pool;
    }

    /** What colleagues were last shown of a user, and the digest of the user's own view then. */
    record Published(PresenceView view, String selfDigest) {
    }

    /** A page of stored org events: the org's current seq and the frames, already encoded, comma-separated. */
    record EventPage(long seq, String frames) {
    }

    // --- in the caller's transaction ---------------------------------------------------------------

    /**
     * Takes the org's next seq. The row stays locked until the transaction ends, so events are
     * numbered in commit order, without gaps.
     */
    Uni<Long> nextSeq(UUID orgId) {
        return nextSeq(EventStream.PRESENCE, orgId);
    }

    /** {@link #nextSeq(UUID)} of the org's {@code stream}. */
    Uni<Long> nextSeq(EventStream stream, UUID orgId) {
        String sql = "INSERT INTO " + stream.sequences + " AS s (org_id, seq) VALUES ($1, 1) "
                + "ON CONFLICT (org_id) DO UPDATE SET seq = s.seq + 1 RETURNING seq";
        return NativeSql.value(Long.class, sql, orgId);
    }

    /** What is published of the user (null: nothing yet). */
    Uni<Published> published(UUID userId) {
        return NativeSql.row("SELECT " + VIEW_COLUMNS + ", self_digest FROM presence_states WHERE user_id = $1", userId)
                .map(row -> row == null ? null : new Published(view(userId, row, 0), (String) row[8]));
    }

    /** The availability colleagues currently see of the user (null: nothing published yet). */
    public Uni<Availability> availability(UUID userId) {
        return published(userId).map(published -> published == null ? null : published.view().availability());
    }

    /**
     * Statements that store a change, not run here: {@link PresencePublisher} runs them together
     * with the notifications that announce them, in one round trip ({@code ClusterBus.publishWith}).
     * Placeholders {@code $1…} are {@code params}.
     */
    record Write(List<String> statements, List<Object> params) {
    }

    private static final String SAVE_STATE = "INSERT INTO presence_states (user_id, org_id, " + VIEW_COLUMNS + ", self_digest) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            + "ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, internal_number = excluded.internal_number, "
            + "availability = excluded.availability, user_status = excluded.user_status, context = excluded.context, "
            + "reach = excluded.reach, since = excluded.since, note = excluded.note, self_digest = excluded.self_digest";

    /**
     * Stores what colleagues see of the user now and the digest of the user's own view, and org
     * event {@code seq} with its frame (encoded once, as every socket and the REST feed get it).
     */
    Write stateAndEvent(UUID orgId, PresenceView view, String selfDigest, long seq, String type, String frame) {
        return new Write(List.of(SAVE_STATE, "INSERT INTO presence_events (org_id, seq, type, user_id, frame) VALUES ($2, $12, $13, $1, $14)"),
                Arrays.asList(view.userId(), orgId, view.name(), view.internalNumber(), view.availability().wire(), view.userStatus().wire(),
                        contextColumn(view.context()), view.reach().wire(), view.since(), view.note(), selfDigest, seq, type, frame));
    }

    /** Stores org event {@code seq} alone (a member left: there is no state to store). */
    Write event(UUID orgId, long seq, String type, UUID userId, String frame) {
        return new Write(List.of("INSERT INTO presence_events (org_id, seq, type, user_id, frame) VALUES ($1, $2, $3, $4, $5)"),
                List.of(orgId, seq, type, userId, frame));
    }

    /** Only the user's own view changed: its digest, nothing colleagues see. */
    Write selfDigest(UUID userId, String digest) {
        return new Write(List.of("UPDATE presence_states SET self_digest = $2 WHERE user_id = $1"), List.of(userId, digest));
    }

    /**
     * Locks the org's sequence row without taking a number, so that what is decided next (a ring
     * group's availability) sees every change committed by an earlier writer of the org's events.
     */
    Uni<Void> lockSeq(UUID orgId) {
        return NativeSql.update("INSERT INTO presence_sequences (org_id, seq) VALUES ($1, 0) "
                + "ON CONFLICT (org_id) DO UPDATE SET seq = presence_sequences.seq", orgId).replaceWithVoid();
    }

    /** Stores what the stream says of a ring group now, and org event {@code seq} that says it. */
    Write group(UUID orgId, GroupAvailability group, long seq, String type, String frame) {
        return new Write(List.of("UPDATE ring_groups SET published_available = $4, published_members = $5 WHERE id = $3",
                "INSERT INTO presence_events (org_id, seq, type, user_id, frame) VALUES ($1, $2, $6, $3, $7)"),
                List.of(orgId, seq, group.groupId(), group.available(), group.members(), type, frame));
    }

    /** Drops org events older than the replay window: a client resuming from before gets a snapshot. */
    Uni<Void> pruneEvents(Duration replayWindow) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (EventStream stream : EventStream.values()) {
            chain = chain.flatMap(ignored -> NativeSql.update("DELETE FROM " + stream.events
                    + " WHERE created_at < statement_timestamp() - make_interval(secs => $1)", (double) replayWindow.toSeconds())
                    .replaceWithVoid());
        }
        return chain;
    }

    /**
     * Every member's published presence with the org seq it is current at. One statement, so the
     * two come from one database snapshot and can never disagree.
     */
    Uni<PresenceService.OrgPresence> snapshot(UUID orgId) {
        return snapshot(orgId, null);
    }

    /**
     * {@link #snapshot(UUID)} with the colleagues narrowed to {@code userIds} (null: every member);
     * ids that are no member of the org are simply not found.
     */
    Uni<PresenceService.OrgPresence> snapshot(UUID orgId, java.util.Collection<UUID> userIds) {
        // The groups ride along on every row (one statement, one database snapshot): what the
        // stream last said of each, as stored with the event that said it.
        String sql = "SELECT s.seq, p.user_id, " + prefixed("p.") + ", s.groups FROM (SELECT " + CURRENT_SEQ + " AS seq, "
                + "(SELECT json_agg(json_build_array(g.id, g.name, g.internal_number, g.published_available, g.published_members) "
                + "ORDER BY g.name, g.id)::text FROM ring_groups g WHERE g.org_id = $1 AND g.published_available IS NOT NULL) AS groups) s "
                + "LEFT JOIN presence_states p ON p.org_id = $1" + (userIds == null ? "" : " AND p.user_id = ANY($2)")
                + " ORDER BY p.name, p.user_id";
        Uni<List<Object[]>> read = userIds == null ? NativeSql.rows(sql, orgId) : NativeSql.rows(sql, orgId, NativeSql.uuids(userIds));
        return read.map(rows -> {
            long seq = ((Number) rows.get(0)[0]).longValue();
            List<PresenceView> colleagues = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                if (row[1] != null) {
                    colleagues.add(view((UUID) row[1], row, 2));
                }
            }
            List<GroupAvailability> groups = new ArrayList<>();
            Object groupsJson = rows.get(0)[10];
            if (groupsJson != null) {
                new io.vertx.core.json.JsonArray((String) groupsJson).forEach(element -> {
                    io.vertx.core.json.JsonArray g = (io.vertx.core.json.JsonArray) element;
                    groups.add(new GroupAvailability(UUID.fromString(g.getString(0)), g.getString(1), g.getString(2),
                            g.getInteger(3), g.getInteger(4)));
                });
            }
            return new PresenceService.OrgPresence(seq, colleagues, groups);
        });
    }

    /** Up to {@code limit} stored org events after {@code since}, oldest first, with the org's current seq. */
    Uni<EventPage> eventPage(UUID orgId, long since, int limit) {
        String sql = "SELECT " + CURRENT_SEQ + ", "
                + "coalesce((SELECT string_agg(frame, ',' ORDER BY seq) FROM (SELECT seq, frame FROM presence_events "
                + "WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) page), '')";
        return NativeSql.row(sql, orgId, since, limit).map(row -> new EventPage(((Number) row[0]).longValue(), (String) row[1]));
    }

    /** The columns of a published view of table alias {@code alias}, as {@link #publishedView} reads them. */
    static String publishedColumns(String alias) {
        return prefixed(alias);
    }

    /** The published view in {@code row} from {@code offset} on ({@link #publishedColumns}); null when there is none. */
    static PresenceView publishedView(UUID userId, Object[] row, int offset) {
        return row[offset] == null ? null : view(userId, row, offset);
    }

    private static String prefixed(String alias) {
        return alias + VIEW_COLUMNS.replace(", ", ", " + alias);
    }

    /** Maps the {@link #VIEW_COLUMNS} starting at {@code offset}. */
    private static PresenceView view(UUID userId, Object[] row, int offset) {
        return new PresenceView(userId, (String) row[offset], (String) row[offset + 1],
                Availability.fromWire((String) row[offset + 2]), UserStatus.fromWire((String) row[offset + 3]),
                contextFrom((String) row[offset + 4]), Reach.fromWire((String) row[offset + 5]), NativeSql.instant(row[offset + 6]),
                (String) row[offset + 7]);
    }

    private static String contextColumn(List<CallContext> context) {
        return String.join(",", context.stream().map(CallContext::wire).toList());
    }

    private static List<CallContext> contextFrom(String column) {
        if (column == null || column.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(column.split(",")).map(CallContext::fromWire).toList();
    }

    // --- outside any transaction (the pool): the delivery side -------------------------------------

    /** The org's last assigned seq (0 before its first event). */
    public Uni<Long> currentSeq(UUID orgId) {
        return currentSeq(EventStream.PRESENCE, orgId);
    }

    /** The last assigned seq of the org's {@code stream} (0 before its first event). */
    Uni<Long> currentSeq(EventStream stream, UUID orgId) {
        return pool.preparedQuery("SELECT " + stream.currentSeq)
                .execute(Tuple.of(orgId)).map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * What a socket resuming after {@code since} can get: the current seq, and how many stored
     * events follow {@code since} (and the first of them).
     */
    Uni<ResumeWindow> resumeWindow(EventStream stream, UUID orgId, long since) {
        String sql = "SELECT " + stream.currentSeq + " AS current, "
                + "(SELECT min(seq) FROM " + stream.events + " WHERE org_id = $1 AND seq > $2) AS first, "
                + "(SELECT count(*) FROM " + stream.events + " WHERE org_id = $1 AND seq > $2) AS missed";
        return pool.preparedQuery(sql).execute(Tuple.of(orgId, since)).map(rows -> {
            Row row = rows.iterator().next();
            return new ResumeWindow(since, row.getLong("current"), row.getLong("first"), row.getLong("missed"));
        });
    }

    /** Stored events after {@code since} as a resume sees them. */
    record ResumeWindow(long since, long current, Long first, long missed) {

        /** Every event from {@code since + 1} to {@code current} is still stored. */
        boolean complete() {
            return since <= current && missed == current - since && (missed == 0 || first == since + 1);
        }
    }

    /**
     * Up to {@code limit} stored org events after {@code after}, in seq order, with the type and
     * subject they were stored with: what {@link OrgStream} delivers.
     */
    Uni<List<StoredEvent>> orgEvents(EventStream stream, UUID orgId, long after, int limit) {
        String sql = "SELECT seq, type, " + stream.subject + " AS subject, frame FROM " + stream.events
                + " WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
        return pool.preparedQuery(sql).execute(Tuple.of(orgId, after, limit)).map(rows -> {
            List<StoredEvent> events = new ArrayList<>(rows.size());
            rows.forEach(row -> events.add(new StoredEvent(row.getLong("seq"), row.getString("type"), row.getUUID("subject"),
                    row.getString("frame"))));
            return events;
        });
    }
}
