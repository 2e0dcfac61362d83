package dev.switchboard.availability;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.DestinationType;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.account.User;
import dev.switchboard.account.UserStatus;
import dev.switchboard.common.DatabasePool;
import dev.switchboard.common.NativeSql;
import dev.switchboard.organization.Organization;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;

/**
 * Gathers, from the database, everything the pure derivation needs to know about one user: in one
 * statement, the user's devices with their live state and push reachability, their fixed
 * destinations, their call plan with its fallbacks and their ring group memberships, each list
 * aggregated as JSON. Presence, reachability and routing all read it here; routing to a ring group
 * reads the group with every member's situation in the same one statement.
 */
@ApplicationScoped
public class UserSituations {

    /** The user and the situation built from them. */
    public record Loaded(User user, Organization org, UserSituation situation, Scheduled scheduled) {
    }

    /**
     * Who an internal number belongs to, for routing.
     *
     * @param orgFound    the organization exists
     * @param rules       its settings (null when not found)
     * @param callerKnown the calling number is one of the organization's (true when none was asked for)
     * @param ownerId     the number's owner, a user, a VoIP account or a ring group; null when nobody has it
     * @param device      the VoIP account when the owner is one, else null
     * @param user        the owning user's situation: the owner itself, or the device's owner; null for
     *                    an unowned device and a group
     * @param group       the ring group when the owner is one, else null
     * @param reachable   for a call to a user's own number, the colleagues their fallbacks reach within
     *                    {@link RoutePlanner#MAX_HOPS}, by id (a route reads them from here, not hop by hop)
     */
    public record Callee(boolean orgFound, OrgRules rules, boolean callerKnown, UUID ownerId, DeviceState device,
            UserSituation user, GroupSituation group, Map<UUID, UserSituation> reachable) {
    }

    private final String ownedSql;
    private final String calleeSql;
    private final String usersSql;
    private final String groupSql;
    /** A whole user {@code u}, with {@code ps} their published presence left-joined: one JSON array. */
    private final String user;

    /** Every read here is a routing decision's: on the routing connections (common.DatabasePool#routing). */
    private final DatabasePool pools;

    public UserSituations(PushReachability push, DatabasePool pools) {
        this.pools = pools;
        // Over a VoIP account a, its registration r left-joined: one element of the devices array.
        String device = "json_build_array(a.id, a.sip_username, a.kind, a.internal_number, a.description, "
                + LiveDeviceStates.REGISTERED + ", a.dnd, " + push.wakeableSql() + ", " + LiveDeviceStates.RINGING + ", "
                + LiveDeviceStates.IN_CALL + ")";
        String accounts = " FROM voip_accounts a LEFT JOIN device_registrations r ON r.voip_account_id = a.id ";
        // Everything a user owns, as JSON values, for the user whose id is %1$s. Ordered as the
        // API lists them: devices by internal number, fixed destinations by creation, plan targets
        // by step and position.
        List<String> ownedColumns = List.of("(SELECT json_agg(" + device + " ORDER BY a.internal_number)" + accounts + "WHERE a.user_id = %1$s)",
                "(SELECT json_agg(json_build_array(f.id, f.number, f.description) ORDER BY f.created_at, f.id) "
                + "FROM fixed_destinations f WHERE f.user_id = %1$s)",
                "(SELECT json_agg(json_build_array(t.step, t.ring_seconds, CASE WHEN t.voip_account_id IS NULL "
                + "THEN 'fixed_destination' ELSE 'voip_account' END, coalesce(t.voip_account_id, t.fixed_destination_id)) "
                + "ORDER BY t.step, t.position) FROM call_plan_targets t WHERE t.user_id = %1$s)",
                // each fallback with the words that name what it leads to
                "(SELECT json_agg(json_build_array(fb.kind, fb.type, coalesce(fb.fixed_destination_id, fb.target_user_id, "
                + "fb.target_group_id), CASE fb.type "
                + "WHEN 'fixed_destination' THEN (SELECT f.number || CASE WHEN f.description = '' THEN '' ELSE ' (' || f.description || ')' END "
                + "FROM fixed_destinations f WHERE f.id = fb.fixed_destination_id) "
                + "WHEN 'user' THEN (SELECT x.name || ' (' || x.internal_number || ')' FROM users x WHERE x.id = fb.target_user_id) "
                + "WHEN 'group' THEN (SELECT 'ring group ' || g.name || ' (' || g.internal_number || ')' FROM ring_groups g "
                + "WHERE g.id = fb.target_group_id) END)) FROM call_plan_fallbacks fb WHERE fb.user_id = %1$s)",
                "(SELECT json_agg(json_build_array(m.group_id, m.counted)) FROM ring_group_members m WHERE m.user_id = %1$s)");
        String owned = String.join(", ", ownedColumns);
        // A whole user u (with the published presence ps left-joined): one JSON array.
        this.user = "json_build_array(u.id, u.status, u.status_until, u.call_waiting, u.name, ps.since, "
                + owned.formatted("u.id") + ")";
        String userFrom = " FROM users u LEFT JOIN presence_states ps ON ps.user_id = u.id ";
        // A whole ring group g with its fallback and every member's situation, in the group's order.
        String group = "json_build_array(g.id, g.name, g.internal_number, g.strategy, g.member_ring_seconds, g.rotation, "
                + "(SELECT json_build_array(gf.type, coalesce(gf.target_user_id, gf.target_group_id)) FROM ring_group_fallbacks gf "
                + "WHERE gf.group_id = g.id), "
                + "(SELECT json_agg(" + user + " ORDER BY m.position)" + userFrom.replace(" FROM ", " FROM ring_group_members m JOIN ")
                        .replace("users u ", "users u ON u.id = m.user_id ")
                + "WHERE m.group_id = g.id))";
        this.ownedSql = "SELECT " + String.join(", ", ownedColumns.stream().map(column -> column.formatted("$1") + "::text").toList())
                + ", (SELECT call_waiting FROM users WHERE id = $1), " + Scheduled.column("$1");
        // The colleagues a user callee's fallbacks reach, hop after hop up to the hop limit, read
        // with the callee: a plan that falls back from colleague to colleague is one statement, not
        // one per hop. Written for the generic plan (common.DatabasePool): OFFSET 0 keeps each
        // fallback lookup an index probe (a plain join became a hash join over every fallback of
        // every user), ANY(ARRAY(…)) reads the users by primary key. UNION ends cycles.
        String reachable = "(SELECT json_agg(" + user + ")" + userFrom + "WHERE u.org_id = o.id AND u.id = ANY(ARRAY("
                + "WITH RECURSIVE reach(id, depth) AS (SELECT f.target_user_id, 1 FROM call_plan_fallbacks f "
                + "WHERE f.user_id = t.owner_id AND f.target_user_id IS NOT NULL "
                + "UNION SELECT f.target_user_id, r.depth + 1 FROM reach r CROSS JOIN LATERAL (SELECT target_user_id "
                + "FROM call_plan_fallbacks f WHERE f.user_id = r.id AND f.target_user_id IS NOT NULL OFFSET 0) f "
                + "WHERE r.depth < " + RoutePlanner.MAX_HOPS + ") SELECT DISTINCT id FROM reach)))";
        this.calleeSql = "SELECT o.apply_user_status_to_devices, o.show_call_context, "
                + "$2::text IS NULL OR EXISTS (SELECT 1 FROM internal_numbers n WHERE n.org_id = o.id AND n.number = $2::text), "
                + "t.owner_id, (SELECT " + device + "::text" + accounts + "WHERE a.id = t.owner_id), "
                + "CASE WHEN u.id IS NULL THEN NULL ELSE " + user + "::text END, "
                + "CASE WHEN g.id IS NULL THEN NULL ELSE " + group + "::text END, "
                // only for a call to the user's own number (a call to a device rings that device)
                + "CASE WHEN u.id IS NULL OR v.id IS NOT NULL THEN NULL ELSE " + reachable + "::text END"
                + " FROM organizations o LEFT JOIN internal_numbers t ON t.org_id = o.id AND t.number = $3 "
                + "LEFT JOIN voip_accounts v ON v.id = t.owner_id "
                // The owner is a user, or a device whose user is wanted; an unowned device's id names no user.
                + "LEFT JOIN users u ON u.id = coalesce(v.user_id, t.owner_id) "
                + "LEFT JOIN presence_states ps ON ps.user_id = u.id "
                + "LEFT JOIN ring_groups g ON g.id = t.owner_id "
                + "WHERE o.id = $1";
        this.usersSql = "SELECT " + user + "::text" + userFrom + "WHERE u.id = ANY($1) AND u.org_id = $2";
        this.groupSql = "SELECT " + group + "::text FROM ring_groups g WHERE g.id = $1 AND g.org_id = $2";
    }

    /** The user's situation; the user and organization as the caller holds them (possibly just changed). */
    public Uni<Loaded> load(User user, Organization org) {
        return NativeSql.row(ownedSql, user.id).map(row -> new Loaded(user, org, new UserSituation(user.id, user.status,
                user.statusUntil, plan(json(row[2]), json(row[3]), row[5] == null || (Boolean) row[5]), devices(json(row[0])),
                fixed(json(row[1])), rules(org), groups(json(row[4]))), Scheduled.of(row[6])));
    }

    /**
     * Everything routing needs for a call to {@code to} in one read: the organization's rules,
     * whether {@code from} (null for an outside caller) is one of its numbers, and the callee.
     */
    public Uni<Callee> callee(UUID orgId, String from, String to) {
        return NativeSql.rows(pools.routing(), calleeSql, orgId, from, to).map(rows -> {
            Object[] row = rows.isEmpty() ? null : rows.get(0);
            if (row == null) {
                return new Callee(false, null, false, null, null, null, null, Map.of());
            }
            OrgRules rules = new OrgRules((Boolean) row[0], (Boolean) row[1]);
            DeviceState device = row[4] == null ? null : device(new JsonArray((String) row[4]));
            UserSituation user = row[5] == null ? null : user(new JsonArray((String) row[5]), rules).situation();
            GroupSituation group = row[6] == null ? null : group(new JsonArray((String) row[6]), rules);
            Map<UUID, UserSituation> reachable = new HashMap<>();
            if (row[7] != null) {
                new JsonArray((String) row[7]).forEach(element -> {
                    UserSituation s = user((JsonArray) element, rules).situation();
                    reachable.put(s.userId(), s);
                });
            }
            return new Callee(true, rules, (Boolean) row[2], (UUID) row[3], device, user, group, reachable);
        });
    }

    /**
     * The column (JSON text) a user's situation is built from, for statements that read the user
     * with more besides in one round trip: over {@code users u} with {@code presence_states ps}
     * left-joined on {@code ps.user_id = u.id}; {@link #situation(String, OrgRules)} reads it.
     */
    public String userColumn() {
        return user + "::text";
    }

    /** The situation in a {@link #userColumn} value. */
    public static UserSituation situation(String userColumn, OrgRules rules) {
        return user(new JsonArray(userColumn), rules).situation();
    }

    /** The org's users among {@code ids}, with their situations, in the caller's session (and transaction). */
    public Uni<Map<UUID, UserSituation>> users(UUID orgId, OrgRules rules, List<UUID> ids) {
        return NativeSql.rows(usersSql, NativeSql.uuids(ids), orgId).map(rows -> users(rows, rules));
    }

    /** As {@link #users}, on a pooled connection outside any session: a route's fallback hop. */
    public Uni<Map<UUID, UserSituation>> fallbackUsers(UUID orgId, OrgRules rules, List<UUID> ids) {
        return NativeSql.rows(pools.routing(), usersSql, NativeSql.uuids(ids), orgId).map(rows -> users(rows, rules));
    }

    private static Map<UUID, UserSituation> users(List<Object[]> rows, OrgRules rules) {
        Map<UUID, UserSituation> users = new HashMap<>();
        rows.forEach(row -> {
            UserSituation s = user(new JsonArray((String) row[0]), rules).situation();
            users.put(s.userId(), s);
        });
        return users;
    }

    /** The org's ring group {@code groupId} with every member's situation, or null; on a pooled connection (routing). */
    public Uni<GroupSituation> group(UUID orgId, OrgRules rules, UUID groupId) {
        return NativeSql.rows(pools.routing(), groupSql, groupId, orgId)
                .map(rows -> rows.isEmpty() || rows.get(0)[0] == null ? null : group(new JsonArray((String) rows.get(0)[0]), rules));
    }

    public static OrgRules rules(Organization org) {
        return new OrgRules(org.applyUserStatusToDevices, org.showCallContext);
    }

    private static JsonArray json(Object text) {
        return text == null ? null : new JsonArray((String) text);
    }

    private static GroupSituation.Member user(JsonArray u, OrgRules rules) {
        UserSituation situation = new UserSituation(UUID.fromString(u.getString(0)), UserStatus.fromWire(u.getString(1)),
                instant(u.getString(2)), plan(u.getJsonArray(8), u.getJsonArray(9), u.getBoolean(3)), devices(u.getJsonArray(6)),
                fixed(u.getJsonArray(7)), rules, groups(u.getJsonArray(10)));
        return new GroupSituation.Member(situation, u.getString(4), instant(u.getString(5)));
    }

    private static GroupSituation group(JsonArray g, OrgRules rules) {
        JsonArray fallback = g.getJsonArray(6);
        Fallback f = fallback == null ? Fallback.REJECT
                : new Fallback(FallbackType.fromWire(fallback.getString(0)), uuid(fallback.getString(1)), null);
        List<GroupSituation.Member> members = new ArrayList<>();
        JsonArray list = g.getJsonArray(7);
        if (list != null) {
            list.forEach(element -> members.add(user((JsonArray) element, rules)));
        }
        return new GroupSituation(UUID.fromString(g.getString(0)), g.getString(1), g.getString(2),
                RingStrategy.fromWire(g.getString(3)), g.getInteger(4), members, f, g.getLong(5));
    }

    /** A plan from its target rows {@code [step, ringSeconds, type, id]} and fallback rows {@code [kind, type, id, label]}. */
    static CallPlan plan(JsonArray targets, JsonArray fallbacks, boolean callWaiting) {
        List<CallPlan.Step> steps = new ArrayList<>();
        if (targets != null) {
            int currentStep = Integer.MIN_VALUE;
            List<Destination> current = null;
            int ringSeconds = 0;
            for (Object element : targets) {
                JsonArray t = (JsonArray) element;
                if (t.getInteger(0) != currentStep) {
                    if (current != null) {
                        steps.add(new CallPlan.Step(current, ringSeconds));
                    }
                    currentStep = t.getInteger(0);
                    ringSeconds = t.getInteger(1);
                    current = new ArrayList<>();
                }
                current.add(new Destination(DestinationType.fromWire(t.getString(2)), UUID.fromString(t.getString(3))));
            }
            if (current != null) {
                steps.add(new CallPlan.Step(current, ringSeconds));
            }
        }
        Map<FallbackKind, Fallback> byKind = new EnumMap<>(FallbackKind.class);
        if (fallbacks != null) {
            fallbacks.forEach(element -> {
                JsonArray f = (JsonArray) element;
                byKind.put(FallbackKind.fromColumn(f.getString(0)),
                        new Fallback(FallbackType.fromWire(f.getString(1)), uuid(f.getString(2)), f.getString(3)));
            });
        }
        return new CallPlan(steps, byKind, callWaiting);
    }

    private static Map<UUID, Boolean> groups(JsonArray json) {
        Map<UUID, Boolean> groups = new HashMap<>();
        if (json != null) {
            json.forEach(element -> groups.put(UUID.fromString(((JsonArray) element).getString(0)), ((JsonArray) element).getBoolean(1)));
        }
        return groups;
    }

    private static List<DeviceState> devices(JsonArray json) {
        List<DeviceState> devices = new ArrayList<>();
        if (json != null) {
            json.forEach(element -> devices.add(device((JsonArray) element)));
        }
        return devices;
    }

    private static DeviceState device(JsonArray d) {
        return new DeviceState(UUID.fromString(d.getString(0)), d.getString(1), DeviceKind.fromWire(d.getString(2)),
                d.getString(3), d.getString(4), d.getBoolean(5), d.getBoolean(6), d.getBoolean(7), d.getBoolean(8),
                d.getBoolean(9));
    }

    private static List<FixedDestinationInfo> fixed(JsonArray json) {
        List<FixedDestinationInfo> fixed = new ArrayList<>();
        if (json != null) {
            json.forEach(element -> {
                JsonArray f = (JsonArray) element;
                fixed.add(new FixedDestinationInfo(UUID.fromString(f.getString(0)), f.getString(1), f.getString(2)));
            });
        }
        return fixed;
    }

    private static UUID uuid(String text) {
        return text == null ? null : UUID.fromString(text);
    }

    private static Instant instant(String text) {
        return text == null ? null : OffsetDateTime.parse(text).toInstant();
    }
}
