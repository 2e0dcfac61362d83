package dev.switchboard.platform;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.VoipAccount;
import dev.switchboard.account.VoipAccountDtos.DeviceStateView;
import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PresenceChanges;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Live device state reported by the SIP platform. Only a change that can matter (registered
 * flips, DND flips, a call moves forward) triggers a presence re-derivation; a registration
 * refresh just extends the expiry.
 */
@ApplicationScoped
public class PlatformService {

    public enum CallState {
        RINGING, ANSWERED, ENDED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static CallState fromWire(String value) {
            for (CallState state : values()) {
                if (state.wire().equals(value)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("must be ringing, answered or ended");
        }
    }

    private final VoipAccountRepository accounts;
    private final LiveDeviceStates liveStates;
    private final PresenceChanges presence;

    public PlatformService(VoipAccountRepository accounts, LiveDeviceStates liveStates, PresenceChanges presence) {
        this.accounts = accounts;
        this.liveStates = liveStates;
        this.presence = presence;
    }

    @WithTransaction
    public Uni<DeviceStateView> registration(String sipUsername, boolean registered, long expiresIn, String userAgent,
            String contact) {
        // clock_timestamp(), not now(): a transaction that waited for the row lock must judge
        // expiry by the time it actually runs, not by when it started.
        String sql = "WITH previous AS (SELECT NOT lapsed AND expires_at > clock_timestamp() AS was FROM device_registrations "
                + "  WHERE voip_account_id = $1 FOR UPDATE) "
                + "INSERT INTO device_registrations AS r (voip_account_id, org_id, expires_at, lapsed, user_agent, contact, last_seen) "
                + "VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3), $4, $5, $6, clock_timestamp()) "
                + "ON CONFLICT (voip_account_id) DO UPDATE SET expires_at = excluded.expires_at, lapsed = excluded.lapsed, "
                + "  user_agent = coalesce(excluded.user_agent, r.user_agent), contact = coalesce(excluded.contact, r.contact), "
                + "  last_seen = excluded.last_seen "
                + "RETURNING coalesce((SELECT was FROM previous), false)";
        return account(sipUsername).flatMap(account -> NativeSql.value(Boolean.class, sql, account.id, account.orgId,
                registered ? (double) expiresIn : 0d, !registered, userAgent, contact)
                .flatMap(was -> was != registered ? ownerChanged(account) : Uni.createFrom().voidItem())
                .flatMap(ignored -> state(account)));
    }

    /** What the registrar needs to authenticate a device: digest HA1 values, never the password. */
    public record SipCredentialsView(java.util.UUID voipAccountId, java.util.UUID orgId, String sipUsername, String realm,
            String ha1Md5, String ha1Sha256) {
    }

    @io.quarkus.hibernate.reactive.panache.common.WithSession
    public Uni<SipCredentialsView> credentials(String sipUsername) {
        return account(sipUsername).map(a -> new SipCredentialsView(a.id, a.orgId, a.sipUsername, a.sipRealm, a.sipHa1Md5,
                a.sipHa1Sha256));
    }

    @WithTransaction
    public Uni<DeviceStateView> dnd(String sipUsername, boolean dnd) {
        return lockedAccount(sipUsername).flatMap(account -> {
            if (account.dnd == dnd) {
                return state(account);
            }
            account.dnd = dnd;
            return accounts.flush().flatMap(ignored -> ownerChanged(account)).flatMap(ignored -> state(account));
        });
    }

    /** Idempotent per (call, device, state): a call only moves forward, replays change nothing. */
    @WithTransaction
    public Uni<DeviceStateView> callEvent(String sipUsername, String callId, CallState state) {
        String sql = "INSERT INTO device_calls AS c (voip_account_id, call_id, org_id, state, started_at, updated_at) "
                + "VALUES ($1, $2, $3, $4, now(), now()) "
                + "ON CONFLICT (voip_account_id, call_id) DO UPDATE SET state = excluded.state, updated_at = now() "
                + "WHERE (c.state = 'ringing' AND excluded.state IN ('answered', 'ended')) "
                + "   OR (c.state = 'answered' AND excluded.state = 'ended') "
                + "RETURNING 1";
        return account(sipUsername).flatMap(account -> NativeSql.rows(sql, account.id, callId, account.orgId, state.wire())
                .flatMap(rows -> rows.isEmpty() ? Uni.createFrom().voidItem() : ownerChanged(account))
                .flatMap(ignored -> state(account)));
    }

    private Uni<VoipAccount> lockedAccount(String sipUsername) {
        return accounts.find("sipUsername", sipUsername).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult().onItem().ifNull().failWith(() -> ApiException.notFound("SIP username"));
    }

    private Uni<VoipAccount> account(String sipUsername) {
        return accounts.findBySipUsername(sipUsername)
                .onItem().ifNull().failWith(() -> ApiException.notFound("SIP username"));
    }

    private Uni<Void> ownerChanged(VoipAccount account) {
        UUID owner = account.userId;
        return owner == null ? Uni.createFrom().voidItem() : presence.userChanged(account.orgId, owner);
    }

    private Uni<DeviceStateView> state(VoipAccount account) {
        return liveStates.of(account.id).map(live -> live.view(account.dnd));
    }
}
