package dev.switchboard.availability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.availability.CallPlanDtos.CallPlanBody;
import dev.switchboard.availability.CallPlanDtos.CallPlanView;
import dev.switchboard.availability.CallPlanDtos.FallbackBody;
import dev.switchboard.availability.CallPlanDtos.FallbacksBody;
import dev.switchboard.availability.CallPlanDtos.StepBody;
import dev.switchboard.availability.CallPlanDtos.TargetBody;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.history.HistoryItem;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.Problem;
import dev.switchboard.common.Versions;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;

/**
 * A user's call plan. It shares the user's {@code version} with the availability: a destination
 * is the plan's first step seen the v1 way, so a change of either is a change of both.
 */
@ApplicationScoped
public class CallPlanService {

    private static final String READ = "SELECT u.version, u.call_waiting, "
            + "(SELECT json_agg(json_build_array(t.step, t.ring_seconds, CASE WHEN t.voip_account_id IS NULL THEN 'fixed_destination' "
            + "ELSE 'voip_account' END, coalesce(t.voip_account_id, t.fixed_destination_id)) ORDER BY t.step, t.position)::text "
            + "FROM call_plan_targets t WHERE t.user_id = u.id), "
            + "(SELECT json_agg(json_build_array(f.kind, f.type, coalesce(f.fixed_destination_id, f.target_user_id, f.target_group_id), "
            + "NULL))::text "
            + "FROM call_plan_fallbacks f WHERE f.user_id = u.id) "
            + "FROM users u WHERE u.id = $1 AND u.org_id = $2";

    /** The lock every writer of a user takes (PESSIMISTIC_WRITE), without loading the entity. */
    private static final String LOCK = "SELECT version FROM users WHERE id = $1 AND org_id = $2 FOR NO KEY UPDATE";

    /** Which of the referenced ids are acceptable: own devices, own fixed destinations, colleagues, the org's groups. */
    private static final String OWNED = "SELECT "
            + "(SELECT coalesce(array_agg(id), '{}') FROM voip_accounts WHERE id = ANY($2) AND user_id = $1), "
            + "(SELECT coalesce(array_agg(id), '{}') FROM fixed_destinations WHERE id = ANY($3) AND user_id = $1), "
            + "(SELECT coalesce(array_agg(id), '{}') FROM users WHERE id = ANY($5) AND org_id = $4), "
            + "(SELECT coalesce(array_agg(id), '{}') FROM ring_groups WHERE id = ANY($6) AND org_id = $4)";

    private final PresenceChanges presence;

    private final History history;

    public CallPlanService(PresenceChanges presence, History history) {
        this.presence = presence;
        this.history = history;
    }

    @WithSession
    public Uni<CallPlanView> get(UUID orgId, UUID userId) {
        return NativeSql.row(READ, userId, orgId).map(row -> {
            if (row == null) {
                throw ApiException.notFound("user");
            }
            return view(row);
        });
    }

    /**
     * Replaces the plan; the presence of the user (and of their groups) follows in the same
     * transaction, and so does the {@code plan} item of the user's history, by {@code actor}.
     */
    @WithTransaction
    public Uni<CallPlanView> put(UUID orgId, UUID userId, CallPlanBody body, String ifMatch, Actor actor) {
        Validated plan = validate(body);
        return NativeSql.value(Long.class, LOCK, userId, orgId).flatMap(version -> {
            if (version == null) {
                throw ApiException.notFound("user");
            }
            Versions.checkIfMatch(ifMatch, version);
            Versions.checkBodyVersion(body.version(), version);
            return checkReferences(orgId, userId, plan)
                    .flatMap(ok -> write(userId, plan))
                    .flatMap(written -> presence.userChanged(orgId, userId))
                    .flatMap(recorded -> get(orgId, userId))
                    .call(view -> history.write(HistoryItem.plan(actor, orgId, userId, Map.of("plan", view))));
        });
    }

    // ---------------------------------------------------------------- validation (400: the shape)

    /** A plan that passed the shape checks, with defaults applied. */
    private record Validated(List<StepBody> steps, Map<FallbackKind, FallbackBody> fallbacks, boolean callWaiting) {
    }

    private static Validated validate(CallPlanBody body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        List<StepBody> steps = new ArrayList<>();
        List<StepBody> given = body.steps() == null ? List.of() : body.steps();
        if (given.size() > CallPlan.MAX_STEPS) {
            errors.add(new Problem.FieldError("steps", "at most " + CallPlan.MAX_STEPS + " steps"));
        }
        for (int i = 0; i < given.size() && i < CallPlan.MAX_STEPS; i++) {
            String field = "steps[" + i + "]";
            StepBody step = given.get(i);
            if (step == null) {
                errors.add(new Problem.FieldError(field, "must not be null"));
                continue;
            }
            int ringSeconds = step.ringSeconds() == null ? CallPlan.DEFAULT_RING_SECONDS : step.ringSeconds();
            if (ringSeconds < CallPlan.MIN_RING_SECONDS || ringSeconds > CallPlan.MAX_RING_SECONDS) {
                errors.add(new Problem.FieldError(field + ".ringSeconds",
                        "must be between " + CallPlan.MIN_RING_SECONDS + " and " + CallPlan.MAX_RING_SECONDS));
            }
            List<TargetBody> targets = step.targets() == null ? List.of() : step.targets();
            if (targets.isEmpty() || targets.size() > CallPlan.MAX_TARGETS) {
                errors.add(new Problem.FieldError(field + ".targets", "must have 1 to " + CallPlan.MAX_TARGETS + " targets"));
            }
            Set<UUID> seen = new HashSet<>();
            for (int j = 0; j < targets.size() && j < CallPlan.MAX_TARGETS; j++) {
                TargetBody target = targets.get(j);
                String targetField = field + ".targets[" + j + "]";
                if (target == null || target.id() == null || !("voip_account".equals(target.type())
                        || "fixed_destination".equals(target.type()))) {
                    errors.add(new Problem.FieldError(targetField, "needs type voip_account or fixed_destination, and id"));
                } else if (!seen.add(target.id())) {
                    errors.add(new Problem.FieldError(targetField, "is already a target of this step"));
                }
            }
            steps.add(new StepBody(targets, ringSeconds));
        }
        Map<FallbackKind, FallbackBody> fallbacks = new LinkedHashMap<>();
        FallbacksBody f = body.fallbacks();
        if (f != null) {
            fallback(fallbacks, errors, FallbackKind.UNREACHABLE, f.unreachable());
            fallback(fallbacks, errors, FallbackKind.BUSY, f.busy());
            fallback(fallbacks, errors, FallbackKind.NO_ANSWER, f.noAnswer());
            fallback(fallbacks, errors, FallbackKind.UNAVAILABLE, f.unavailable());
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new Validated(steps, fallbacks, body.callWaiting() == null || body.callWaiting());
    }

    private static void fallback(Map<FallbackKind, FallbackBody> fallbacks, List<Problem.FieldError> errors, FallbackKind kind,
            FallbackBody fallback) {
        if (fallback == null) {
            return;
        }
        String field = "fallbacks." + kind.wire();
        FallbackType type;
        try {
            type = FallbackType.fromWire(fallback.type());
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError(field + ".type", e.getMessage()));
            return;
        }
        boolean needsId = type == FallbackType.FIXED_DESTINATION || type.hops();
        if (needsId && fallback.id() == null) {
            errors.add(new Problem.FieldError(field + ".id", "is required for " + type.wire()));
        } else if (!needsId && fallback.id() != null) {
            errors.add(new Problem.FieldError(field + ".id", "must be absent for " + type.wire()));
        } else if (type != FallbackType.REJECT) {
            fallbacks.put(kind, new FallbackBody(type.wire(), fallback.id()));
        }
    }

    // ---------------------------------------------------------------- references (422: what they point at)

    private static Uni<Void> checkReferences(UUID orgId, UUID userId, Validated plan) {
        Set<UUID> voip = new HashSet<>();
        Set<UUID> fixed = new HashSet<>();
        Set<UUID> users = new HashSet<>();
        Set<UUID> groups = new HashSet<>();
        plan.steps().forEach(step -> step.targets().forEach(t -> ("voip_account".equals(t.type()) ? voip : fixed).add(t.id())));
        plan.fallbacks().values().forEach(f -> {
            switch (FallbackType.fromWire(f.type())) {
                case FIXED_DESTINATION -> fixed.add(f.id());
                case USER -> users.add(f.id());
                case GROUP -> groups.add(f.id());
                default -> {
                }
            }
        });
        if (voip.isEmpty() && fixed.isEmpty() && users.isEmpty() && groups.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return NativeSql.row(OWNED, userId, NativeSql.uuids(voip), NativeSql.uuids(fixed), orgId, NativeSql.uuids(users),
                NativeSql.uuids(groups)).map(row -> {
                    Set<UUID> ownVoip = ids(row[0]);
                    Set<UUID> ownFixed = ids(row[1]);
                    Set<UUID> colleagues = ids(row[2]);
                    Set<UUID> orgGroups = ids(row[3]);
                    List<Problem.FieldError> errors = new ArrayList<>();
                    for (int i = 0; i < plan.steps().size(); i++) {
                        List<TargetBody> targets = plan.steps().get(i).targets();
                        for (int j = 0; j < targets.size(); j++) {
                            TargetBody t = targets.get(j);
                            boolean isVoip = "voip_account".equals(t.type());
                            if (!(isVoip ? ownVoip : ownFixed).contains(t.id())) {
                                errors.add(new Problem.FieldError("steps[" + i + "].targets[" + j + "]",
                                        "is not one of this user's " + (isVoip ? "VoIP accounts" : "fixed destinations")));
                            }
                        }
                    }
                    plan.fallbacks().forEach((kind, f) -> {
                        String field = "fallbacks." + kind.wire();
                        switch (FallbackType.fromWire(f.type())) {
                            case FIXED_DESTINATION -> {
                                if (!ownFixed.contains(f.id())) {
                                    errors.add(new Problem.FieldError(field, "is not one of this user's fixed destinations"));
                                }
                            }
                            case USER -> {
                                if (f.id().equals(userId)) {
                                    errors.add(new Problem.FieldError(field, "cannot be the user themselves"));
                                } else if (!colleagues.contains(f.id())) {
                                    errors.add(new Problem.FieldError(field, "is not a user of this organization"));
                                }
                            }
                            case GROUP -> {
                                if (!orgGroups.contains(f.id())) {
                                    errors.add(new Problem.FieldError(field, "is not a ring group of this organization"));
                                }
                            }
                            default -> {
                            }
                        }
                    });
                    if (!errors.isEmpty()) {
                        throw new ApiException(422, "unprocessable", "Unprocessable request", errors.get(0).field() + " "
                                + errors.get(0).message() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "") + ".",
                                errors);
                    }
                    return null;
                });
    }

    private static Set<UUID> ids(Object array) {
        Set<UUID> ids = new HashSet<>();
        if (array instanceof Object[] values) {
            for (Object value : values) {
                ids.add((UUID) value);
            }
        }
        return ids;
    }

    // ---------------------------------------------------------------- writing

    private static Uni<Void> write(UUID userId, Validated plan) {
        Uni<Void> chain = NativeSql.update("DELETE FROM call_plan_targets WHERE user_id = $1", userId)
                .flatMap(n -> NativeSql.update("DELETE FROM call_plan_fallbacks WHERE user_id = $1", userId)).replaceWithVoid();
        for (int i = 0; i < plan.steps().size(); i++) {
            StepBody step = plan.steps().get(i);
            for (int j = 0; j < step.targets().size(); j++) {
                TargetBody t = step.targets().get(j);
                boolean isVoip = "voip_account".equals(t.type());
                Object[] params = { userId, i + 1, j + 1, step.ringSeconds(), isVoip ? t.id() : null, isVoip ? null : t.id() };
                chain = chain.flatMap(ignored -> NativeSql.update("INSERT INTO call_plan_targets (user_id, step, position, "
                        + "ring_seconds, voip_account_id, fixed_destination_id) VALUES ($1, $2::int, $3::int, $4::int, $5::uuid, $6::uuid)", params)
                        .replaceWithVoid());
            }
        }
        for (Map.Entry<FallbackKind, FallbackBody> entry : plan.fallbacks().entrySet()) {
            FallbackType type = FallbackType.fromWire(entry.getValue().type());
            UUID id = entry.getValue().id();
            Object[] params = { userId, entry.getKey().column(), type.wire(), type == FallbackType.FIXED_DESTINATION ? id : null,
                    type == FallbackType.USER ? id : null, type == FallbackType.GROUP ? id : null };
            chain = chain.flatMap(ignored -> NativeSql.update("INSERT INTO call_plan_fallbacks (user_id, kind, type, "
                    + "fixed_destination_id, target_user_id, target_group_id) VALUES ($1, $2, $3, $4::uuid, $5::uuid, $6::uuid)", params)
                    .replaceWithVoid());
        }
        return chain.flatMap(ignored -> NativeSql.update("UPDATE users SET call_waiting = $2, version = version + 1 WHERE id = $1",
                userId, plan.callWaiting())).replaceWithVoid();
    }

    // ---------------------------------------------------------------- reading

    /** The stored plan (parsed as the derivation reads it) as the API shows it. */
    private static CallPlanView view(Object[] row) {
        CallPlan plan = UserSituations.plan(row[2] == null ? null : new JsonArray((String) row[2]),
                row[3] == null ? null : new JsonArray((String) row[3]), (Boolean) row[1]);
        List<StepBody> steps = plan.steps().stream().map(step -> new StepBody(step.targets().stream()
                .map(target -> new TargetBody(target.type().wire(), target.id())).toList(), step.ringSeconds())).toList();
        FallbacksBody fallbacks = new FallbacksBody(body(plan, FallbackKind.UNREACHABLE), body(plan, FallbackKind.BUSY),
                body(plan, FallbackKind.NO_ANSWER), body(plan, FallbackKind.UNAVAILABLE));
        return new CallPlanView(steps, fallbacks, plan.callWaiting(), ((Number) row[0]).longValue());
    }

    private static FallbackBody body(CallPlan plan, FallbackKind kind) {
        Fallback fallback = plan.fallback(kind);
        return new FallbackBody(fallback.type().wire(), fallback.id());
    }
}
