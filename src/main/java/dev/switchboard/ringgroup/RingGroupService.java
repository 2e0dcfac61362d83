package dev.switchboard.ringgroup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.InternalNumbers;
import dev.switchboard.availability.CallPlan;
import dev.switchboard.availability.FallbackType;
import dev.switchboard.availability.GroupAvailability;
import dev.switchboard.availability.OrgRules;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.RingStrategy;
import dev.switchboard.availability.UserSituation;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.Problem;
import dev.switchboard.common.Versions;
import dev.switchboard.presence.GroupEvents;
import dev.switchboard.ringgroup.RingGroupDtos.GroupFallback;
import dev.switchboard.ringgroup.RingGroupDtos.RingGroupBody;
import dev.switchboard.ringgroup.RingGroupDtos.RingGroupView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;

/**
 * Ring groups of an organization. A group's internal number comes from the same registry as
 * users' and devices' ({@link InternalNumbers}). Every write tells the presence stream what the
 * group's availability is now ({@link GroupEvents}), in the same transaction; lock order: users,
 * the org's number lock, the org's sequence row, then the group and its members.
 */
@ApplicationScoped
public class RingGroupService {

    public static final int MAX_MEMBERS = 100;
    public static final int DEFAULT_MEMBER_RING_SECONDS = 15;

    private static final String VIEW = "SELECT g.id, g.name, g.internal_number, g.strategy, g.member_ring_seconds, g.version, "
            + "coalesce(g.published_available, 0), "
            + "(SELECT json_agg(m.user_id ORDER BY m.position)::text FROM ring_group_members m WHERE m.group_id = g.id), "
            + "(SELECT json_build_array(f.type, coalesce(f.target_user_id, f.target_group_id))::text FROM ring_group_fallbacks f "
            + "WHERE f.group_id = g.id), count(*) OVER () FROM ring_groups g ";

    private final InternalNumbers numbers;
    private final UserSituations situations;
    private final GroupEvents events;
    private final PresenceChanges presence;

    public RingGroupService(InternalNumbers numbers, UserSituations situations, GroupEvents events, PresenceChanges presence) {
        this.numbers = numbers;
        this.situations = situations;
        this.events = events;
        this.presence = presence;
    }

    @WithSession
    public Uni<PageResponse<RingGroupView>> list(UUID orgId, PageRequest page) {
        return requireOrg(orgId).flatMap(rules -> NativeSql.rows(VIEW + "WHERE g.org_id = $1 ORDER BY g.name, g.id LIMIT $2 OFFSET $3",
                orgId, page.size(), page.offset())).flatMap(rows -> {
                    if (rows.isEmpty()) {
                        return NativeSql.value(Long.class, "SELECT count(*) FROM ring_groups WHERE org_id = $1", orgId)
                                .map(total -> page.respond(List.<RingGroupView> of(), total));
                    }
                    return Uni.createFrom().item(page.respond(rows.stream().map(RingGroupService::view).toList(),
                            ((Number) rows.get(0)[9]).longValue()));
                });
    }

    @WithSession
    public Uni<RingGroupView> get(UUID orgId, UUID id) {
        return read(orgId, id);
    }

    @WithTransaction
    public Uni<RingGroupView> create(UUID orgId, RingGroupBody body) {
        Valid valid = validate(body, true);
        UUID id = UUID.randomUUID();
        return requireOrg(orgId).flatMap(rules -> checkReferences(orgId, id, valid)
                .flatMap(ok -> numbers.claim(orgId, valid.internalNumber(), InternalNumbers.USER_BASE, id))
                .flatMap(number -> events.lockSeq(orgId)
                        .flatMap(locked -> NativeSql.update("INSERT INTO ring_groups (id, org_id, name, internal_number, strategy, "
                                + "member_ring_seconds) VALUES ($1, $2, $3, $4, $5, $6::int)", id, orgId, valid.name(), number,
                                valid.strategy(), valid.memberRingSeconds()))
                        .flatMap(inserted -> writeMembers(orgId, rules, id, valid.members()))
                        .flatMap(members -> writeFallback(id, valid.fallback()))
                        .flatMap(written -> publish(orgId, id, true))))
                .flatMap(published -> read(orgId, id));
    }

    @WithTransaction
    public Uni<RingGroupView> update(UUID orgId, UUID id, RingGroupBody body, String ifMatch) {
        Valid valid = validate(body, false);
        // Lock order: the org's number lock (a new number), the sequence row, then the group row,
        // as the presence recorder takes the sequence row before announcing a group.
        return requireOrg(orgId).flatMap(rules -> NativeSql.value(String.class,
                "SELECT internal_number FROM ring_groups WHERE id = $1 AND org_id = $2", id, orgId).flatMap(current -> {
                    if (current == null) {
                        throw ApiException.notFound("ring group");
                    }
                    return checkReferences(orgId, id, valid)
                            .flatMap(ok -> numbers.change(orgId, current, valid.internalNumber(), id))
                            .flatMap(number -> events.lockSeq(orgId)
                                    .flatMap(locked -> NativeSql.value(Long.class,
                                            "SELECT version FROM ring_groups WHERE id = $1 FOR NO KEY UPDATE", id))
                                    .flatMap(version -> {
                                        if (version == null) {
                                            throw ApiException.notFound("ring group");
                                        }
                                        Versions.checkIfMatch(ifMatch, version);
                                        Versions.checkBodyVersion(body.version(), version);
                                        return NativeSql.update("UPDATE ring_groups SET name = coalesce($2, name), internal_number = $3, "
                                                + "strategy = coalesce($4, strategy), member_ring_seconds = coalesce($5::int, member_ring_seconds), "
                                                + "version = version + 1 WHERE id = $1",
                                                id, valid.name(), number, valid.strategy(), valid.memberRingSeconds());
                                    }))
                            .flatMap(updated -> valid.members() == null ? Uni.createFrom().voidItem()
                                    : NativeSql.update("DELETE FROM ring_group_members WHERE group_id = $1", id)
                                            .flatMap(deleted -> writeMembers(orgId, rules, id, valid.members())))
                            .flatMap(members -> valid.fallback() == null ? Uni.createFrom().voidItem()
                                    : NativeSql.update("DELETE FROM ring_group_fallbacks WHERE group_id = $1", id)
                                            .flatMap(deleted -> writeFallback(id, valid.fallback())))
                            // A new name or number is news too, even when the availability stays.
                            .flatMap(written -> publish(orgId, id, valid.name() != null || valid.internalNumber() != null));
                }))
                .flatMap(published -> read(orgId, id));
    }

    /**
     * Deletes the group: its members stay, fallbacks that led to it become reject (their rows go
     * with it), and the users who had one see their plan in words change.
     */
    @WithTransaction
    public Uni<Void> delete(UUID orgId, UUID id) {
        return NativeSql.value(UUID.class, "SELECT id FROM ring_groups WHERE id = $1 AND org_id = $2", id, orgId).flatMap(found -> {
            if (found == null) {
                throw ApiException.notFound("ring group");
            }
            return NativeSql.column(UUID.class, "SELECT DISTINCT user_id FROM call_plan_fallbacks WHERE target_group_id = $1 "
                    + "ORDER BY user_id", id);
        }).flatMap(affected -> {
            Map<UUID, UUID> orgByUser = new TreeMap<>();
            affected.forEach(user -> orgByUser.put(user, orgId));
            // Users first (their rows, in id order), then the sequence row, then the group.
            return NativeSql.rows("SELECT id FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE", NativeSql.uuids(affected))
                    .flatMap(locked -> events.lockSeq(orgId))
                    .flatMap(locked -> numbers.release(id))
                    .flatMap(released -> NativeSql.update("DELETE FROM ring_groups WHERE id = $1", id))
                    .flatMap(deleted -> presence.usersChanged(orgByUser))
                    .flatMap(recorded -> events.removed(orgId, id));
        });
    }

    // ---------------------------------------------------------------- validation

    /** A body that passed the shape checks; null fields: unchanged (PATCH). */
    private record Valid(String name, String internalNumber, String strategy, Integer memberRingSeconds, List<UUID> members,
            GroupFallback fallback) {
    }

    private static Valid validate(RingGroupBody body, boolean create) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String name = body.name() == null ? null : body.name().trim();
        if (name == null ? create : name.isEmpty() || name.length() > 200) {
            errors.add(new Problem.FieldError("name", "is required, 1 to 200 characters"));
        }
        String number = body.internalNumber() == null ? null : body.internalNumber().trim();
        if (number != null && !number.matches(InternalNumbers.PATTERN)) {
            errors.add(new Problem.FieldError("internalNumber", "must be 2 to 8 digits, not starting with 0"));
        }
        String strategy = body.strategy();
        if (strategy == null ? create : !isStrategy(strategy)) {
            errors.add(new Problem.FieldError("strategy", "must be ring_all, in_order, longest_idle or round_robin"));
        }
        Integer ring = body.memberRingSeconds() == null && create ? Integer.valueOf(DEFAULT_MEMBER_RING_SECONDS) : body.memberRingSeconds();
        if (ring != null && (ring < CallPlan.MIN_RING_SECONDS || ring > CallPlan.MAX_RING_SECONDS)) {
            errors.add(new Problem.FieldError("memberRingSeconds",
                    "must be between " + CallPlan.MIN_RING_SECONDS + " and " + CallPlan.MAX_RING_SECONDS));
        }
        List<UUID> members = body.members() == null && create ? List.of() : body.members();
        if (members != null) {
            if (members.size() > MAX_MEMBERS) {
                errors.add(new Problem.FieldError("members", "at most " + MAX_MEMBERS + " members"));
            } else if (members.stream().anyMatch(java.util.Objects::isNull)) {
                errors.add(new Problem.FieldError("members", "must not contain null"));
            } else if (new HashSet<>(members).size() != members.size()) {
                errors.add(new Problem.FieldError("members", "must not contain a user twice"));
            }
        }
        GroupFallback fallback = body.fallback();
        if (fallback != null) {
            FallbackType type = null;
            try {
                type = FallbackType.fromWire(fallback.type());
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("fallback.type", e.getMessage()));
            }
            if (type != null && type != FallbackType.FIXED_DESTINATION) {
                boolean needsId = type != FallbackType.REJECT;
                if (needsId && fallback.id() == null) {
                    errors.add(new Problem.FieldError("fallback.id", "is required for " + type.wire()));
                } else if (!needsId && fallback.id() != null) {
                    errors.add(new Problem.FieldError("fallback.id", "must be absent for reject"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        if (fallback != null && FallbackType.FIXED_DESTINATION.wire().equals(fallback.type())) {
            throw ApiException.unprocessable("fallback.type", "a ring group has no fixed destinations of its own; "
                    + "use a user, another group, a user's voicemail or reject");
        }
        return new Valid(name, number, strategy, ring, members == null ? null : List.copyOf(members), fallback);
    }

    private static boolean isStrategy(String value) {
        try {
            RingStrategy.fromWire(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Members and a user fallback must be users of the org; a group fallback another group of it (422). */
    private static Uni<Void> checkReferences(UUID orgId, UUID groupId, Valid valid) {
        Set<UUID> users = new HashSet<>(valid.members() == null ? List.of() : valid.members());
        GroupFallback fallback = valid.fallback();
        boolean groupFallback = fallback != null && FallbackType.GROUP.wire().equals(fallback.type());
        if (fallback != null && fallback.id() != null && !groupFallback) {
            users.add(fallback.id());
        }
        if (groupFallback && fallback.id().equals(groupId)) {
            throw ApiException.unprocessable("fallback.id", "cannot be the group itself");
        }
        UUID group = groupFallback ? fallback.id() : null;
        if (users.isEmpty() && group == null) {
            return Uni.createFrom().voidItem();
        }
        return NativeSql.row("SELECT (SELECT coalesce(array_agg(id), '{}') FROM users WHERE id = ANY($1) AND org_id = $2), "
                + "EXISTS (SELECT 1 FROM ring_groups WHERE id = $3::uuid AND org_id = $2)", NativeSql.uuids(users), orgId, group)
                .map(row -> {
                    Set<UUID> found = new HashSet<>();
                    for (Object id : (Object[]) row[0]) {
                        found.add((UUID) id);
                    }
                    List<Problem.FieldError> errors = new ArrayList<>();
                    List<UUID> members = valid.members() == null ? List.of() : valid.members();
                    for (int i = 0; i < members.size(); i++) {
                        if (!found.contains(members.get(i))) {
                            errors.add(new Problem.FieldError("members[" + i + "]", "is not a user of this organization"));
                        }
                    }
                    if (fallback != null && fallback.id() != null && !groupFallback && !found.contains(fallback.id())) {
                        errors.add(new Problem.FieldError("fallback.id", "is not a user of this organization"));
                    }
                    if (groupFallback && !(Boolean) row[1]) {
                        errors.add(new Problem.FieldError("fallback.id", "is not a ring group of this organization"));
                    }
                    if (!errors.isEmpty()) {
                        throw new ApiException(422, "unprocessable", "Unprocessable request",
                                errors.get(0).field() + " " + errors.get(0).message() + ".", errors);
                    }
                    return null;
                });
    }

    // ---------------------------------------------------------------- writing

    private Uni<OrgRules> requireOrg(UUID orgId) {
        return NativeSql.row("SELECT apply_user_status_to_devices, show_call_context FROM organizations WHERE id = $1", orgId)
                .map(row -> {
                    if (row == null) {
                        throw ApiException.notFound("organization");
                    }
                    return new OrgRules((Boolean) row[0], (Boolean) row[1]);
                });
    }

    /** The members in order, each counted as able to take a call now or not (what the stream reports). */
    private Uni<Void> writeMembers(UUID orgId, OrgRules rules, UUID groupId, List<UUID> members) {
        if (members.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return situations.users(orgId, rules, members).flatMap(found -> {
            Instant now = Instant.now();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (int i = 0; i < members.size(); i++) {
                UserSituation s = found.get(members.get(i));
                boolean counted = s != null && PresenceDerivation.cannotTakeCall(s, true, now) == null;
                Object[] params = { groupId, members.get(i), i + 1, counted };
                chain = chain.flatMap(ignored -> NativeSql.update("INSERT INTO ring_group_members (group_id, user_id, position, counted) "
                        + "VALUES ($1, $2, $3::int, $4)", params).replaceWithVoid());
            }
            return chain;
        });
    }

    private static Uni<Void> writeFallback(UUID groupId, GroupFallback fallback) {
        if (fallback == null || FallbackType.REJECT.wire().equals(fallback.type())) {
            return Uni.createFrom().voidItem();
        }
        boolean group = FallbackType.GROUP.wire().equals(fallback.type());
        return NativeSql.update("INSERT INTO ring_group_fallbacks (group_id, type, target_user_id, target_group_id) "
                + "VALUES ($1, $2, $3::uuid, $4::uuid)", groupId, fallback.type(), group ? null : fallback.id(), group ? fallback.id() : null)
                .replaceWithVoid();
    }

    /** Tells the stream the group's availability when it is new or renamed ({@code always}), or when n or m changed. */
    private Uni<Void> publish(UUID orgId, UUID groupId, boolean always) {
        return NativeSql.row("SELECT g.name, g.internal_number, g.published_available, g.published_members, "
                + "(SELECT count(*) FILTER (WHERE m.counted) FROM ring_group_members m WHERE m.group_id = g.id), "
                + "(SELECT count(*) FROM ring_group_members m WHERE m.group_id = g.id) FROM ring_groups g WHERE g.id = $1", groupId)
                .flatMap(row -> {
                    GroupAvailability now = new GroupAvailability(groupId, (String) row[0], (String) row[1],
                            ((Number) row[4]).intValue(), ((Number) row[5]).intValue());
                    boolean same = !always && row[2] != null && ((Number) row[2]).intValue() == now.available()
                            && ((Number) row[3]).intValue() == now.members();
                    return same ? Uni.createFrom().voidItem() : events.changed(orgId, now);
                });
    }

    // ---------------------------------------------------------------- reading

    private static Uni<RingGroupView> read(UUID orgId, UUID id) {
        return NativeSql.row(VIEW + "WHERE g.id = $1 AND g.org_id = $2", id, orgId).map(row -> {
            if (row == null) {
                throw ApiException.notFound("ring group");
            }
            return view(row);
        });
    }

    private static RingGroupView view(Object[] row) {
        List<UUID> members = new ArrayList<>();
        if (row[7] != null) {
            new JsonArray((String) row[7]).forEach(id -> members.add(UUID.fromString((String) id)));
        }
        GroupFallback fallback = GroupFallback.REJECT;
        if (row[8] != null) {
            JsonArray f = new JsonArray((String) row[8]);
            fallback = new GroupFallback(f.getString(0), f.getString(1) == null ? null : UUID.fromString(f.getString(1)));
        }
        return new RingGroupView((UUID) row[0], (String) row[1], (String) row[2], (String) row[3], ((Number) row[4]).intValue(),
                members, fallback, ((Number) row[6]).intValue(), ((Number) row[5]).longValue());
    }
}
