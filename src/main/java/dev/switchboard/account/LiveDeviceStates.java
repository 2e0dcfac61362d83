package dev.switchboard.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.VoipAccountDtos.DeviceStateView;
import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;

/**
 * Reads the live state of devices (registration by the SIP platform or by an open device
 * socket, calls) in one query per batch. Registration
 * expiry is judged by the database clock, the one every replica shares.
 */
@ApplicationScoped
public class LiveDeviceStates {

    /** What the derivation needs of a device besides its account row. */
    public record Live(boolean registered, String userAgent, Instant lastSeen, boolean ringing, boolean inCall) {
        static final Live NONE = new Live(false, null, null, false, false);

        public DeviceStateView view(boolean dnd) {
            List<CallContext> context = new ArrayList<>(2);
            if (ringing) {
                context.add(CallContext.RINGING);
            }
            if (inCall) {
                context.add(CallContext.IN_CALL);
            }
            return new DeviceStateView(registered, userAgent, lastSeen, dnd, context);
        }
    }

    /**
     * SQL over a VoIP account aliased {@code a} and its registration row, left-joined as {@code r}:
     * registered by the platform or by an open device socket. Shared by every statement that
     * answers a device's live state, so they all judge it alike.
     */
    public static final String REGISTERED = "(coalesce(NOT r.lapsed AND r.expires_at > clock_timestamp(), false) "
            + "OR EXISTS (SELECT 1 FROM device_connections d WHERE d.voip_account_id = a.id AND d.lease_until > clock_timestamp()))";
    /** SQL over the account {@code a}: a call is ringing on it. */
    public static final String RINGING = "EXISTS (SELECT 1 FROM device_calls c WHERE c.voip_account_id = a.id AND c.state = 'ringing')";
    /** SQL over the account {@code a}: a call is answered on it. */
    public static final String IN_CALL = "EXISTS (SELECT 1 FROM device_calls c WHERE c.voip_account_id = a.id AND c.state = 'answered')";

    public Uni<Map<UUID, Live>> of(Collection<UUID> voipAccountIds) {
        if (voipAccountIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String sql = "SELECT a.id, " + REGISTERED + ", r.user_agent, r.last_seen, " + RINGING + ", " + IN_CALL
                + " FROM voip_accounts a LEFT JOIN device_registrations r ON r.voip_account_id = a.id "
                + "WHERE a.id = ANY($1)";
        return NativeSql.rows(sql, NativeSql.uuids(voipAccountIds))
                .map(rows -> {
                    Map<UUID, Live> states = new HashMap<>();
                    for (Object[] row : rows) {
                        states.put((UUID) row[0], new Live((Boolean) row[1], (String) row[2], NativeSql.instant(row[3]),
                                (Boolean) row[4], (Boolean) row[5]));
                    }
                    return states;
                });
    }

    public Uni<Live> of(UUID voipAccountId) {
        return of(List.of(voipAccountId)).map(states -> states.getOrDefault(voipAccountId, Live.NONE));
    }

    public static Live none() {
        return Live.NONE;
    }

}
