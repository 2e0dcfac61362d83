package dev.switchboard.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.common.NativeSql;
import dev.switchboard.webhook.WebhookDtos.Event;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The one way events enter the outbox: a {@link Batch} of events, each queued by one INSERT … SELECT
 * for every endpoint of its org that subscribed to its type and whose user filter admits the
 * event's user (an event about no user, such as a group's, passes every filter). Within a batch,
 * rows take their endpoint's positions in the order the events were added. For a disabled endpoint
 * the row is recorded as {@code skipped}: never sent, but kept for the retention, so that a replay
 * after enabling it again re-sends what it missed ({@link WebhookService#replay}).
 */
@ApplicationScoped
public class WebhookEvents {

    private static final String QUEUE = "INSERT INTO webhook_deliveries (id, webhook_id, org_id, message_id, type, seq, body, state) "
            + "SELECT gen_random_uuid(), w.id, w.org_id, 'msg_' || replace(gen_random_uuid()::text, '-', ''), e.type, e.seq, e.body, "
            + "CASE WHEN w.enabled THEN 'pending' ELSE 'skipped' END "
            + "FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::varchar[], $5::text[]) WITH ORDINALITY AS e(org_id, user_id, seq, type, body, n) "
            + "JOIN webhooks w ON w.org_id = e.org_id AND e.type = ANY(w.events) "
            + "WHERE e.user_id IS NULL OR w.user_ids IS NULL OR e.user_id = ANY(w.user_ids) ORDER BY e.n, w.id";

    private final ObjectMapper json;

    public WebhookEvents(ObjectMapper json) {
        this.json = json;
    }

    /** Events to queue together, in order. */
    final class Batch {

        private final List<UUID> orgs = new ArrayList<>();
        private final List<UUID> users = new ArrayList<>();
        private final List<Long> seqs = new ArrayList<>();
        private final List<String> types = new ArrayList<>();
        private final List<String> bodies = new ArrayList<>();

        /** @param userId whom the event is about (the endpoints' user filters apply); null: no one */
        Batch add(UUID orgId, UUID userId, long seq, String type, Instant at, Object data) {
            orgs.add(orgId);
            users.add(userId);
            seqs.add(seq);
            types.add(type);
            bodies.add(body(new Event(type, seq, orgId, at, data)));
            return this;
        }

        boolean isEmpty() {
            return types.isEmpty();
        }

        private Object[] params() {
            return new Object[] { orgs.toArray(UUID[]::new), users.toArray(UUID[]::new), seqs.toArray(Long[]::new),
                types.toArray(String[]::new), bodies.toArray(String[]::new) };
        }
    }

    Batch batch() {
        return new Batch();
    }

    /**
     * In the current Hibernate Reactive session's transaction; answers how many rows were written
     * (skipped ones included: a needless poke costs one claim, a count would cost a flush).
     */
    Uni<Integer> queue(Batch batch) {
        return batch.isEmpty() ? Uni.createFrom().item(0) : NativeSql.update(QUEUE, batch.params());
    }

    /** On {@code transaction}'s connection; answers how many rows were written (as above). */
    Uni<Integer> queue(SqlClient transaction, Batch batch) {
        return batch.isEmpty() ? Uni.createFrom().item(0)
                : transaction.preparedQuery(QUEUE).execute(Tuple.from(batch.params())).map(rows -> rows.rowCount());
    }

    private String body(Event event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An event body is plain records", e);
        }
    }
}
