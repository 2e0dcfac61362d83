package dev.switchboard.push;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.switchboard.common.OrderlyShutdown;
import dev.switchboard.common.OutboxLoop;
import dev.switchboard.common.SwitchboardConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.ScheduledExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Delivers {@code push_outbox} rows, in the rounds of the shared {@link OutboxLoop}. Every replica
 * may run it: a tick claims due rows with {@code FOR UPDATE SKIP LOCKED} and takes a lease on
 * them, sends outside any transaction, then records the outcome — delivered; retried with exponential backoff (and the provider's
 * Retry-After); dead-lettered after {@code max-attempts}, when refused outright, or when older
 * than {@code max-age}; or, for a token the provider calls dead, the device is removed (its rows
 * go with it). A replica dying mid-send leaves its rows to be claimed again when the lease ends:
 * delivery is at least once (the collapse id makes a rare duplicate replace the first on the phone).
 */
@ApplicationScoped
public class PushOutbox {

    private static final Logger LOG = Logger.getLogger(PushOutbox.class);

    private final Pool pool;
    private final PushProviders providers;
    private final PushDeviceService devices;
    private final SwitchboardConfig.Push.Outbox config;
    private final MeterRegistry metrics;
    private final OutboxLoop<Claimed> loop;

    public PushOutbox(Pool pool, PushProviders providers, PushDeviceService devices, SwitchboardConfig config,
            MeterRegistry metrics, OrderlyShutdown shutdown) {
        this.metrics = metrics;
        this.pool = pool;
        this.providers = providers;
        this.devices = devices;
        this.config = config.push().outbox();
        this.loop = new OutboxLoop<>("Push outbox", LOG, this.config.batchSize(), this::claim, this::deliver, this::prune,
                shutdown);
    }

    void start(@Observes StartupEvent event) {
        if (!config.workerEnabled()) {
            LOG.info("Push outbox worker disabled on this replica (switchboard.push.outbox.worker-enabled=false)");
        }
    }

    /** Skips every scheduled round on a replica whose worker is switched off. */
    @Singleton
    static class WorkerDisabled implements Scheduled.SkipPredicate {

        private final SwitchboardConfig.Push.Outbox config;

        WorkerDisabled(SwitchboardConfig config) {
            this.config = config.push().outbox();
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !config.workerEnabled();
        }
    }

    /**
     * The poll for due retries (fresh rows come with a poke). The Quarkus scheduler fires at most
     * once a second: an interval below 1 s acts as 1 s (it logs a warning saying so).
     */
    @Scheduled(identity = "push-outbox", every = "${switchboard.push.outbox.interval}",
            concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = WorkerDisabled.class)
    Uni<Void> scheduledRound() {
        return loop.round();
    }

    /** Something was queued (or the bus came back): look now instead of at the next interval. */
    void poke() {
        if (config.workerEnabled()) {
            loop.poke();
        }
    }

    private record Claimed(UUID id, int attempts, String kind, JsonObject payload, Instant createdAt, PushTarget target) {
    }

    private Uni<List<Claimed>> claim() {
        String sql = "UPDATE push_outbox o SET locked_until = clock_timestamp() + make_interval(secs => $1), "
                + "attempts = o.attempts + 1, updated_at = clock_timestamp() "
                + "FROM push_devices d, voip_accounts a WHERE d.id = o.push_device_id "
                // only devices that still count (registered by the account's current owner)
                + "AND a.id = d.voip_account_id AND a.user_id = d.user_id AND o.id IN ("
                // statement_timestamp() bounds the index scan (clock_timestamp() is volatile and cannot)
                + "  SELECT id FROM push_outbox WHERE state = 'pending' AND next_attempt_at <= statement_timestamp() "
                + "  AND (locked_until IS NULL OR locked_until <= clock_timestamp()) "
                + "  ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
                + "RETURNING o.id, o.attempts, o.kind, o.payload, o.created_at, d.id, d.platform, "
                // a visible notification goes to an iOS device's alert token, not its VoIP token
                + "CASE WHEN d.platform = 'apns' THEN d.alert_token ELSE d.token END, d.app_id, d.sandbox";
        return pool.preparedQuery(sql).execute(Tuple.of((double) config.lease().toSeconds(), config.batchSize()))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        claimed.add(new Claimed(row.getUUID(0), row.getInteger(1), row.getString(2), new JsonObject(row.getString(3)),
                                row.getOffsetDateTime(4).toInstant(),
                                new PushTarget(row.getUUID(5), row.getString(6), row.getString(7), row.getString(8), row.getBoolean(9))));
                    }
                    return claimed;
                });
    }

    private Uni<Void> deliver(Claimed row) {
        Instant expires = row.createdAt().plus(config.maxAge());
        if (Instant.now().isAfter(expires)) {
            return finish(row, "dead", Duration.ZERO, "expired: not delivered within " + config.maxAge());
        }
        if (row.target().token() == null) {
            return finish(row, "dead", Duration.ZERO, "the device has no alert token (anymore)");
        }
        return providers.send(row.target(), message(row, expires)).flatMap(result -> {
            if (result instanceof PushResult.Delivered) {
                return finish(row, "delivered", Duration.ZERO, null);
            }
            if (result instanceof PushResult.Stale stale) {
                return PushTarget.APNS.equals(row.target().platform())
                        ? devices.removeStaleAlertToken(row.target(), stale.reason())
                                .flatMap(ignored -> finish(row, "dead", Duration.ZERO, result.describe()))
                        : devices.removeStale(row.target(), stale.reason());
            }
            if (result instanceof PushResult.Failed) {
                return finish(row, "dead", Duration.ZERO, result.describe());
            }
            if (row.attempts() >= config.maxAttempts()) {
                return finish(row, "dead", Duration.ZERO, "gave up after " + row.attempts() + " attempts: " + result.describe());
            }
            Duration retryAfter = result instanceof PushResult.Retry retry ? retry.retryAfter() : null;
            return finish(row, "pending", backoff(row.attempts(), retryAfter), result.describe());
        });
    }

    private Duration backoff(int attempts, Duration retryAfter) {
        return OutboxLoop.backoff(attempts, config.initialBackoff(), config.maxBackoff(), retryAfter);
    }

    private Uni<Void> finish(Claimed row, String state, Duration delay, String error) {
        if ("dead".equals(state)) {
            metrics.counter("switchboard.push.outbox.dead").increment();
            LOG.warnf("Push notification %s to device %s dead-lettered: %s", row.id(), row.target().deviceId(), error);
        } else if ("pending".equals(state)) {
            LOG.debugf("Push notification %s: attempt %d failed (%s); next in %d ms", row.id(), row.attempts(), error, delay.toMillis());
        }
        // $2 typed once: as a bare parameter PostgreSQL deduces varchar (the column) and text (the
        // comparison), refuses the statement, and the client retries it with explicit types.
        String sql = "UPDATE push_outbox SET state = $2::varchar, locked_until = NULL, last_error = $3, updated_at = clock_timestamp(), "
                + "next_attempt_at = clock_timestamp() + make_interval(secs => $4), "
                + "delivered_at = CASE WHEN $2::varchar = 'delivered' THEN clock_timestamp() END WHERE id = $1";
        return pool.preparedQuery(sql)
                .execute(Tuple.of(row.id(), state, OutboxLoop.truncate(error), delay.toMillis() / 1000.0))
                .replaceWithVoid();
    }

    private static PushMessage message(Claimed row, Instant expires) {
        JsonObject payload = row.payload();
        String name = payload.getString("name", "A colleague");
        Map<String, String> data = Map.of("type", "watch_fired", "userId", payload.getString("userId"),
                "watchId", payload.getString("watchId"), "name", name);
        return new PushMessage(PushMessage.Kind.WATCH, data, name + " is available",
                "You asked to be told when " + name + " is available.", "watch-" + payload.getString("userId"), expires);
    }

    /** Old delivered and dead rows, settled wake-ups, and devices whose account changed owner. */
    private Uni<Void> prune() {
        String outbox = "DELETE FROM push_outbox WHERE (state = 'delivered' AND updated_at < statement_timestamp() - make_interval(secs => $1)) "
                + "OR (state = 'dead' AND updated_at < statement_timestamp() - make_interval(secs => $2))";
        String calls = "DELETE FROM push_calls WHERE created_at < statement_timestamp() - interval '1 day'";
        String orphans = "DELETE FROM push_devices d USING voip_accounts a WHERE a.id = d.voip_account_id "
                + "AND a.user_id IS DISTINCT FROM d.user_id";
        return pool.preparedQuery(outbox).execute(Tuple.of((double) config.deliveredRetention().toSeconds(),
                (double) config.deadRetention().toSeconds()))
                .flatMap(ignored -> pool.query(calls).execute())
                .flatMap(ignored -> pool.query(orphans).execute())
                .replaceWithVoid();
    }

    static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
