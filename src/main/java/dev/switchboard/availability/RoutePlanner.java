package dev.switchboard.availability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.switchboard.common.Messages;

/**
 * The whole route of a call to a user or a ring group, built on {@link PresenceDerivation}'s
 * evaluation of each user's own plan, so presence, reachability and routing keep agreeing. Pure:
 * everyone the route may reach is passed in ({@link Directory}); when a fallback leads to someone
 * not in it, the answer is {@link Outcome#missing} and the caller loads them and asks again.
 *
 * <p>Fallbacks to other users and groups are followed up to {@link #MAX_HOPS}; one more is
 * rejected with {@code TOO_MANY_HOPS} (a loop A → B → A ends there too). Inside a ring group the
 * members' own fallbacks do not apply: a member is rung on the first step of their plan that can
 * ring now, or skipped with the reason.
 */
public final class RoutePlanner {

    public static final int MAX_HOPS = 3;

    private RoutePlanner() {
    }

    /** The users and groups a route may reach, as loaded. */
    public record Directory(Map<UUID, UserSituation> users, Map<UUID, GroupSituation> groups) {
        public Directory {
            users = Map.copyOf(users);
            groups = Map.copyOf(groups);
        }
    }

    /** The answer, or the one user or group that must be loaded first (its type and id). */
    public record Outcome(RouteAnswer answer, FallbackType missingType, UUID missingId) {
        public boolean missing() {
            return answer == null;
        }
    }

    /** A call to user {@code userId}, the reasons in English. */
    public static Outcome toUser(UUID userId, Directory directory, boolean internalCaller, Instant now) {
        return toUser(userId, directory, internalCaller, now, Messages.ENGLISH);
    }

    /** A call to user {@code userId}, the reasons in {@code m}'s language. */
    public static Outcome toUser(UUID userId, Directory directory, boolean internalCaller, Instant now, Messages m) {
        return plan(() -> new Planner(directory, internalCaller, now, m).user(userId, 0, null));
    }

    /** A call to ring group {@code groupId}, the reasons in English. */
    public static Outcome toGroup(UUID groupId, Directory directory, boolean internalCaller, Instant now) {
        return toGroup(groupId, directory, internalCaller, now, Messages.ENGLISH);
    }

    /** A call to ring group {@code groupId}, the reasons in {@code m}'s language. */
    public static Outcome toGroup(UUID groupId, Directory directory, boolean internalCaller, Instant now, Messages m) {
        return plan(() -> new Planner(directory, internalCaller, now, m).group(groupId, 0, null));
    }

    private static Outcome plan(java.util.function.Supplier<RouteAnswer> planner) {
        try {
            return new Outcome(planner.get(), null, null);
        } catch (Missing missing) {
            return new Outcome(null, missing.type, missing.id);
        }
    }

    /** Reject because nobody answered (no fallback for it). */
    static RouteAnswer noAnswerReject(int hops, Messages m) {
        return RouteAnswer.of(new RouteDecision.Reject(noAnswerReason(m)), List.of(), null, null, null, hops);
    }

    private static Reason noAnswerReason(Messages m) {
        return new Reason(ReasonCode.NO_ANSWER, m.text("reason.noAnswer"));
    }

    /** Whom a fallback leads to is not in the directory (control flow inside this class only). */
    private static final class Missing extends RuntimeException {
        final FallbackType type;
        final UUID id;

        Missing(FallbackType type, UUID id) {
            super(null, null, false, false);
            this.type = type;
            this.id = id;
        }
    }

    private record Planner(Directory directory, boolean internalCaller, Instant now, Messages m) {

        RouteAnswer user(UUID userId, int hops, RouteAnswer.Via via) {
            UserSituation s = directory.users().get(userId);
            if (s == null) {
                throw new Missing(FallbackType.USER, userId);
            }
            PresenceDerivation.Own own = PresenceDerivation.own(s, internalCaller, now, m);
            RouteAnswer.Via from = own.rings() ? null : new RouteAnswer.Via("user", userId, own.kind().wire(), own.cause());
            if (!own.rings()) {
                Fallback fallback = own.fallback();
                if (!fallback.type().hops()) {
                    // The fallback is this user's own (voicemail, fixed destination, reject): the decision says it.
                    return RouteAnswer.of(own.decision(), ownFallbackPlan(own.decision()), null, null, via, hops);
                }
                return follow(fallback, hops, from);
            }
            RouteAnswer onNoAnswer = noAnswer(s.plan().fallback(FallbackKind.NO_ANSWER), s, hops,
                    new RouteAnswer.Via("user", userId, FallbackKind.NO_ANSWER.wire(), noAnswerReason(m)));
            return RouteAnswer.of(own.decision(), own.steps(), onNoAnswer, null, via, hops);
        }

        RouteAnswer group(UUID groupId, int hops, RouteAnswer.Via via) {
            GroupSituation g = directory.groups().get(groupId);
            if (g == null) {
                throw new Missing(FallbackType.GROUP, groupId);
            }
            List<RouteAnswer.Skipped> skipped = new ArrayList<>();
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < g.members().size(); i++) {
                GroupSituation.Member member = g.members().get(i);
                PresenceDerivation.Own own = PresenceDerivation.own(member.situation(), internalCaller, now, m);
                if (own.rings()) {
                    candidates.add(new Candidate(member, own.steps().get(0), i));
                } else {
                    skipped.add(new RouteAnswer.Skipped(member.situation().userId(), new Reason(own.cause().code(),
                            m.text("group.skipped", member.name() == null ? m.text("group.thisMember") : member.name(),
                                    own.cause().message()))));
                }
            }
            if (candidates.isEmpty()) {
                Reason nobody = new Reason(ReasonCode.NO_MEMBER_AVAILABLE, m.text("group.nobodyAvailable", g.label(m)));
                return groupFallback(g, hops, via, nobody).withSkipped(skipped);
            }
            List<PlannedStep> steps = steps(g, order(g, candidates));
            RouteAnswer onNoAnswer = groupFallback(g, hops, null,
                    new Reason(ReasonCode.NO_ANSWER, m.text("group.nobodyAnswered", g.label(m))));
            PlannedStep first = steps.get(0);
            List<RouteTarget> devices = first.targets().stream().map(PlanTarget::routeTarget).filter(Objects::nonNull).toList();
            RouteDecision decision = devices.isEmpty()
                    ? new RouteDecision.Forward(first.targets().get(0).forwardTo(), first.reason().message())
                    : new RouteDecision.Ring(devices, first.reason().message());
            return RouteAnswer.of(decision, steps, onNoAnswer, skipped, via, hops);
        }

        /** The group's one fallback: when nobody can take the call, or nobody answers. */
        private RouteAnswer groupFallback(GroupSituation g, int hops, RouteAnswer.Via via, Reason cause) {
            Fallback fallback = g.fallback();
            return switch (fallback.type()) {
                case USER, GROUP -> follow(fallback, hops, new RouteAnswer.Via("group", g.groupId(), "group", cause));
                case VOICEMAIL -> RouteAnswer.of(new RouteDecision.Voicemail(fallback.id(), cause),
                        List.of(new PlannedStep(List.of(PlanTarget.voicemailOf(fallback.id())), null, cause)), null, null, via, hops);
                // A group has no fixed destination of its own; the API refuses one.
                case FIXED_DESTINATION, REJECT -> RouteAnswer.of(new RouteDecision.Reject(cause), List.of(), null, null, via, hops);
            };
        }

        /** What happens when nobody answers the user's steps. */
        private RouteAnswer noAnswer(Fallback fallback, UserSituation s, int hops, RouteAnswer.Via from) {
            Reason cause = from.reason();
            return switch (fallback.type()) {
                case USER, GROUP -> follow(fallback, hops, from);
                case VOICEMAIL -> RouteAnswer.of(new RouteDecision.Voicemail(s.userId(), cause),
                        List.of(new PlannedStep(List.of(PlanTarget.voicemailOf(s.userId())), null, cause)), null, null, null, hops);
                case FIXED_DESTINATION -> {
                    FixedDestinationInfo fixed = PresenceDerivation.ownFixed(s, fallback.id());
                    if (fixed == null) {
                        yield noAnswerReject(hops, m);
                    }
                    String reason = PresenceDerivation.forwardByFallback(fixed, FallbackKind.NO_ANSWER, cause, m);
                    yield RouteAnswer.of(new RouteDecision.Forward(fixed.number(), reason),
                            List.of(new PlannedStep(List.of(PlanTarget.forward(fixed.number())), null, new Reason(ReasonCode.OK, reason))),
                            null, null, null, hops);
                }
                case REJECT -> noAnswerReject(hops, m);
            };
        }

        /** Follows a fallback to another user or group: one hop more, or TOO_MANY_HOPS. */
        private RouteAnswer follow(Fallback fallback, int hops, RouteAnswer.Via from) {
            if (hops >= MAX_HOPS) {
                Reason tooMany = new Reason(ReasonCode.TOO_MANY_HOPS, m.text("reason.tooManyHops", MAX_HOPS));
                return RouteAnswer.of(new RouteDecision.Reject(tooMany), List.of(), null, null, from, hops);
            }
            return fallback.type() == FallbackType.USER ? user(fallback.id(), hops + 1, from) : group(fallback.id(), hops + 1, from);
        }

        private List<Candidate> order(GroupSituation g, List<Candidate> candidates) {
            List<Candidate> ordered = new ArrayList<>(candidates);
            switch (g.strategy()) {
                case LONGEST_IDLE -> ordered.sort(Comparator.comparing((Candidate c) -> c.member().idleSince(),
                        Comparator.nullsLast(Comparator.naturalOrder())).thenComparingInt(Candidate::index));
                case ROUND_ROBIN -> {
                    // Each call starts one member further along the group's order; members who
                    // cannot take a call are passed over, not waited for.
                    int start = (int) Math.floorMod(g.rotation(), (long) Math.max(1, g.members().size()));
                    ordered.sort(Comparator.comparingInt(c -> Math.floorMod(c.index() - start, g.members().size())));
                }
                case RING_ALL, IN_ORDER -> {
                }
            }
            return ordered;
        }

        private List<PlannedStep> steps(GroupSituation g, List<Candidate> ordered) {
            if (g.strategy() == RingStrategy.RING_ALL) {
                List<PlanTarget> targets = ordered.stream().flatMap(c -> c.step().targets().stream()).toList();
                String reason = ordered.size() == 1 ? m.text("group.ringAll.one", g.label(m))
                        : m.text("group.ringAll", ordered.size(), g.label(m));
                return List.of(new PlannedStep(targets, g.memberRingSeconds(), new Reason(ReasonCode.OK, reason)));
            }
            return ordered.stream().map(c -> new PlannedStep(c.step().targets(), g.memberRingSeconds(), new Reason(ReasonCode.OK,
                    m.text("group.ringMember", c.member().name() == null ? m.text("group.aMember") : c.member().name(),
                            g.label(m))))).toList();
        }

        /** A user's own voicemail or fallback forward is the plan's only step; a reject has none. */
        private static List<PlannedStep> ownFallbackPlan(RouteDecision decision) {
            if (decision instanceof RouteDecision.Voicemail voicemail) {
                return List.of(new PlannedStep(List.of(PlanTarget.voicemailOf(voicemail.voicemail())), null, voicemail.reason()));
            }
            if (decision instanceof RouteDecision.Forward forward) {
                return List.of(new PlannedStep(List.of(PlanTarget.forward(forward.forwardTo())), null,
                        new Reason(ReasonCode.OK, forward.reason())));
            }
            return List.of();
        }
    }

    private record Candidate(GroupSituation.Member member, PlannedStep step, int index) {
    }
}
