package dev.switchboard.platform;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.VoipAccountDtos.DeviceStateView;
import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.history.HistoryItem;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Live device state reported by the SIP platform. Only a change that can matter (registered
 * flips, DND flips, a call moves forward) triggers a presence re-derivation; a registration
 * refresh just extends the expiry (refreshes arriving together share one statement). Each report
 * is one statement that finds the account by SIP username, applies it and answers the device's
 * resulting state; no entity is loaded.
 */
@ApplicationScoped
public class PlatformService {

    /** {@code no_answer}: the device rang until the ring time ran out; for the device the call is over. */
    public enum CallState {
        RINGING, ANSWERED, ENDED, NO_ANSWER;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        /** What the device's call becomes: a call nobody answered has ended there. */
        String stored() {
            return this == NO_ANSWER ? "ended" : wire();
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static CallState fromWire(String value) {
            for (CallState state : values()) {
                if (state.wire().equals(value)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("must be ringing, answered, ended or no_answer");
        }
    }

    private static final String LIVE = LiveDeviceStates.REGISTERED + ", r.user_agent, r.last_seen, " + LiveDeviceStates.RINGING
            + ", " + LiveDeviceStates.IN_CALL;
    /** After the live state, what the history names the device by (columns 10–12). */
    private static final String NAMED = ", a.kind, a.internal_number, a.description";

    /** What a registrar needs to challenge a device ({@link #credentials}). */
    private static final String CREDENTIALS = "SELECT id, org_id, sip_username, internal_number, sip_realm, sip_ha1_md5, sip_ha1_sha256 "
            + "FROM voip_accounts WHERE sip_username = $1";

    /**
     * Any registration change, in the caller's transaction: whether the device was registered
     * before (its registration row locked), the upsert, and the resulting state. clock_timestamp(),
     * not now(): a transaction that waited for the row lock must judge expiry by the time it
     * actually runs, not by when it started.
     *
     * <p>{@code previous} must be read before the upsert changes the row: a {@code FOR UPDATE}
     * read of a row this same statement already updated skips it, so {@code was} came back false
     * every time when {@code previous} was only read afterwards (every refresh then re-derived the
     * owner, and an unregistration never reached colleagues). Joining it into the upsert's source
     * reads it first; the CTE is materialized, so the answer's read sees that same row.
     */
    static final String REGISTER = "WITH a AS (SELECT id, org_id, user_id, dnd, kind, internal_number, description "
            + "FROM voip_accounts WHERE sip_username = $1), "
            + "previous AS (SELECT NOT lapsed AND expires_at > clock_timestamp() AS was FROM device_registrations "
            + "  WHERE voip_account_id = (SELECT id FROM a) FOR UPDATE), "
            + "stored AS (INSERT INTO device_registrations AS r (voip_account_id, org_id, expires_at, lapsed, user_agent, contact, last_seen) "
            + "  SELECT a.id, a.org_id, clock_timestamp() + make_interval(secs => $2::float8), $3::boolean, $4::varchar, $5::varchar, "
            + "  clock_timestamp() FROM a LEFT JOIN previous ON true "
            + "  ON CONFLICT (voip_account_id) DO UPDATE SET expires_at = excluded.expires_at, lapsed = excluded.lapsed, "
            + "  user_agent = coalesce(excluded.user_agent, r.user_agent), contact = coalesce(excluded.contact, r.contact), "
            + "  last_seen = excluded.last_seen RETURNING r.lapsed, r.expires_at, r.user_agent, r.last_seen) "
            + "SELECT a.id, a.org_id, a.user_id, a.dnd, coalesce((SELECT was FROM previous), false), " + LIVE + NAMED
            + " FROM a CROSS JOIN stored r";

    /** DND set on the account (its version raised like any account change) only when it differs. */
    private static final String DND = "WITH a AS (SELECT id, org_id, user_id, kind, internal_number, description "
            + "FROM voip_accounts WHERE sip_username = $1), "
            + "changed AS (UPDATE voip_accounts v SET dnd = $2::boolean, version = v.version + 1 FROM a "
            + "  WHERE v.id = a.id AND v.dnd <> $2::boolean RETURNING v.id) "
            + "SELECT a.id, a.org_id, a.user_id, $2::boolean, EXISTS (SELECT 1 FROM changed), " + LIVE + NAMED
            + " FROM a LEFT JOIN device_registrations r ON r.voip_account_id = a.id";

    /**
     * The call moved forward (a row came back from the upsert) or not. The statement's other reads
     * see the calls as they were before it, so this call's state is taken from the upsert, or else
     * from its unchanged row.
     */
    private static final String CALL = "WITH a AS (SELECT id, org_id, user_id, dnd, kind, internal_number, description "
            + "FROM voip_accounts WHERE sip_username = $1), "
            + "moved AS (INSERT INTO device_calls AS c (voip_account_id, call_id, org_id, state, started_at, updated_at) "
            + "  SELECT a.id, $2::varchar, a.org_id, $3::varchar, now(), now() FROM a "
            + "  ON CONFLICT (voip_account_id, call_id) DO UPDATE SET state = excluded.state, updated_at = now() "
            + "  WHERE (c.state = 'ringing' AND excluded.state IN ('answered', 'ended')) "
            + "     OR (c.state = 'answered' AND excluded.state = 'ended') "
            + "  RETURNING c.state) "
            + "SELECT a.id, a.org_id, a.user_id, a.dnd, EXISTS (SELECT 1 FROM moved), " + LiveDeviceStates.REGISTERED
            + ", r.user_agent, r.last_seen, "
            + " coalesce(cur.state = 'ringing', false) OR EXISTS (SELECT 1 FROM device_calls c WHERE c.voip_account_id = a.id AND c.call_id <> $2 AND c.state = 'ringing'), "
            + " coalesce(cur.state = 'answered', false) OR EXISTS (SELECT 1 FROM device_calls c WHERE c.voip_account_id = a.id AND c.call_id <> $2 AND c.state = 'answered')"
            + NAMED + " FROM a LEFT JOIN device_registrations r ON r.voip_account_id = a.id "
            + "CROSS JOIN LATERAL (SELECT coalesce((SELECT state FROM moved), "
            + "  (SELECT c.state FROM device_calls c WHERE c.voip_account_id = a.id AND c.call_id = $2)) AS state) cur";

    private final RegistrationRefreshes refreshes;
    private final RegistrationChanges changes;
    private final Pool pool;
    private final PresenceChanges presence;
    private final History history;

    public PlatformService(RegistrationRefreshes refreshes, RegistrationChanges changes, Pool pool, PresenceChanges presence,
            History history) {
        this.refreshes = refreshes;
        this.changes = changes;
        this.pool = pool;
        this.presence = presence;
        this.history = history;
    }

    /**
     * A refresh of a registration that is still current changes nothing visible (the device was
     * and stays registered): its expiry is extended in a shared statement ({@link RegistrationRefreshes}),
     * and no presence table or user row is touched. Anything else (a device registering or
     * unregistering, an unknown SIP username) takes {@link #REGISTER} in a transaction
     * ({@link RegistrationChanges}: a few at once, the owner re-derived once per transaction).
     */
    public Uni<DeviceStateView> registration(String sipUsername, boolean registered, long expiresIn, String userAgent,
            String contact) {
        Uni<DeviceStateView> changed = changes.apply(sipUsername, registered, registered ? (double) expiresIn : 0d, userAgent, contact);
        if (!registered) {
            return changed;
        }
        return refreshes.refresh(sipUsername, expiresIn, userAgent, contact).onItem().ifNull().switchTo(changed);
    }

    /**
     * What the registrar needs to authenticate a device: digest HA1 values, never the password.
     * {@code ha1} is the MD5 one under its usual name; {@code ha1Md5} is the same value under the
     * name this endpoint first answered with, kept so existing registrars keep working.
     * {@code internalNumber}: the device's own extension, the {@code from} a proxy routes its calls with.
     */
    public record SipCredentialsView(java.util.UUID voipAccountId, java.util.UUID orgId, String sipUsername, String internalNumber,
            String realm, String ha1, String ha1Md5, String ha1Sha256) {
    }

    /**
     * One statement on a pooled connection, no session: a registrar fetches these on the REGISTER's
     * path (Kamailio's SIP worker waits for them), for every phone, after each restart.
     */
    public Uni<SipCredentialsView> credentials(String sipUsername) {
        return pool.preparedQuery(CREDENTIALS).execute(Tuple.of(sipUsername)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiException.notFound("SIP username");
            }
            Row a = rows.iterator().next();
            return new SipCredentialsView(a.getUUID(0), a.getUUID(1), a.getString(2), a.getString(3), a.getString(4), a.getString(5),
                    a.getString(5), a.getString(6));
        });
    }

    @WithTransaction
    public Uni<DeviceStateView> dnd(String sipUsername, boolean dnd) {
        return NativeSql.row(DND, sipUsername, dnd).flatMap(row -> recorded(row, row != null && (Boolean) row[4],
                (org, owner, device) -> history.write(HistoryItem.deviceDnd(Actor.PLATFORM, org, owner, device, dnd))));
    }

    /**
     * Idempotent per (call, device, state): a call only moves forward, replays change nothing. An
     * answer and a ring without answer go to the owner's history, once, when the call moved: queued
     * after the commit, so the call's path does not wait for it and a rolled-back event leaves none.
     *
     * @param step the plan step the platform was ringing, when it said (kept in the history)
     */
    public Uni<DeviceStateView> callEvent(String sipUsername, String callId, CallState state, Integer step) {
        HistoryItem.CallOutcome outcome = state == CallState.ANSWERED ? HistoryItem.CallOutcome.ANSWERED
                : state == CallState.NO_ANSWER ? HistoryItem.CallOutcome.NO_ANSWER : null;
        AtomicReference<HistoryItem> item = new AtomicReference<>();
        return Panache.withTransaction(() -> NativeSql.row(CALL, sipUsername, callId, state.stored())
                .flatMap(row -> recorded(row, row != null && (Boolean) row[4], (org, owner, device) -> {
                    if (outcome != null) {
                        item.set(HistoryItem.callEvent(org, owner, device, outcome, callId, step));
                    }
                    return Uni.createFrom().voidItem();
                })))
                .invoke(() -> {
                    if (item.get() != null) {
                        history.record(item.get());
                    }
                });
    }

    /** The device's state in a statement's answer (see {@link #recorded}). */
    static DeviceStateView view(Object[] row) {
        return new LiveDeviceStates.Live((Boolean) row[5], (String) row[6], NativeSql.instant(row[7]),
                (Boolean) row[8], (Boolean) row[9]).view((Boolean) row[3]);
    }

    /** The device as the history names it, from a statement's answer. */
    static HistoryItem.Device device(Object[] row) {
        return new HistoryItem.Device((UUID) row[0], (String) row[10], (String) row[11], (String) row[12]);
    }

    /** What goes to the owner's history when a report changed something. */
    @FunctionalInterface
    private interface Recording {
        Uni<Void> record(UUID orgId, UUID ownerId, HistoryItem.Device device);
    }

    /**
     * A statement's answer {@code (account id, org id, owner id, dnd, changed, live state…, kind,
     * internal number, description)}: 404 when the SIP username matched nothing; when something
     * that can matter changed, the owner's presence re-derived and the history recorded, in this
     * transaction.
     */
    private Uni<DeviceStateView> recorded(Object[] row, boolean changed, Recording history) {
        if (row == null) {
            return Uni.createFrom().failure(ApiException.notFound("SIP username"));
        }
        UUID org = (UUID) row[1];
        UUID owner = (UUID) row[2];
        DeviceStateView view = view(row);
        if (!changed) {
            return Uni.createFrom().item(view);
        }
        if (owner == null) {
            // no presence to re-derive, but the device's line in the platform feed changed
            return presence.devicesChanged(org, java.util.List.of((UUID) row[0])).replaceWith(view);
        }
        return presence.userChanged(org, owner).flatMap(ignored -> history.record(org, owner, device(row))).replaceWith(view);
    }
}
