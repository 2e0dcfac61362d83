package dev.switchboard.webhook;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.OutboxLoop;
import dev.switchboard.common.SwitchboardConfig;
import dev.switchboard.webhook.WebhookDtos.AttemptView;
import dev.switchboard.webhook.WebhookDtos.Event;
import dev.switchboard.webhook.WebhookDtos.Ping;
import dev.switchboard.webhook.WebhookDtos.ReplayView;
import dev.switchboard.webhook.WebhookDtos.WebhookRequest;
import dev.switchboard.webhook.WebhookDtos.WebhookView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * An org's webhooks: saved after their URL passed {@link WebhookAddresses}, every change announced
 * to all replicas ({@link WebhookMessages.WebhooksChanged}) so their {@link WebhookOrgs} forget the
 * org; test pings, the attempts log and replays of stored events.
 */
@ApplicationScoped
public class WebhookService {

    private static final String COLUMNS = "id, url, events, user_ids, enabled, disabled_reason, disabled_at, failing_since, "
            + "created_at, updated_at";

    /** What a ping needs: where to, and the key to sign with. */
    record Endpoint(UUID id, String url, String secret) {
    }

    private final ClusterBus bus;
    private final Pool pool;
    private final ObjectMapper json;
    private final SwitchboardConfig.Webhooks config;

    public WebhookService(ClusterBus bus, Pool pool, ObjectMapper json, SwitchboardConfig config) {
        this.bus = bus;
        this.pool = pool;
        this.json = json;
        this.config = config.webhooks();
    }

    @WithSession
    public Uni<List<WebhookView>> list(UUID orgId) {
        return NativeSql.rows("SELECT " + COLUMNS + " FROM webhooks WHERE org_id = $1 ORDER BY created_at, id", orgId)
                .map(rows -> rows.stream().map(WebhookService::view).toList());
    }

    @WithSession
    public Uni<WebhookView> get(UUID orgId, UUID id) {
        return NativeSql.row("SELECT " + COLUMNS + " FROM webhooks WHERE id = $1 AND org_id = $2", id, orgId)
                .map(row -> view(require(row)));
    }

    /** The org's row is locked so that concurrent creations cannot exceed {@code max-per-org}. */
    @WithTransaction
    public Uni<WebhookView> create(UUID orgId, WebhookRequest request) {
        List<String> events = events(request.events());
        return NativeSql.row("SELECT id FROM organizations WHERE id = $1 FOR NO KEY UPDATE", orgId)
                .flatMap(org -> {
                    if (org == null) {
                        throw ApiException.notFound("organization");
                    }
                    return NativeSql.value(Long.class, "SELECT count(*) FROM webhooks WHERE org_id = $1", orgId);
                })
                .flatMap(count -> {
                    if (count >= config.maxPerOrg()) {
                        throw ApiException.unprocessable(null, "An organization has at most " + config.maxPerOrg() + " webhooks.");
                    }
                    return members(orgId, request.userIds());
                })
                .flatMap(userIds -> {
                    String secret = WebhookSignature.newSecret();
                    return NativeSql.row("INSERT INTO webhooks (id, org_id, url, events, user_ids, secret, enabled) "
                            + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS, UUID.randomUUID(), orgId,
                            request.url().trim(), events.toArray(String[]::new), userIds, secret, !Boolean.FALSE.equals(request.enabled()))
                            .map(row -> view(row).withSecret(secret));
                })
                .call(created -> changed(orgId));
    }

    /** Replaces URL, events, filter and enabled; the secret stays. Enabling clears the reason it was disabled for. */
    @WithTransaction
    public Uni<WebhookView> replace(UUID orgId, UUID id, WebhookRequest request) {
        List<String> events = events(request.events());
        boolean enabled = !Boolean.FALSE.equals(request.enabled());
        return members(orgId, request.userIds()).flatMap(userIds -> NativeSql.row("UPDATE webhooks SET url = $3, events = $4, "
                + "user_ids = $5, enabled = $6, updated_at = clock_timestamp(), "
                + "failing_since = CASE WHEN $6 AND NOT enabled THEN NULL ELSE failing_since END, "
                + "disabled_reason = CASE WHEN $6 THEN NULL WHEN enabled THEN 'disabled by an admin' ELSE disabled_reason END, "
                + "disabled_at = CASE WHEN $6 THEN NULL WHEN enabled THEN clock_timestamp() ELSE disabled_at END "
                + "WHERE id = $1 AND org_id = $2 RETURNING " + COLUMNS, id, orgId, request.url().trim(),
                events.toArray(String[]::new), userIds, enabled))
                .map(row -> view(require(row)))
                .call(updated -> changed(orgId));
    }

    @WithTransaction
    public Uni<Void> delete(UUID orgId, UUID id) {
        return NativeSql.update("DELETE FROM webhooks WHERE id = $1 AND org_id = $2", id, orgId).flatMap(deleted -> {
            if (deleted == 0) {
                throw ApiException.notFound("webhook");
            }
            return changed(orgId);
        });
    }

    @WithSession
    public Uni<Endpoint> endpoint(UUID orgId, UUID id) {
        return NativeSql.row("SELECT id, url, secret FROM webhooks WHERE id = $1 AND org_id = $2", id, orgId)
                .map(row -> new Endpoint((UUID) require(row)[0], (String) row[1], (String) row[2]));
    }

    /** The body of a test ping: type {@code ping}, no seq, {@code data.webhookId}. */
    String pingBody(UUID orgId, UUID webhookId) {
        try {
            return json.writeValueAsString(new Event("ping", null, orgId, Instant.now(), new Ping(webhookId)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A ping is a plain record", e);
        }
    }

    /** Logs a ping's outcome (on the pool: the answer may come back on any thread). */
    Uni<AttemptView> recordPing(UUID webhookId, String messageId, Instant at, WebhookSender.Sent sent) {
        String sql = "INSERT INTO webhook_attempts (webhook_id, message_id, type, attempt, outcome, status_code, error, duration_ms, at) "
                + "VALUES ($1, $2, 'ping', 1, 'ping', $3, $4, $5, $6)";
        return pool.preparedQuery(sql).execute(Tuple.tuple().addUUID(webhookId).addString(messageId).addInteger(sent.statusCode())
                .addString(OutboxLoop.truncate(sent.error())).addInteger(sent.durationMs()).addOffsetDateTime(at.atOffset(ZoneOffset.UTC)))
                .replaceWith(new AttemptView(at, messageId, "ping", null, 1, "ping", sent.statusCode(),
                        OutboxLoop.truncate(sent.error()), sent.durationMs()));
    }

    /** The newest attempts first. */
    @WithSession
    public Uni<List<AttemptView>> attempts(UUID orgId, UUID id, int limit) {
        return endpoint(orgId, id).flatMap(endpoint -> NativeSql.rows("SELECT at, message_id, type, seq, attempt, outcome, "
                + "status_code, error, duration_ms FROM webhook_attempts WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2", id, limit))
                .map(rows -> rows.stream().map(row -> new AttemptView(NativeSql.instant(row[0]), (String) row[1], (String) row[2],
                        (Long) row[3], (Integer) row[4], (String) row[5], (Integer) row[6], (String) row[7], (Integer) row[8]))
                        .toList());
    }

    /**
     * Queues again, after whatever is queued, every stored event of this endpoint with a seq above
     * {@code since} (kept for {@code retention}): delivered, dead-lettered, and skipped while it was
     * disabled; once each, with its message id; events still pending are not queued twice.
     */
    @WithTransaction
    public Uni<ReplayView> replay(UUID orgId, UUID id, long since) {
        String sql = "WITH stored AS (SELECT DISTINCT ON (message_id) message_id, type, seq, body, position FROM webhook_deliveries s "
                + "WHERE s.webhook_id = $1 AND s.seq > $2 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p "
                + "WHERE p.webhook_id = $1 AND p.message_id = s.message_id AND p.state = 'pending') ORDER BY message_id, position), "
                + "queued AS (INSERT INTO webhook_deliveries (id, webhook_id, org_id, message_id, type, seq, body) "
                + "SELECT gen_random_uuid(), $1, $3, message_id, type, seq, body FROM stored ORDER BY position RETURNING seq) "
                + "SELECT count(*)::integer, min(seq) FROM queued";
        return endpoint(orgId, id).flatMap(endpoint -> NativeSql.row(sql, id, since, orgId))
                .flatMap(row -> {
                    ReplayView view = new ReplayView((Integer) row[0], (Long) row[1]);
                    return view.queued() == 0 ? Uni.createFrom().item(view)
                            : bus.deliverHereOnCommit(new WebhookMessages.WebhooksQueued(orgId)).replaceWith(view);
                });
    }

    /** Every replica forgets what it knew of the org's webhooks: this one at once, the others by NOTIFY. */
    private Uni<Void> changed(UUID orgId) {
        WebhookMessages.WebhooksChanged message = new WebhookMessages.WebhooksChanged(orgId);
        return bus.publish(message).flatMap(ignored -> bus.deliverHereOnCommit(message));
    }

    private static List<String> events(List<String> requested) {
        Set<String> events = new LinkedHashSet<>();
        for (String event : requested) {
            if (!WebhookDtos.EVENT_TYPES.contains(event)) {
                throw ApiException.unprocessable("events", "unknown event type; known: " + String.join(", ", WebhookDtos.EVENT_TYPES));
            }
            events.add(event);
        }
        return new ArrayList<>(events);
    }

    /** The filter's ids, each once, all members of the org (else 422); null: no filter. */
    private static Uni<Object> members(UUID orgId, List<UUID> requested) {
        if (requested == null) {
            return Uni.createFrom().nullItem();
        }
        Set<UUID> ids = new LinkedHashSet<>(requested);
        return NativeSql.value(Long.class, "SELECT count(*) FROM users WHERE org_id = $1 AND id = ANY($2)", orgId, NativeSql.uuids(ids))
                .map(found -> {
                    if (found != ids.size()) {
                        throw ApiException.unprocessable("userIds", "every id must be a member of the organization");
                    }
                    return NativeSql.uuids(ids);
                });
    }

    private static Object[] require(Object[] row) {
        if (row == null) {
            throw ApiException.notFound("webhook");
        }
        return row;
    }

    private static <T> List<T> list(Class<T> type, Object array) {
        return Arrays.stream((Object[]) array).map(type::cast).toList();
    }

    private static WebhookView view(Object[] row) {
        return new WebhookView((UUID) row[0], (String) row[1], list(String.class, row[2]),
                row[3] == null ? null : list(UUID.class, row[3]), (Boolean) row[4], (String) row[5],
                NativeSql.instant(row[6]), NativeSql.instant(row[7]), NativeSql.instant(row[8]), NativeSql.instant(row[9]), null);
    }
}
