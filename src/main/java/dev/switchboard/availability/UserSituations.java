package dev.switchboard.availability;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.DestinationType;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.account.User;
import dev.switchboard.account.UserStatus;
import dev.switchboard.common.NativeSql;
import dev.switchboard.organization.Organization;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;

/**
 * Gathers, from the database, everything the pure derivation needs to know about one user: in one
 * statement, the user's devices with their live state and push reachability, and their fixed
 * destinations, each list aggregated as JSON. Presence, reachability and routing all read it here.
 */
@ApplicationScoped
public class UserSituations {

    /** The user and the situation built from them. */
    public record Loaded(User user, Organization org, UserSituation situation) {
    }

    /**
     * Who an internal number belongs to, for routing.
     *
     * @param orgFound    the organization exists
     * @param rules       its settings (null when not found)
     * @param callerKnown the calling number is one of the organization's (true when none was asked for)
     * @param ownerId     the number's owner, a user or a VoIP account; null when nobody has it
     * @param device      the VoIP account when the owner is one, else null
     * @param user        the owning user's situation: the owner itself, or the device's owner; null for
     *                    an unowned device
     */
    public record Callee(boolean orgFound, OrgRules rules, boolean callerKnown, UUID ownerId, DeviceState device,
            UserSituation user) {
    }

    /** A user's devices and fixed destinations as two JSON texts, for the user id expression {@code %1$s}. */
    private final String owned;
    private final String ownedSql;
    private final String calleeSql;

    public UserSituations(PushReachability push) {
        // Over a VoIP account a, its registration r left-joined: one element of the devices array.
        String device = "json_build_array(a.id, a.sip_username, a.kind, a.internal_number, a.description, "
                + LiveDeviceStates.REGISTERED + ", a.dnd, " + push.wakeableSql() + ", " + LiveDeviceStates.RINGING + ", "
                + LiveDeviceStates.IN_CALL + ")";
        String accounts = " FROM voip_accounts a LEFT JOIN device_registrations r ON r.voip_account_id = a.id ";
        // Ordered as the API lists them: devices by internal number, fixed destinations by creation.
        this.owned = "(SELECT json_agg(" + device + " ORDER BY a.internal_number)::text" + accounts + "WHERE a.user_id = %1$s), "
                + "(SELECT json_agg(json_build_array(f.id, f.number, f.description) ORDER BY f.created_at, f.id)::text "
                + "FROM fixed_destinations f WHERE f.user_id = %1$s)";
        this.ownedSql = "SELECT " + owned.formatted("$1");
        this.calleeSql = "SELECT o.apply_user_status_to_devices, o.show_call_context, "
                + "$2::text IS NULL OR EXISTS (SELECT 1 FROM internal_numbers n WHERE n.org_id = o.id AND n.number = $2::text), "
                + "t.owner_id, (SELECT " + device + "::text" + accounts + "WHERE a.id = t.owner_id), "
                + "u.id, u.status, u.status_until, u.destination_type, u.destination_id, " + owned.formatted("u.id")
                + " FROM organizations o LEFT JOIN internal_numbers t ON t.org_id = o.id AND t.number = $3 "
                + "LEFT JOIN voip_accounts v ON v.id = t.owner_id "
                // The owner is a user, or a device whose user is wanted; an unowned device's id names no user.
                + "LEFT JOIN users u ON u.id = coalesce(v.user_id, t.owner_id) "
                + "WHERE o.id = $1";
    }

    /** The user's situation; the user and organization as the caller holds them (possibly just changed). */
    public Uni<Loaded> load(User user, Organization org) {
        return NativeSql.row(ownedSql, user.id).map(row -> new Loaded(user, org, situation(user, (String) row[0], (String) row[1], rules(org))));
    }

    /**
     * The two columns (JSON texts) a situation is built from, for the user whose id is the SQL
     * expression {@code userId}: for statements that read the user with more besides (one round
     * trip); {@link #situation} builds it from them.
     */
    public String ownedColumns(String userId) {
        return owned.formatted(userId);
    }

    /** The situation of {@code user} from the two columns of {@link #ownedColumns}. */
    public static UserSituation situation(User user, String devices, String fixed, OrgRules rules) {
        return new UserSituation(user.id, user.status, user.statusUntil, destination(user.destinationType, user.destinationId),
                devices(devices), fixed(fixed), rules);
    }

    /**
     * Everything routing needs for a call to {@code to} in one read: the organization's rules,
     * whether {@code from} (null for an outside caller) is one of its numbers, and the callee.
     */
    public Uni<Callee> callee(UUID orgId, String from, String to) {
        return NativeSql.row(calleeSql, orgId, from, to).map(row -> {
            if (row == null) {
                return new Callee(false, null, false, null, null, null);
            }
            OrgRules rules = new OrgRules((Boolean) row[0], (Boolean) row[1]);
            DeviceState device = row[4] == null ? null : device(new JsonArray((String) row[4]));
            UserSituation user = row[5] == null ? null : new UserSituation((UUID) row[5], UserStatus.fromWire((String) row[6]),
                    NativeSql.instant(row[7]), destination(row[8] == null ? null : DestinationType.fromWire((String) row[8]), (UUID) row[9]),
                    devices((String) row[10]), fixed((String) row[11]), rules);
            return new Callee(true, rules, (Boolean) row[2], (UUID) row[3], device, user);
        });
    }

    public static OrgRules rules(Organization org) {
        return new OrgRules(org.applyUserStatusToDevices, org.showCallContext);
    }

    private static Destination destination(DestinationType type, UUID id) {
        return type == null ? null : new Destination(type, id);
    }

    private static List<DeviceState> devices(String json) {
        List<DeviceState> devices = new ArrayList<>();
        if (json != null) {
            new JsonArray(json).forEach(element -> devices.add(device((JsonArray) element)));
        }
        return devices;
    }

    private static DeviceState device(JsonArray d) {
        return new DeviceState(UUID.fromString(d.getString(0)), d.getString(1), DeviceKind.fromWire(d.getString(2)),
                d.getString(3), d.getString(4), d.getBoolean(5), d.getBoolean(6), d.getBoolean(7), d.getBoolean(8),
                d.getBoolean(9));
    }

    private static List<FixedDestinationInfo> fixed(String json) {
        List<FixedDestinationInfo> fixed = new ArrayList<>();
        if (json != null) {
            new JsonArray(json).forEach(element -> {
                JsonArray f = (JsonArray) element;
                fixed.add(new FixedDestinationInfo(UUID.fromString(f.getString(0)), f.getString(1), f.getString(2)));
            });
        }
        return fixed;
    }
}
