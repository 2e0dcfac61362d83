package dev.switchboard.platform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.account.VoipAccountDtos.DeviceStateView;
import dev.switchboard.common.ServiceBusyException;
import dev.switchboard.common.SwitchboardConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
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
 * and hold one pooled connection, not all of them (docs/architecture.md, "Registration reports").
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

    private record Pending(String sipUsername, double expiresIn, String userAgent, String contact, Context context,
            UniEmitter<? super DeviceStateView> answer) {

        void complete(DeviceStateView view) {
            if (context == null) {
                answer.complete(view);
            } else {
                context.runOnContext(ignored -> answer.complete(view));
            }
        }

        void fail(Throwable failure) {
            if (context == null) {
                answer.fail(failure);
            } else {
                context.runOnContext(ignored -> answer.fail(failure));
            }
        }
    }

    private final Pool pool;
    private final int maxWaiting;
    /** Refreshes per statement: near 1 when they come one at a time, up to {@value #MAX_BATCH} in a storm. */
    private final DistributionSummary perStatement;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean inFlight;

    public RegistrationRefreshes(Pool pool, SwitchboardConfig config, MeterRegistry metrics) {
        this.pool = pool;
        this.maxWaiting = config.platform().waitingReports();
        this.perStatement = DistributionSummary.builder("switchboard.registrations.refreshes.per.statement")
                .description("Registration refreshes written by one statement").register(metrics);
        Gauge.builder("switchboard.registrations.refreshes.waiting", this, RegistrationRefreshes::waiting)
                .description("Registration refreshes waiting for the statement in flight").register(metrics);
    }

    private synchronized double waiting() {
        return waiting.size();
    }

    /**
     * The device's state after the refresh, answered on the caller's context; {@code null} when
     * nothing was refreshed (no current registration under that SIP username).
     */
    public Uni<DeviceStateView> refresh(String sipUsername, double expiresIn, String userAgent, String contact) {
        return Uni.createFrom().emitter(answer -> {
            Pending pending = new Pending(sipUsername, expiresIn, userAgent, contact, Vertx.currentContext(), answer);
            boolean send;
            synchronized (this) {
                if (waiting.size() >= maxWaiting) {
                    answer.fail(new ServiceBusyException("More registration reports are waiting than the service accepts; retry shortly."));
                    return;
                }
                waiting.add(pending);
                send = !inFlight;
                inFlight = true;
            }
            if (send) {
                sendNext();
            }
        });
    }

    /** Sends what waits, one batch; when it has answered, the next. */
    private void sendNext() {
        List<Pending> batch = new ArrayList<>();
        synchronized (this) {
            Set<String> inBatch = new HashSet<>();
            for (Iterator<Pending> it = waiting.iterator(); it.hasNext() && batch.size() < MAX_BATCH;) {
                Pending pending = it.next();
                if (inBatch.add(pending.sipUsername())) {
                    batch.add(pending);
                    it.remove();
                }
            }
            if (batch.isEmpty()) {
                inFlight = false;
                return;
            }
        }
        batch.sort(java.util.Comparator.comparing(Pending::sipUsername));
        perStatement.record(batch.size());
        execute(batch, true).subscribe().with(rows -> {
            Map<String, Row> refreshed = new HashMap<>();
            for (Row row : rows) {
                refreshed.put(row.getString(0), row);
            }
            for (Pending pending : batch) {
                Row row = refreshed.get(pending.sipUsername());
                pending.complete(row == null ? null
                        : new LiveDeviceStates.Live(true, row.getString(1), row.getOffsetDateTime(2).toInstant(), row.getBoolean(4),
                                row.getBoolean(5)).view(row.getBoolean(3)));
            }
            sendNext();
        }, failure -> {
            batch.forEach(pending -> pending.fail(failure));
            sendNext();
        });
    }

    /** A deadlock with a writer locking several registrations in another order (the expiry timer) is tried once more. */
    private Uni<RowSet<Row>> execute(List<Pending> batch, boolean again) {
        int size = batch.size();
        String[] usernames = new String[size];
        Double[] expiresIn = new Double[size];
        String[] userAgents = new String[size];
        String[] contacts = new String[size];
        for (int i = 0; i < size; i++) {
            Pending pending = batch.get(i);
            usernames[i] = pending.sipUsername();
            expiresIn[i] = pending.expiresIn();
            userAgents[i] = pending.userAgent();
            contacts[i] = pending.contact();
        }
        return pool.preparedQuery(REFRESH)
                .execute(Tuple.tuple().addArrayOfString(usernames).addArrayOfDouble(expiresIn).addArrayOfString(userAgents)
                        .addArrayOfString(contacts))
                .onFailure(failure -> again && failure instanceof PgException pg && "40P01".equals(pg.getSqlState()))
                .recoverWithUni(() -> execute(batch, false));
    }
}
