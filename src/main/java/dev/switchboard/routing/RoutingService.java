package dev.switchboard.routing;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.Size;

import dev.switchboard.account.InternalNumbers;
import dev.switchboard.account.UserStatus;
import dev.switchboard.availability.CallPlan;
import dev.switchboard.availability.Fallback;
import dev.switchboard.availability.FallbackType;
import dev.switchboard.availability.GroupSituation;
import dev.switchboard.availability.OrgRules;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.Reason;
import dev.switchboard.availability.RingStrategy;
import dev.switchboard.availability.RouteAnswer;
import dev.switchboard.availability.RoutePlanner;
import dev.switchboard.availability.UserSituation;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.DatabasePool;
import dev.switchboard.common.Messages;
import dev.switchboard.common.NativeSql;
import dev.switchboard.account.FixedDestinationService;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.history.HistoryItem;
import io.smallrye.mutiny.Uni;

/**
 * The dial-plan step: where should a call from {@code from} to {@code to} go right now. Uses the
 * same derivation as presence, so what colleagues see and what happens to a call agree.
 */
@ApplicationScoped
public class RoutingService {

    public record RouteRequest(@Size(max = 32) String from, @Size(max = 32) String to) {
    }

    private final UserSituations situations;
    private final History history;
    private final DatabasePool pools;

    public RoutingService(UserSituations situations, History history, DatabasePool pools) {
        this.situations = situations;
        this.history = history;
        this.pools = pools;
    }

    /**
     * One read for a call to a user: the callee's whole situation comes back at once with every
     * colleague their fallbacks reach within the hop limit, no transaction, no lock. Each fallback
     * to a group that the answer follows, and to a colleague reached through a group, costs one
     * more read (at most {@link RoutePlanner#MAX_HOPS}); a call to
     * a round_robin group advances its rotation in one more statement. The answer goes to the
     * callee's history (queued: the answer does not wait for it), asked for by {@code actor}; a
     * group's skipped members each get a {@code skipped_in_group} item. The answer's sentences are in
     * {@code m}'s language; history keeps the English answer (planned again from the same loaded
     * parties, a pure and cheap step), as it keeps everything else in English. Every read is on a
     * pooled connection of its own, outside any Hibernate session: nothing here needs one.
     */
    public Uni<RouteAnswer> route(UUID orgId, RouteRequest request, Actor actor, Messages m) {
        String from = request.from() == null ? "" : request.from().trim();
        String to = request.to() == null ? "" : request.to().trim();
        boolean external = from.matches(FixedDestinationService.E164);
        if (!external && !from.matches(InternalNumbers.PATTERN)) {
            throw ApiException.validation("from", "must be an internal number of the organization or an E.164 number");
        }
        if (!to.matches(InternalNumbers.PATTERN)) {
            throw ApiException.validation("to", "must be an internal number of a user, a VoIP account or a ring group");
        }
        return situations.callee(orgId, external ? null : from, to).flatMap(callee -> {
            if (!callee.orgFound()) {
                throw ApiException.notFound("organization");
            }
            if (!callee.callerKnown()) {
                throw ApiException.unprocessable("from", "is not an internal number of this organization");
            }
            if (callee.ownerId() == null) {
                throw ApiException.notFound("internal number " + to);
            }
            boolean internalCaller = !external;
            if (callee.device() != null) {
                Instant now = Instant.now();
                Function<Messages, RouteAnswer> answer = lang -> RouteAnswer.ofDevice(PresenceDerivation.routeToDevice(
                        callee.device(), callee.user(), callee.rules().applyUserStatusToDevices(), internalCaller, now, lang),
                        CallPlan.DEFAULT_RING_SECONDS, lang);
                if (callee.user() != null) {
                    history.routed(actor, orgId, callee.user().userId(), from, decision(answer.apply(Messages.ENGLISH)));
                }
                return Uni.createFrom().item(answer.apply(m));
            }
            Map<UUID, UserSituation> users = new HashMap<>();
            Map<UUID, GroupSituation> groups = new HashMap<>();
            if (callee.group() != null) {
                return rotated(callee.group()).flatMap(group -> {
                    groups.put(group.groupId(), group);
                    Instant now = Instant.now();
                    return plan(orgId, callee.rules(), users, groups,
                            (directory, lang) -> RoutePlanner.toGroup(group.groupId(), directory, internalCaller, now, lang), m, 0)
                            .invoke(answers -> skippedToHistory(actor, orgId, from, group, answers.english()))
                            .map(Answers::asked);
                });
            }
            if (callee.user() == null) {
                throw ApiException.notFound("internal number " + to);
            }
            users.putAll(callee.reachable());
            users.put(callee.user().userId(), callee.user());
            Instant now = Instant.now();
            return plan(orgId, callee.rules(), users, groups,
                    (directory, lang) -> RoutePlanner.toUser(callee.user().userId(), directory, internalCaller, now, lang), m, 0)
                    .invoke(answers -> history.routed(actor, orgId, callee.user().userId(), from, decision(answers.english())))
                    .map(Answers::asked);
        });
    }

    /** The answer in the language asked for, and in English for the history. */
    private record Answers(RouteAnswer asked, RouteAnswer english) {
    }

    /** Plans; when a fallback leads to someone not loaded yet, loads them and plans again. */
    private Uni<Answers> plan(UUID orgId, OrgRules rules, Map<UUID, UserSituation> users, Map<UUID, GroupSituation> groups,
            BiFunction<RoutePlanner.Directory, Messages, RoutePlanner.Outcome> planner, Messages m, int loads) {
        RoutePlanner.Directory directory = new RoutePlanner.Directory(users, groups);
        RoutePlanner.Outcome outcome = planner.apply(directory, Messages.ENGLISH);
        if (!outcome.missing()) {
            // Everyone the route reaches is loaded now: the same plan in the asked language.
            RouteAnswer english = outcome.answer();
            return Uni.createFrom().item(new Answers(m == Messages.ENGLISH ? english : planner.apply(directory, m).answer(), english));
        }
        if (loads > RoutePlanner.MAX_HOPS + 1) {
            // Every hop loads one party, so this cannot happen; a guard, not a path.
            throw new IllegalStateException("route planning kept asking for more parties");
        }
        Uni<Void> loaded = outcome.missingType() == FallbackType.USER
                ? situations.fallbackUsers(orgId, rules, List.of(outcome.missingId())).invoke(found -> {
                    users.putAll(found);
                    if (!found.containsKey(outcome.missingId())) {
                        // Deleted between the reads: nobody to ring, as a fallback that no longer exists.
                        users.put(outcome.missingId(), gone(outcome.missingId(), rules));
                    }
                }).replaceWithVoid()
                : situations.group(orgId, rules, outcome.missingId()).invoke(group -> groups.put(outcome.missingId(),
                        group != null ? group : new GroupSituation(outcome.missingId(), "(deleted)", null, RingStrategy.RING_ALL,
                                CallPlan.DEFAULT_RING_SECONDS, List.of(), Fallback.REJECT, 0))).replaceWithVoid();
        return loaded.flatMap(ignored -> plan(orgId, rules, users, groups, planner, m, loads + 1));
    }

    /** The answer as the history keeps it. */
    private static HistoryItem.Decision decision(RouteAnswer answer) {
        HistoryItem.Why why = answer.reason() instanceof Reason reason ? new HistoryItem.Why(reason.code().wire(), reason.message())
                : new HistoryItem.Why(null, answer.reason() == null ? "" : answer.reason().toString());
        return new HistoryItem.Decision(answer.action(), answer.forwardTo(), why, answer);
    }

    /** Each member the group skipped learns why, in their history. */
    private void skippedToHistory(Actor actor, UUID orgId, String from, GroupSituation group, RouteAnswer answer) {
        if (answer.skipped() == null) {
            return;
        }
        for (RouteAnswer.Skipped skipped : answer.skipped()) {
            history.record(HistoryItem.skippedInGroup(actor, orgId, skipped.userId(), from, group.groupId(), group.name(),
                    new HistoryItem.Why(skipped.reason().code().wire(), skipped.reason().message())));
        }
    }

    private static UserSituation gone(UUID userId, OrgRules rules) {
        return new UserSituation(userId, UserStatus.OFFLINE, null, CallPlan.EMPTY, List.of(), List.of(), rules, Map.of());
    }

    /** A round_robin group starts each call one member further: its rotation advances with every route. */
    private Uni<GroupSituation> rotated(GroupSituation group) {
        if (group.strategy() != RingStrategy.ROUND_ROBIN) {
            return Uni.createFrom().item(group);
        }
        return NativeSql.rows(pools.routing(), "UPDATE ring_groups SET rotation = rotation + 1 WHERE id = $1 RETURNING rotation - 1",
                group.groupId()).map(rows -> rows.isEmpty() ? null : (Long) rows.get(0)[0]).map(rotation -> rotation == null ? group
                        : new GroupSituation(group.groupId(), group.name(), group.internalNumber(), group.strategy(),
                                group.memberRingSeconds(), group.members(), group.fallback(), rotation));
    }
}
