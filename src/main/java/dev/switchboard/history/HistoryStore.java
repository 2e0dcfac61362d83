package dev.switchboard.history;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Every statement on {@code history_items}. */
@ApplicationScoped
public class HistoryStore {

    /**
     * Any number of items in one statement, always the same text: the columns come as arrays and
     * are unnested, so one prepared statement serves every batch size.
     */
    private static final String INSERT = "INSERT INTO history_items (org_id, user_id, at, type, actor_type, actor_user_id, summary, details) "
            + "SELECT o, u, t, ty, a, au, s, d::jsonb FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], "
            + "$5::text[], $6::uuid[], $7::text[], $8::text[]) AS i(o, u, t, ty, a, au, s, d)";

    /**
     * A page of one user's items, newest first, through the user's row in the organization: no row
     * means no such user there (404), one row with nulls an empty page. Ordered by {@code (at, id)}
     * so that items with the same time have a stable order and the cursor can point between them.
     * The first page's "cursor" is infinity rather than an {@code IS NULL OR}: the pool plans
     * statements generically (common.DatabasePool), and only this form keeps the cursor an index
     * condition in a generic plan.
     */
    private static final String PAGE = "SELECT h.id, h.at, h.type, h.actor_type, h.actor_user_id, h.summary, h.details::text "
            + "FROM users u LEFT JOIN LATERAL (SELECT * FROM history_items h WHERE h.user_id = u.id AND h.org_id = u.org_id "
            + "  AND (h.at, h.id) < (coalesce($3::timestamptz, 'infinity'), $4::bigint) "
            + "  AND ($5::text[] IS NULL OR h.type = ANY($5::text[])) "
            + "  ORDER BY h.at DESC, h.id DESC LIMIT $6) h ON true "
            + "WHERE u.id = $1 AND u.org_id = $2 ORDER BY h.at DESC, h.id DESC";

    /**
     * Claims the oldest expired rows with SKIP LOCKED and deletes them: replicas pruning at the same
     * time each take other rows, so every row is deleted once.
     */
    private static final String PRUNE = "DELETE FROM history_items WHERE id IN (SELECT id FROM history_items "
            + "WHERE at < clock_timestamp() - make_interval(secs => $1) ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED)";

    /** One stored item as read. */
    record Stored(long id, Instant at, String type, Actor actor, String summary, JsonNode details) {
    }

    private final Pool pool;
    private final ObjectMapper json;

    public HistoryStore(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * On a pool connection of its own, in a transaction with what the observers add; each observer
     * hears of the commit.
     */
    Uni<Void> insert(List<HistoryItem> items, List<HistoryObserver> observers) {
        return pool.withTransaction(transaction -> {
            Uni<Void> written = transaction.preparedQuery(INSERT).execute(Tuple.from(columns(items))).replaceWithVoid();
            for (HistoryObserver observer : observers) {
                written = written.flatMap(ignored -> observer.written(transaction, items));
            }
            return written;
        }).invoke(() -> observers.forEach(observer -> observer.committed(items)));
    }

    /** On the current Hibernate Reactive session's connection: in its transaction. */
    Uni<Void> insertInTransaction(List<HistoryItem> items) {
        return NativeSql.update(INSERT, columns(items)).replaceWithVoid();
    }

    /**
     * Up to {@code limit} items before {@code (beforeAt, beforeId)} (all when {@code beforeAt} is
     * null), of the given types (all when null); null when the user is not in the organization.
     */
    Uni<List<Stored>> page(UUID orgId, UUID userId, Instant beforeAt, long beforeId, String[] types, int limit) {
        Tuple params = Tuple.tuple().addUUID(userId).addUUID(orgId)
                .addOffsetDateTime(beforeAt == null ? null : OffsetDateTime.ofInstant(beforeAt, ZoneOffset.UTC))
                .addLong(beforeId).addArrayOfString(types).addInteger(limit);
        return pool.preparedQuery(PAGE).execute(params).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            List<Stored> items = new ArrayList<>(rows.size());
            for (Row row : rows) {
                if (row.getValue(0) == null) {
                    continue;
                }
                UUID actorUser = row.getUUID(4);
                items.add(new Stored(row.getLong(0), row.getOffsetDateTime(1).toInstant(), row.getString(2),
                        new Actor(Actor.Type.fromWire(row.getString(3)), actorUser), row.getString(5), tree(row.getString(6))));
            }
            return items;
        });
    }

    /** Deletes up to {@code batch} items older than {@code retention}; answers how many. */
    Uni<Integer> prune(Duration retention, int batch) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of((double) retention.toMillis() / 1000d, batch))
                .map(rows -> rows.rowCount());
    }

    private Object[] columns(List<HistoryItem> items) {
        int n = items.size();
        UUID[] orgs = new UUID[n];
        UUID[] users = new UUID[n];
        OffsetDateTime[] ats = new OffsetDateTime[n];
        String[] types = new String[n];
        String[] actors = new String[n];
        UUID[] actorUsers = new UUID[n];
        String[] summaries = new String[n];
        String[] details = new String[n];
        for (int i = 0; i < n; i++) {
            HistoryItem item = items.get(i);
            orgs[i] = item.orgId();
            users[i] = item.userId();
            ats[i] = OffsetDateTime.ofInstant(item.at(), ZoneOffset.UTC);
            types[i] = item.type().wire();
            actors[i] = item.actor().type().wire();
            actorUsers[i] = item.actor().userId();
            summaries[i] = item.summary();
            details[i] = text(item);
        }
        return new Object[] { orgs, users, ats, types, actors, actorUsers, summaries, details };
    }

    private String text(HistoryItem item) {
        try {
            return json.writeValueAsString(item.details());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("history details of " + item.type() + " are not JSON", e);
        }
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored history details are not JSON", e);
        }
    }
}
