package dev.switchboard.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.switchboard.common.OrderlyShutdown;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.SafeContext;
import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Sockets opened with {@code device=<id>} make that webphone/app account registered. This
 * replica holds a lease per device and renews it; the last close leaves only the grace period
 * (so a reload does not flap), and if this replica dies the lease runs out and another replica's
 * timer publishes the change ({@link PresenceTimers}).
 *
 * <p>Which devices this replica holds is known here, in memory (the open sockets), and the lease
 * rows follow it: when the database was unreachable for longer than a lease, a timer may have
 * reaped the rows of sockets that are still open; the next renewal puts them back and publishes
 * the device as registered again.
 */
@ApplicationScoped
public class DeviceLeases {

    private static final Logger LOG = Logger.getLogger(DeviceLeases.class);

    /** This process's identity in {@code device_connections}. */
    static final UUID INSTANCE = UUID.randomUUID();

    private final Pool pool;
    private final Vertx vertx;
    private final PresenceChanges presence;
    private final Duration leaseTtl;
    private final Duration grace;
    private final OrderlyShutdown shutdown;
    /** Open device sockets on this replica, per device. */
    private final Map<UUID, Integer> held = new ConcurrentHashMap<>();

    public DeviceLeases(Pool pool, Vertx vertx, PresenceChanges presence, SwitchboardConfig config, OrderlyShutdown shutdown) {
        this.pool = pool;
        this.shutdown = shutdown;
        this.vertx = vertx;
        this.presence = presence;
        this.leaseTtl = config.ws().deviceLease();
        this.grace = config.ws().deviceGrace();
    }

    /**
     * Renews about three times per lease. A job of the Quarkus scheduler like the other periodic
     * work, defined here because its interval follows from the lease; SKIP: a renewal still
     * running when the next is due makes that one skip.
     */
    void start(@Observes StartupEvent event, Scheduler scheduler) {
        Duration every = Duration.ofMillis(Math.max(1_000L, leaseTtl.toMillis() / 3));
        scheduler.newJob("device-lease-renewal").setInterval(every.toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP).setAsyncTask(execution -> shutdown.run(this::renew)).schedule();
    }

    /** A device socket opened: the device is registered from now on (publishes if that is news). */
    Uni<Void> acquire(UUID orgId, UUID ownerId, UUID deviceId) {
        held.merge(deviceId, 1, Integer::sum);
        String sql = "INSERT INTO device_connections AS d (voip_account_id, instance_id, org_id, connections, lease_until) "
                + "VALUES ($1, $2, $3, 1, clock_timestamp() + make_interval(secs => $4)) "
                + "ON CONFLICT (voip_account_id, instance_id) DO UPDATE SET connections = d.connections + 1, "
                + "lease_until = excluded.lease_until";
        return Panache.withTransaction(() -> pool.preparedQuery(sql)
                .execute(Tuple.of(deviceId, INSTANCE, orgId, (double) leaseTtl.toSeconds()))
                .flatMap(ignored -> presence.userChanged(orgId, ownerId)));
    }

    /** A device socket closed: when it was the last one here, only the grace period remains. */
    Uni<Void> release(UUID deviceId) {
        held.computeIfPresent(deviceId, (id, sockets) -> sockets <= 1 ? null : sockets - 1);
        String sql = "UPDATE device_connections SET connections = greatest(connections - 1, 0), "
                + "lease_until = CASE WHEN connections <= 1 THEN clock_timestamp() + make_interval(secs => $3) ELSE lease_until END "
                + "WHERE voip_account_id = $1 AND instance_id = $2";
        return pool.preparedQuery(sql).execute(Tuple.of(deviceId, INSTANCE, (double) grace.toSeconds())).replaceWithVoid();
    }

    private Uni<Void> renew() {
        if (held.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<UUID> devices = new ArrayList<>();
        List<Integer> sockets = new ArrayList<>();
        held.forEach((device, count) -> {
            devices.add(device);
            sockets.add(count);
        });
        UUID[] ids = devices.toArray(new UUID[0]);
        String extend = "UPDATE device_connections SET lease_until = clock_timestamp() + make_interval(secs => $2) "
                + "WHERE instance_id = $1 AND voip_account_id = ANY($3)";
        // Rows reaped while this replica could not renew them (a database outage longer than a
        // lease) although their sockets are still open here.
        String restore = "WITH restored AS (INSERT INTO device_connections (voip_account_id, instance_id, org_id, connections, lease_until) "
                + "SELECT a.id, $1, a.org_id, held.sockets, clock_timestamp() + make_interval(secs => $2) "
                + "FROM unnest($3::uuid[], $4::int4[]) AS held(id, sockets) JOIN voip_accounts a ON a.id = held.id "
                + "ON CONFLICT (voip_account_id, instance_id) DO NOTHING RETURNING voip_account_id) "
                + "SELECT DISTINCT a.org_id, a.user_id FROM voip_accounts a JOIN restored r ON r.voip_account_id = a.id "
                + "WHERE a.user_id IS NOT NULL ORDER BY a.user_id";
        double ttl = leaseTtl.toSeconds();
        return pool.preparedQuery(extend).execute(Tuple.of(INSTANCE, ttl, ids))
                .flatMap(ignored -> pool.preparedQuery(restore).execute(Tuple.of(INSTANCE, ttl, ids, sockets.toArray(new Integer[0]))))
                .flatMap(rows -> {
                    List<UUID[]> owners = new ArrayList<>();
                    rows.forEach(row -> owners.add(new UUID[] { row.getUUID(0), row.getUUID(1) }));
                    if (owners.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    LOG.infof("Restored the lapsed leases of %d device socket(s) still open here", owners.size());
                    // All owners locked together before any is recorded (user rows, then the sequence).
                    Map<UUID, UUID> orgByUser = new HashMap<>();
                    owners.forEach(owner -> orgByUser.put(owner[1], owner[0]));
                    return SafeContext.run(vertx, () -> Panache.withTransaction(() -> presence.usersChanged(orgByUser)));
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.logf(shutdown.failureLevel(), "Could not renew device leases: %s", failure.toString());
                    return null;
                });
    }

    /** Shutting down: clients move to another replica within the grace period, so nothing flaps. */
    void stop(@Observes ShutdownEvent event) {
        held.clear();
        String sql = "UPDATE device_connections SET connections = 0, "
                + "lease_until = least(lease_until, clock_timestamp() + make_interval(secs => $2)) WHERE instance_id = $1";
        try {
            pool.preparedQuery(sql).execute(Tuple.of(INSTANCE, (double) grace.toSeconds())).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debugf("Leases left to expire by themselves: %s", e.toString());
        }
    }
}
