package dev.switchboard.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every read and write of the presence tables ({@code presence_sequences}, {@code presence_states},
 * {@code presence_events}): what other classes know of them is these methods.
 */
@ApplicationScoped
public class PresenceStore {

    private final Pool pool;

    public PresenceStore(Pool pool) {
        this.pool = pool;
    }

    /** The org's last assigned seq (0 before its first event). */
    public Uni<Long> currentSeq(UUID orgId) {
        return pool.preparedQuery("SELECT coalesce((SELECT seq FROM presence_sequences WHERE org_id = $1), 0)")
                .execute(Tuple.of(orgId)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Up to {@code limit} stored org events after {@code after}, in seq order. */
    Uni<List<Peer.Frame>> events(UUID orgId, long after, int limit) {
        return pool.preparedQuery("SELECT seq, frame FROM presence_events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
                .execute(Tuple.of(orgId, after, limit))
                .map(rows -> {
                    List<Peer.Frame> frames = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        frames.add(new Peer.Frame(row.getLong(0), row.getString(1)));
                    }
                    return frames;
                });
    }

    /**
     * What a socket resuming after {@code since} can get: the current seq, and how many stored
     * events follow {@code since} (and the first of them).
     */
    Uni<ResumeWindow> resumeWindow(UUID orgId, long since) {
        String sql = "SELECT coalesce((SELECT seq FROM presence_sequences WHERE org_id = $1), 0) AS current, "
                + "(SELECT min(seq) FROM presence_events WHERE org_id = $1 AND seq > $2) AS first, "
                + "(SELECT count(*) FROM presence_events WHERE org_id = $1 AND seq > $2) AS missed";
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
    Uni<List<StoredEvent>> orgEvents(UUID orgId, long after, int limit) {
        String sql = "SELECT seq, type, user_id, frame FROM presence_events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
        return pool.preparedQuery(sql).execute(Tuple.of(orgId, after, limit)).map(rows -> {
            List<StoredEvent> events = new ArrayList<>(rows.size());
            rows.forEach(row -> events.add(new StoredEvent(row.getLong("seq"), row.getString("type"), row.getUUID("user_id"),
                    row.getString("frame"))));
            return events;
        });
    }
}
