package dev.switchboard.presence;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.common.PresenceChanges;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Sockets opened with {@code device=<id>} make that webphone/app account registered. This
 * replica holds a lease per device and renews it; the last close leaves only the grace period
 * (so a reload does not flap), and if this replica dies the lease runs out and another replica's
 * timer publishes the change ({@link PresenceTimers}).
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
    private long renewTimer = -1;

    public DeviceLeases(Pool pool, Vertx vertx, PresenceChanges presence,
            @ConfigProperty(name = "switchboard.ws.device-lease", defaultValue = "30S") Duration leaseTtl,
            @ConfigProperty(name = "switchboard.ws.device-grace", defaultValue = "10S") Duration grace) {
        this.pool = pool;
        this.vertx = vertx;
        this.presence = presence;
        this.leaseTtl = leaseTtl;
        this.grace = grace;
    }

    void start(@Observes StartupEvent event) {
        long every = Math.max(1_000L, leaseTtl.toMillis() / 3);
        renewTimer = vertx.setPeriodic(every, id -> renew());
    }

    /** A device socket opened: the device is registered from now on (publishes if that is news). */
    Uni<Void> acquire(UUID orgId, UUID ownerId, UUID deviceId) {
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
        String sql = "UPDATE device_connections SET connections = greatest(connections - 1, 0), "
                + "lease_until = CASE WHEN connections <= 1 THEN clock_timestamp() + make_interval(secs => $3) ELSE lease_until END "
                + "WHERE voip_account_id = $1 AND instance_id = $2";
        return pool.preparedQuery(sql).execute(Tuple.of(deviceId, INSTANCE, (double) grace.toSeconds())).replaceWithVoid();
    }

    private void renew() {
        String sql = "UPDATE device_connections SET lease_until = clock_timestamp() + make_interval(secs => $2) "
                + "WHERE instance_id = $1 AND connections > 0";
        pool.preparedQuery(sql).execute(Tuple.of(INSTANCE, (double) leaseTtl.toSeconds()))
                .subscribe().with(ok -> { }, failure -> LOG.warnf("Could not renew device leases: %s", failure.toString()));
    }

    /** Shutting down: clients move to another replica within the grace period, so nothing flaps. */
    void stop(@Observes ShutdownEvent event) {
        if (renewTimer >= 0) {
            vertx.cancelTimer(renewTimer);
        }
        String sql = "UPDATE device_connections SET connections = 0, "
                + "lease_until = least(lease_until, clock_timestamp() + make_interval(secs => $2)) WHERE instance_id = $1";
        try {
            pool.preparedQuery(sql).execute(Tuple.of(INSTANCE, (double) grace.toSeconds())).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debugf("Leases left to expire by themselves: %s", e.toString());
        }
    }
}
