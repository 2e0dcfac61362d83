package dev.switchboard.presence;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.switchboard.common.NativeSql;
import dev.switchboard.common.OrderlyShutdown;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.SafeContext;
import dev.switchboard.common.SwitchboardConfig;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.history.HistoryItem;
import dev.switchboard.schedule.ScheduleService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Presence changes that happen by the clock, not by a request: a timed status or note ends, a
 * scheduled status window starts or ends, a registration or a device socket's lease lapses, a call with no 'ended' gets too old. Also
 * prunes org events older than the replay window. Each tick claims due
 * rows with {@code FOR UPDATE SKIP LOCKED}, so with several replicas each item is handled once.
 */
@ApplicationScoped
public class PresenceTimers {

    private static final Logger LOG = Logger.getLogger(PresenceTimers.class);
    private static final int BATCH = 200;

    private final Vertx vertx;
    private final PresenceChanges presence;
    private final PresenceStore store;
    private final Duration interval;
    private final Duration maxCallDuration;
    private final Duration endedCallRetention;
    private final Duration replayWindow;
    private final Duration reapPauseAfterFailure;
    private final History history;
    private final ScheduleService schedules;
    private final OrderlyShutdown shutdown;
    private final AtomicBoolean running = new AtomicBoolean();
    /** {@link System#nanoTime()} before which lapsed device leases are left alone. */
    private volatile long reapLeasesFrom = System.nanoTime();
    private long lastPrune;
    private long timerId = -1;

    public PresenceTimers(Vertx vertx, PresenceChanges presence, PresenceStore store, SwitchboardConfig config, History history,
            ScheduleService schedules, OrderlyShutdown shutdown) {
        this.schedules = schedules;
        this.shutdown = shutdown;
        this.history = history;
        this.replayWindow = config.presence().replayWindow();
        // A whole lease: the replicas holding devices get about three attempts to renew.
        this.reapPauseAfterFailure = config.ws().deviceLease();
        this.vertx = vertx;
        this.presence = presence;
        this.store = store;
        this.interval = config.timers().interval();
        this.maxCallDuration = config.calls().maxDuration();
        this.endedCallRetention = config.calls().endedRetention();
    }

    /**
     * A Vert.x timer, not Quarkus' {@code @Scheduled}: the scheduler checks its triggers once a
     * second ({@code SimpleScheduler}: "An every() value less than 1000 ms is not supported") and
     * these ticks are every 500 ms.
     */
    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(interval.toMillis(), id -> tick());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void tick() {
        if (!running.compareAndSet(false, true)) {
            return; // the previous tick is still working
        }
        // One transaction per step: each claims its rows, locks the affected users, publishes.
        shutdown.run(() -> SafeContext.run(vertx, () -> Panache.withTransaction(this::expireStatuses)
                .flatMap(ignored -> Panache.withTransaction(this::expireNotes))
                .flatMap(ignored -> Panache.withTransaction(schedules::applyDue))
                .flatMap(ignored -> Panache.withTransaction(this::lapseRegistrations))
                .flatMap(ignored -> System.nanoTime() - reapLeasesFrom >= 0 ? Panache.withTransaction(this::expireDeviceLeases)
                        : Uni.createFrom().voidItem())
                .flatMap(ignored -> Panache.withTransaction(this::endStaleCalls))
                .flatMap(ignored -> Panache.withTransaction(this::pruneEvents))))
                .subscribe().with(ignored -> running.set(false), failure -> {
                    // Typically the database is unreachable. Then no replica could renew its
                    // leases either: once it is back, give them a whole lease to renew before
                    // calling their devices gone, or every open device socket would flap
                    // offline and back (and fire watches).
                    reapLeasesFrom = System.nanoTime() + reapPauseAfterFailure.toNanos();
                    running.set(false);
                    LOG.logf(shutdown.failureLevel(), "Presence timer tick failed (will retry): %s", failure.toString());
                });
    }

    /** "Do not disturb until 14:00": at 14:00 the status returns to available (the status it had goes to the history). */
    private Uni<Void> expireStatuses() {
        String sql = "WITH due AS (SELECT id, status FROM users WHERE status_until <= now() ORDER BY status_until LIMIT " + BATCH
                + " FOR UPDATE SKIP LOCKED) "
                + "UPDATE users u SET status = 'available', status_until = NULL, version = u.version + 1 FROM due "
                + "WHERE u.id = due.id RETURNING u.org_id, u.id, due.status";
        return recompute(sql, row -> HistoryItem.status(Actor.TIMER, (UUID) row[0], (UUID) row[1], (String) row[2], "available", null));
    }

    /** "At the dentist, back at 3" until 15:00: then the note goes, and colleagues see it go. */
    private Uni<Void> expireNotes() {
        String sql = "WITH due AS (SELECT id FROM users WHERE note_until <= now() ORDER BY note_until LIMIT " + BATCH
                + " FOR UPDATE SKIP LOCKED) "
                + "UPDATE users u SET note = NULL, note_until = NULL, version = u.version + 1 FROM due "
                + "WHERE u.id = due.id RETURNING u.org_id, u.id";
        return recompute(sql);
    }

    /*
     * The timers' searches bound an index scan by statement_timestamp(), never clock_timestamp():
     * a volatile function cannot bound one, and PostgreSQL then filters every row of the partial
     * index (12 ms at 20,000 registrations, every second on every replica; bench/README.md).
     */
    /** One row per lapsed device, naming it for the owner's history (a device without owner only has its line). */
    private Uni<Void> lapseRegistrations() {
        String sql = "WITH due AS (UPDATE device_registrations SET lapsed = true WHERE voip_account_id IN ("
                + "  SELECT voip_account_id FROM device_registrations WHERE NOT lapsed AND expires_at <= statement_timestamp() "
                + "  ORDER BY expires_at LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED) RETURNING voip_account_id) "
                + "SELECT a.org_id, a.user_id, a.id, a.kind, a.internal_number, a.description FROM voip_accounts a "
                + "JOIN due ON due.voip_account_id = a.id";
        return recompute(sql, row -> HistoryItem.registration(Actor.TIMER, (UUID) row[0], (UUID) row[1],
                new HistoryItem.Device((UUID) row[2], (String) row[3], (String) row[4], (String) row[5]), false, true));
    }

    /** Device sockets that closed past their grace period, or whose replica died. */
    private Uni<Void> expireDeviceLeases() {
        String sql = "WITH gone AS (DELETE FROM device_connections WHERE (voip_account_id, instance_id) IN ("
                + "  SELECT voip_account_id, instance_id FROM device_connections WHERE lease_until <= statement_timestamp() "
                + "  LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED) RETURNING voip_account_id) "
                + "SELECT DISTINCT a.org_id, a.user_id FROM voip_accounts a JOIN gone ON gone.voip_account_id = a.id "
                + "WHERE a.user_id IS NOT NULL";
        return recompute(sql);
    }

    /** Events older than the replay window: a client resuming from before it gets a snapshot. */
    private Uni<Void> pruneEvents() {
        long now = System.currentTimeMillis();
        if (now - lastPrune < 10_000) {
            return Uni.createFrom().voidItem();
        }
        lastPrune = now;
        return store.pruneEvents(replayWindow);
    }

    /** A call the platform never ended must not keep anyone "busy" forever. */
    private Uni<Void> endStaleCalls() {
        String sql = "WITH stale AS (UPDATE device_calls SET state = 'ended', updated_at = now() WHERE (voip_account_id, call_id) IN ("
                + "  SELECT voip_account_id, call_id FROM device_calls WHERE state <> 'ended' "
                + "  AND updated_at < now() - make_interval(secs => " + maxCallDuration.toSeconds() + ") "
                + "  LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED) RETURNING voip_account_id) "
                + "SELECT DISTINCT a.org_id, a.user_id, a.id FROM voip_accounts a JOIN stale ON stale.voip_account_id = a.id";
        String purge = "DELETE FROM device_calls WHERE state = 'ended' AND updated_at < now() - make_interval(secs => "
                + endedCallRetention.toSeconds() + ")";
        return recompute(sql).flatMap(ignored -> NativeSql.update(purge)).replaceWithVoid();
    }

    /**
     * Runs a statement answering {@code (org_id, user_id[, voip_account_id])} rows and re-derives
     * those users; a row without user but with a device changes only that device's line.
     */
    private Uni<Void> recompute(String sql) {
        return recompute(sql, null);
    }

    /** The same, and writes each row's history item ({@code item} not null), in the same transaction. */
    private Uni<Void> recompute(String sql, Function<Object[], HistoryItem> item) {
        return NativeSql.rows(sql).flatMap(all -> {
            Map<UUID, UUID> orgByUser = new HashMap<>();
            Map<UUID, List<UUID>> unownedByOrg = new HashMap<>();
            List<Object[]> rows = new java.util.ArrayList<>(all.size());
            for (Object[] row : all) {
                if (row[1] != null) {
                    orgByUser.put((UUID) row[1], (UUID) row[0]);
                    rows.add(row);
                } else if (row.length > 2) {
                    unownedByOrg.computeIfAbsent((UUID) row[0], org -> new java.util.ArrayList<>()).add((UUID) row[2]);
                }
            }
            Uni<Void> changed = presence.usersChanged(orgByUser);
            for (Map.Entry<UUID, List<UUID>> unowned : unownedByOrg.entrySet()) {
                changed = changed.flatMap(ignored -> presence.devicesChanged(unowned.getKey(), unowned.getValue()));
            }
            return item == null || rows.isEmpty() ? changed
                    : changed.flatMap(ignored -> history.write(rows.stream().map(item).toList()));
        });
    }
}
