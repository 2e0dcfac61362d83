package dev.switchboard.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.account.VoipAccountDtos.DeviceStateView;
import dev.switchboard.common.BatchLane;
import dev.switchboard.common.SwitchboardConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Refreshes of current registrations, written together: at most one refresh statement is in
 * flight, and the refreshes that arrive meanwhile go in the next one, up to {@value #MAX_BATCH}
 * at a time. Alone, a refresh is one statement as before; in a storm (every phone re-registering
 * after an outage) hundreds share one, so they cost PostgreSQL one round trip instead of hundreds
 * and hold one pooled connection, not all of them (docs/architecture.md, "Registration reports in a storm").
 *
 * <p>Each refresh is still written and answered on its own: its expiry, user agent, contact and
 * {@code lastSeen}, read back from its own row. A device reported twice before its batch left
 * goes once per batch, in arrival order.
 */
@ApplicationScoped
public class RegistrationRefreshes {

    static final int MAX_BATCH = 256;

    /**
     * The refresh of {@link PlatformService}'s registration, for many SIP usernames at once. A row
     * comes back for each refreshed registration; no row: unknown, lapsed or never registered
     * (the caller's REGISTER path decides). Sorted by SIP username, so two batches lock rows in
     * one order.
     */
    private static final String REFRESH = "UPDATE device_registrations r SET expires_at = clock_timestamp() + make_interval(secs => b.expires_in), "
            + "user_agent = coalesce(b.user_agent, r.user_agent), contact = coalesce(b.contact, r.contact), last_seen = clock_timestamp() "
            + "FROM unnest($1::varchar[], $2::float8[], $3::varchar[], $4::varchar[]) AS b(sip_username, expires_in, user_agent, contact) "
            + "JOIN voip_accounts a ON a.sip_username = b.sip_username "
            + "WHERE r.voip_account_id = a.id AND NOT r.lapsed AND r.expires_at > clock_timestamp() "
            + "RETURNING a.sip_username, r.user_agent, r.last_seen, a.dnd, " + LiveDeviceStates.RINGING + ", " + LiveDeviceStates.IN_CALL;

    private record Refresh(String sipUsername, double expiresIn, String userAgent, String contact) {
    }

    private final Pool pool;
    private final BatchLane<Refresh, DeviceStateView> lane;

    public RegistrationRefreshes(Pool pool, SwitchboardConfig config, MeterRegistry metrics) {
        this.pool = pool;
        // refreshes per statement: near 1 when they come one at a time, up to MAX_BATCH in a storm
        DistributionSummary perStatement = DistributionSummary.builder("switchboard.registrations.refreshes.per.statement")
                .description("Registration refreshes written by one statement").register(metrics);
        this.lane = new BatchLane<>("registration reports", 1, MAX_BATCH, config.platform().waitingReports(), Refresh::sipUsername,
                Comparator.comparing(Refresh::sipUsername), this::write, perStatement::record);
        Gauge.builder("switchboard.registrations.refreshes.waiting", lane, BatchLane::waiting)
                .description("Registration refreshes waiting for the statement in flight").register(metrics);
    }

    /**
     * The device's state after the refresh, answered on the caller's context; {@code null} when
     * nothing was refreshed (no current registration under that SIP username).
     */
    public Uni<DeviceStateView> refresh(String sipUsername, double expiresIn, String userAgent, String contact) {
        return lane.submit(new Refresh(sipUsername, expiresIn, userAgent, contact));
    }

    /** One statement for the batch; each refresh answered from its own row, or null. */
    private Uni<List<Object>> write(List<Refresh> batch) {
        return execute(batch, true).map(rows -> {
            Map<String, Row> refreshed = new HashMap<>();
            for (Row row : rows) {
                refreshed.put(row.getString(0), row);
            }
            List<Object> outcomes = new ArrayList<>(batch.size());
            for (Refresh refresh : batch) {
                Row row = refreshed.get(refresh.sipUsername());
                outcomes.add(row == null ? null
                        : new LiveDeviceStates.Live(true, row.getString(1), row.getOffsetDateTime(2).toInstant(), row.getBoolean(4),
                                row.getBoolean(5)).view(row.getBoolean(3)));
            }
            return outcomes;
        });
    }

    /** A deadlock with a writer locking several registrations in another order (the expiry timer) is tried once more. */
    private Uni<RowSet<Row>> execute(List<Refresh> batch, boolean again) {
        int size = batch.size();
        String[] usernames = new String[size];
        Double[] expiresIn = new Double[size];
        String[] userAgents = new String[size];
        String[] contacts = new String[size];
        for (int i = 0; i < size; i++) {
            Refresh refresh = batch.get(i);
            usernames[i] = refresh.sipUsername();
            expiresIn[i] = refresh.expiresIn();
            userAgents[i] = refresh.userAgent();
            contacts[i] = refresh.contact();
        }
        return pool.preparedQuery(REFRESH)
                .execute(Tuple.tuple().addArrayOfString(usernames).addArrayOfDouble(expiresIn).addArrayOfString(userAgents)
                        .addArrayOfString(contacts))
                .onFailure(failure -> again && failure instanceof PgException pg && "40P01".equals(pg.getSqlState()))
                .recoverWithUni(() -> execute(batch, false));
    }
}
