package dev.switchboard.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.OrderlyShutdown;
import dev.switchboard.common.OutboxLoop;
import dev.switchboard.common.SwitchboardConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.ScheduledExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Delivers {@code webhook_deliveries} in the rounds of the shared {@link OutboxLoop}, on every
 * replica. A round claims, with a lease, the oldest pending delivery of each enabled endpoint that
 * is due — never a second one of the same endpoint, so each endpoint receives its events in order
 * (an endpoint's next delivery waits until the one before was accepted or went dead). The request
 * is sent outside any transaction; its outcome, the attempts log row and the endpoint's failure
 * run are recorded in one statement. A non-2xx answer or no answer is retried with exponential
 * backoff and jitter (and the receiver's Retry-After) until {@code retry-for} after the event, then
 * dead-lettered; an endpoint whose attempts all failed for {@code disable-after} is disabled with
 * the reason. A replica dying mid-send leaves the claim to expire: delivery is at least once.
 */
@ApplicationScoped
public class WebhookOutbox {

    private static final Logger LOG = Logger.getLogger(WebhookOutbox.class);

    private final Pool pool;
    private final WebhookSender sender;
    private final ClusterBus bus;
    private final SwitchboardConfig.Webhooks config;
    private final MeterRegistry metrics;
    private final OutboxLoop<Claimed> loop;

    public WebhookOutbox(Pool pool, WebhookSender sender, ClusterBus bus, SwitchboardConfig config, MeterRegistry metrics,
            OrderlyShutdown shutdown) {
        this.pool = pool;
        this.sender = sender;
        this.bus = bus;
        this.config = config.webhooks();
        this.metrics = metrics;
        this.loop = new OutboxLoop<>("Webhook outbox", LOG, this.config.batchSize(), this::claim, this::deliver, this::prune,
                shutdown);
    }

    /** Skips every scheduled round on a replica whose worker is switched off. */
    @Singleton
    static class WorkerDisabled implements Scheduled.SkipPredicate {

        private final SwitchboardConfig.Webhooks config;

        WorkerDisabled(SwitchboardConfig config) {
            this.config = config.webhooks();
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !config.workerEnabled();
        }
    }

    /** The poll for due retries and for what other replicas queued (a change here pokes at once). */
    @Scheduled(identity = "webhook-outbox", every = "${switchboard.webhooks.interval:1S}",
            concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = WorkerDisabled.class)
    Uni<Void> scheduledRound() {
        return loop.round();
    }

    void poke() {
        if (config.workerEnabled()) {
            loop.poke();
        }
    }

    private record Claimed(UUID id, UUID webhookId, UUID orgId, String messageId, String type, long seq, String body,
            int attempts, Instant createdAt, String url, String secret) {
    }

    private Uni<List<Claimed>> claim() {
        String sql = "UPDATE webhook_deliveries d SET locked_until = clock_timestamp() + make_interval(secs => $1), "
                + "attempts = d.attempts + 1, updated_at = clock_timestamp() "
                + "FROM webhooks w WHERE w.id = d.webhook_id AND d.state = 'pending' "
                // re-checked on the row's newest version: a concurrent claim of the same head wins once
                + "AND (d.locked_until IS NULL OR d.locked_until <= clock_timestamp()) AND d.id IN ("
                + "  SELECT h.id FROM webhooks e CROSS JOIN LATERAL ("
                + "    SELECT x.id, x.next_attempt_at FROM webhook_deliveries x WHERE x.webhook_id = e.id AND x.state = 'pending' "
                + "    ORDER BY x.position LIMIT 1) h "
                + "  WHERE e.enabled AND h.next_attempt_at <= statement_timestamp() LIMIT $2) "
                + "RETURNING d.id, d.webhook_id, d.org_id, d.message_id, d.type, d.seq, d.body, d.attempts, d.created_at, w.url, w.secret";
        return pool.preparedQuery(sql).execute(Tuple.of((double) config.lease().toMillis() / 1000.0, config.batchSize()))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        claimed.add(new Claimed(row.getUUID(0), row.getUUID(1), row.getUUID(2), row.getString(3), row.getString(4),
                                row.getLong(5), row.getString(6), row.getInteger(7), row.getOffsetDateTime(8).toInstant(),
                                row.getString(9), row.getString(10)));
                    }
                    return claimed;
                });
    }

    /**
     * A settled delivery (delivered or dead) makes the endpoint's next one due: the loop goes again
     * at once, so a backlog (after an outage, or taken over from a dead replica) drains back to
     * back instead of one per poll interval.
     */
    private Uni<Void> deliver(Claimed row) {
        Instant started = Instant.now();
        return sender.send(row.url(), row.secret(), row.messageId(), row.body()).flatMap(sent -> {
            if (sent.delivered()) {
                return finish(row, "delivered", Duration.ZERO, sent, started).invoke(loop::poke);
            }
            Duration delay = OutboxLoop.backoff(row.attempts(), config.initialBackoff(), config.maxBackoff(), sent.retryAfter());
            if (Instant.now().plus(delay).isAfter(row.createdAt().plus(config.retryFor()))) {
                metrics.counter("switchboard.webhooks.dead").increment();
                LOG.infof("Webhook delivery %s (%s seq %d) to webhook %s dead-lettered after %d attempts: %s",
                        row.messageId(), row.type(), row.seq(), row.webhookId(), row.attempts(), sent.describe());
                return finish(row, "dead", Duration.ZERO, sent, started).invoke(loop::poke);
            }
            return finish(row, "pending", delay, sent, started);
        });
    }

    /**
     * Records one attempt in one statement: the delivery's state, the attempts log, and the
     * endpoint's run of failures (cleared by a success; the endpoint disabled once every attempt
     * failed for {@code disable-after}). When that disables it, every replica drops its cached
     * "this org has webhooks". Fenced by the claim: every claim counts {@code attempts} up, so an
     * attempt whose lease ran out and whose delivery was claimed again meanwhile (a replica that
     * stalled longer than the lease) is only logged; the newer claim owns the outcome, and a late
     * failure cannot send an already accepted delivery again, after the events that followed it.
     */
    private Uni<Void> finish(Claimed row, String state, Duration delay, WebhookSender.Sent sent, Instant started) {
        boolean ok = sent.delivered();
        String outcome = ok ? "delivered" : "dead".equals(state) ? "dead" : "retrying";
        String reason = "disabled: every delivery failed for longer than " + config.disableAfter() + "; the last one: "
                + sent.describe();
        String sql = "WITH d AS (UPDATE webhook_deliveries SET state = $2::varchar, locked_until = NULL, last_error = $3, "
                + "updated_at = clock_timestamp(), next_attempt_at = clock_timestamp() + make_interval(secs => $4), "
                + "delivered_at = CASE WHEN $2::varchar = 'delivered' THEN clock_timestamp() END WHERE id = $1 AND attempts = $9 "
                + "RETURNING id), "
                + "a AS (INSERT INTO webhook_attempts (webhook_id, delivery_id, message_id, type, seq, attempt, outcome, status_code, "
                + "error, duration_ms, at) VALUES ($5, $1, $6, $7, $8, $9, $10, $11, $3, $12, $13)) "
                + "UPDATE webhooks w SET failing_since = CASE WHEN $14 THEN NULL ELSE coalesce(o.failing_since, $13) END, "
                + "enabled = w.enabled AND NOT " + disabling() + ", "
                + "disabled_reason = CASE WHEN " + disabling() + " THEN $15 ELSE w.disabled_reason END, "
                + "disabled_at = CASE WHEN " + disabling() + " THEN clock_timestamp() ELSE w.disabled_at END "
                + "FROM webhooks o WHERE o.id = w.id AND w.id = $5 AND EXISTS (SELECT 1 FROM d) RETURNING w.org_id, " + disabling();
        Tuple params = Tuple.tuple()
                .addUUID(row.id()).addString(state).addString(OutboxLoop.truncate(sent.error()))
                .addDouble(delay.toMillis() / 1000.0).addUUID(row.webhookId()).addString(row.messageId()).addString(row.type())
                .addLong(row.seq()).addInteger(row.attempts()).addString(outcome).addInteger(sent.statusCode())
                .addInteger(sent.durationMs()).addOffsetDateTime(started.atOffset(java.time.ZoneOffset.UTC))
                .addBoolean(ok).addString(OutboxLoop.truncate(reason)).addDouble(config.disableAfter().toMillis() / 1000.0);
        return pool.preparedQuery(sql).execute(params).flatMap(rows -> {
            for (Row updated : rows) {
                if (Boolean.TRUE.equals(updated.getBoolean(1))) {
                    LOG.infof("Webhook %s disabled: %s", row.webhookId(), reason);
                    return bus.publish(pool, new WebhookMessages.WebhooksChanged(updated.getUUID(0)));
                }
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** The endpoint is enabled, this attempt failed too, and the run of failures has lasted long enough. */
    private static String disabling() {
        return "(o.enabled AND NOT $14 AND coalesce(o.failing_since, $13) <= clock_timestamp() - make_interval(secs => $16))";
    }

    /**
     * Delivered, dead and skipped rows and attempts past the retention; a disabled endpoint's pending
     * rows older than it.
     */
    private Uni<Void> prune() {
        double retention = config.retention().toMillis() / 1000.0;
        String deliveries = "DELETE FROM webhook_deliveries WHERE (state <> 'pending' AND updated_at < statement_timestamp() "
                + "- make_interval(secs => $1)) OR (state = 'pending' AND created_at < statement_timestamp() - make_interval(secs => $1) "
                + "AND webhook_id IN (SELECT id FROM webhooks WHERE NOT enabled))";
        String attempts = "DELETE FROM webhook_attempts WHERE at < statement_timestamp() - make_interval(secs => $1)";
        return pool.preparedQuery(deliveries).execute(Tuple.of(retention))
                .flatMap(ignored -> pool.preparedQuery(attempts).execute(Tuple.of(retention)))
                .replaceWithVoid();
    }
}
