package dev.switchboard.availability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.switchboard.account.CallContext;
import dev.switchboard.account.DestinationType;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.UserStatus;
import dev.switchboard.common.Messages;

/**
 * The single, pure derivation of presence, reachability and call routing.
 *
 * <p>No I/O and no clock reads: everything, including {@code now}, is passed in, so the same
 * inputs always give the same answer. Presence, reachability and routing all go through the
 * same checks in the same order (see {@code docs/presence-model.md}):
 *
 * <ol>
 *   <li>the effective status ({@code offline}, then {@code do_not_disturb}; for external callers
 *       also {@code available_for_colleagues});</li>
 *   <li>the selected destination (none / unknown, then device DND, then device registration);</li>
 *   <li>call state, which only changes what colleagues see ({@code busy}), never the route.</li>
 * </ol>
 *
 * <p>The sentences for people come from the {@link Messages} catalogue passed in (English when
 * none is): the catalogue is an input like any other, so the answer stays a pure function of it.
 */
public final class PresenceDerivation {

    private PresenceDerivation() {
    }

    /** Presence (for colleagues) and reachability (for the owner), derived together. */
    public record Derived(PresenceState presence, Reachability reachability) {
        public Derived {
            Objects.requireNonNull(presence, "presence");
            Objects.requireNonNull(reachability, "reachability");
        }
    }

    /** The chosen status, or {@code available} once {@code until} has been reached. */
    public static UserStatus effectiveStatus(UserStatus status, Instant until, Instant now) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(now, "now");
        // "until 14:00" means the status no longer holds at 14:00 itself.
        return until != null && !now.isBefore(until) ? UserStatus.AVAILABLE : status;
    }

    /** Presence and reachability of one user at {@code now}, in English. */
    public static Derived derive(UserSituation s, Instant now) {
        return derive(s, now, Messages.ENGLISH);
    }

    /** Presence and reachability of one user at {@code now}, the sentences in {@code m}'s language. */
    public static Derived derive(UserSituation s, Instant now, Messages m) {
        Objects.requireNonNull(s, "situation");
        UserStatus status = effectiveStatus(s.status(), s.until(), now);
        Own internal = own(s, true, now, m);
        RouteDecision internalRoute = internal.decision();
        RouteDecision externalRoute = own(s, false, now, m).decision();
        List<CallContext> context = callContext(s.devices());

        // Reach is the internal routing decision itself, so presence and routing cannot disagree.
        PresenceState presence = new PresenceState(
                availability(status, internal, context), context, internalRoute.reach(), status);
        Reachability reachability = new Reachability(
                internalRoute.reach() != Reach.UNREACHABLE,
                externalRoute.reach() != Reach.UNREACHABLE,
                reasons(s, status, context, m), PlanWords.of(s, m));
        return new Derived(presence, reachability);
    }

    /**
     * The first thing a call to the user's own number does, from the user's own plan: its first
     * step, or the fallback that applies (a fallback to another user or group is followed by
     * {@link RoutePlanner}; seen from this user alone the call does not reach them: a reject).
     */
    public static RouteDecision routeToUser(UserSituation s, boolean internalCaller, Instant now) {
        return routeToUser(s, internalCaller, now, Messages.ENGLISH);
    }

    /** {@link #routeToUser(UserSituation, boolean, Instant)}, the reasons in {@code m}'s language. */
    public static RouteDecision routeToUser(UserSituation s, boolean internalCaller, Instant now, Messages m) {
        Objects.requireNonNull(s, "situation");
        return own(s, internalCaller, now, m).decision();
    }

    /**
     * Whether the user can take a call now ({@code null}) or why not: a ring group skips a member
     * whose own route would not ring (status says no, busy without call waiting, nothing can ring).
     */
    public static Reason cannotTakeCall(UserSituation s, boolean internalCaller, Instant now) {
        Own own = own(s, internalCaller, now, Messages.ENGLISH);
        return own.rings() ? null : own.cause();
    }

    // ---------------------------------------------------------------- the user's own plan

    /**
     * A call evaluated against the user's own plan: the steps that can ring now (targets that
     * cannot ring left out, steps left empty dropped), or, when none can, the fallback situation
     * and its cause. The checks come in a fixed order: status, then busy, then the targets.
     */
    record Own(UserSituation situation, List<PlannedStep> steps, FallbackKind kind, Reason cause, Messages m) {

        boolean rings() {
            return !steps.isEmpty();
        }

        /** The fallback that applies when nothing rings, or when nobody answers. */
        Fallback fallback() {
            return situation.plan().fallback(rings() ? FallbackKind.NO_ANSWER : kind);
        }

        RouteDecision decision() {
            if (rings()) {
                PlannedStep first = steps.get(0);
                List<RouteTarget> devices = first.targets().stream().map(PlanTarget::routeTarget)
                        .filter(Objects::nonNull).toList();
                return devices.isEmpty()
                        ? new RouteDecision.Forward(first.targets().get(0).forwardTo(), first.reason().message())
                        : new RouteDecision.Ring(devices, first.reason().message());
            }
            Fallback fallback = fallback();
            return switch (fallback.type()) {
                case VOICEMAIL -> new RouteDecision.Voicemail(situation.userId(), cause);
                case FIXED_DESTINATION -> {
                    FixedDestinationInfo fixed = ownFixed(situation, fallback.id());
                    yield fixed == null ? new RouteDecision.Reject(cause)
                            : new RouteDecision.Forward(fixed.number(), forwardByFallback(fixed, kind, cause, m));
                }
                // Another user or group: RoutePlanner follows it; this user is not reached.
                case USER, GROUP, REJECT -> new RouteDecision.Reject(cause);
            };
        }
    }

    static Own own(UserSituation s, boolean internalCaller, Instant now, Messages m) {
        UserStatus status = effectiveStatus(s.status(), s.until(), now);
        Reason statusBlock = statusBlock(status, s.until(), internalCaller, Voice.OWNER, null, m);
        if (statusBlock != null) {
            return new Own(s, List.of(), FallbackKind.UNAVAILABLE, statusBlock, m);
        }
        if (s.inCall() && !s.plan().callWaiting()) {
            return new Own(s, List.of(), FallbackKind.BUSY, new Reason(ReasonCode.IN_CALL, m.text("reason.inCall.toBusyFallback")), m);
        }
        Steps steps = steps(s, m);
        if (steps.planned().isEmpty()) {
            return new Own(s, List.of(), FallbackKind.UNREACHABLE, steps.problems().get(0), m);
        }
        return new Own(s, steps.planned(), null, null, m);
    }

    /** The steps that can ring now, and, when none can, every reason why (never empty then). */
    private record Steps(List<PlannedStep> planned, List<Reason> problems) {
    }

    private static Steps steps(UserSituation s, Messages m) {
        List<PlannedStep> planned = new ArrayList<>(s.plan().steps().size());
        List<Reason> problems = new ArrayList<>();
        boolean single = s.plan().steps().size() == 1 && s.plan().steps().get(0).targets().size() == 1;
        for (CallPlan.Step step : s.plan().steps()) {
            List<PlanTarget> targets = new ArrayList<>(step.targets().size());
            List<String> phrases = new ArrayList<>(step.targets().size());
            for (Destination target : step.targets()) {
                Selected selected = resolve(s, target);
                if (selected instanceof Selected.Fixed fixed) {
                    targets.add(PlanTarget.forward(fixed.info().number()));
                    phrases.add(m.text(single ? "step.forwardSelected" : "step.forward", fixed.info().label()));
                } else if (selected instanceof Selected.Device device) {
                    List<Reason> deviceProblems = deviceProblems(device.state(), Voice.OWNER, m);
                    if (deviceProblems.isEmpty()) {
                        DeviceState d = device.state();
                        targets.add(PlanTarget.device(target(d)));
                        String name = m.text(single ? "device.theSelected" : "device.your", d.label(m));
                        phrases.add(m.text(needsWakeUp(d) ? "step.wake" : "step.ring", name));
                    } else {
                        problems.addAll(deviceProblems);
                    }
                } else {
                    problems.add(new Reason(ReasonCode.NO_DESTINATION, m.text("reason.destinationGone")));
                }
            }
            if (!targets.isEmpty()) {
                String reason = m.text(phrases.size() > 1 ? "step.reason.atOnce" : "step.reason", capitalize(join(phrases, m)));
                planned.add(new PlannedStep(targets, step.ringSeconds(), new Reason(ReasonCode.OK, reason)));
            }
        }
        if (s.plan().steps().isEmpty()) {
            problems.add(new Reason(ReasonCode.NO_DESTINATION, m.text("reason.noDestination")));
        }
        return new Steps(planned, planned.isEmpty() ? problems : List.of());
    }

    static FixedDestinationInfo ownFixed(UserSituation s, java.util.UUID id) {
        for (FixedDestinationInfo fixed : s.fixedDestinations()) {
            if (fixed.id().equals(id)) {
                return fixed;
            }
        }
        return null;
    }

    static String forwardByFallback(FixedDestinationInfo fixed, FallbackKind kind, Reason cause, Messages m) {
        return m.text("route.forwardByFallback", fixed.label(), PlanWords.situation(kind, m), cause.message());
    }

    /** "a", "a and b", "a, b and c" (in Dutch "a, b en c"). */
    static String join(List<String> parts, Messages m) {
        if (parts.size() <= 1) {
            return parts.isEmpty() ? "" : parts.get(0);
        }
        return m.text("list.and", String.join(", ", parts.subList(0, parts.size() - 1)), parts.get(parts.size() - 1));
    }

    /**
     * The routing decision for a call dialled straight to a VoIP account's own number.
     *
     * @param ownerOrNull              the owner's situation, or null for an unowned account
     * @param applyUserStatusToDevices the org setting; when true the owner's status applies too
     */
    public static RouteDecision routeToDevice(DeviceState device, UserSituation ownerOrNull,
            boolean applyUserStatusToDevices, boolean internalCaller, Instant now) {
        return routeToDevice(device, ownerOrNull, applyUserStatusToDevices, internalCaller, now, Messages.ENGLISH);
    }

    /** {@link #routeToDevice(DeviceState, UserSituation, boolean, boolean, Instant)}, the reasons in {@code m}'s language. */
    public static RouteDecision routeToDevice(DeviceState device, UserSituation ownerOrNull,
            boolean applyUserStatusToDevices, boolean internalCaller, Instant now, Messages m) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(now, "now");
        if (ownerOrNull != null && applyUserStatusToDevices) {
            UserStatus status = effectiveStatus(ownerOrNull.status(), ownerOrNull.until(), now);
            Reason statusBlock = statusBlock(status, ownerOrNull.until(), internalCaller, Voice.DEVICE, device, m);
            if (statusBlock != null) {
                return new RouteDecision.Reject(statusBlock);
            }
        }
        List<Reason> problems = deviceProblems(device, Voice.DEVICE, m);
        if (!problems.isEmpty()) {
            return new RouteDecision.Reject(problems.get(0));
        }
        return ring(device, m);
    }

    // ---------------------------------------------------------------- derivation steps

    private static Availability availability(UserStatus status, Own internal, List<CallContext> context) {
        // Busy wins over everything: it is the most truthful thing colleagues can be told.
        if (context.contains(CallContext.IN_CALL)) {
            return Availability.BUSY;
        }
        // A status that says no shows as such, even when a fallback still forwards the call.
        if (status == UserStatus.DO_NOT_DISTURB) {
            return Availability.DO_NOT_DISTURB;
        }
        if (status == UserStatus.OFFLINE) {
            return Availability.OFFLINE;
        }
        if (internal.decision().reach() == Reach.UNREACHABLE) {
            return internal.cause() != null && internal.cause().code() == ReasonCode.DEVICE_DND
                    ? Availability.DO_NOT_DISTURB
                    : Availability.OFFLINE;
        }
        // Only available / colleagues-only statuses get here, and the call rings or forwards.
        return status == UserStatus.AVAILABLE_FOR_COLLEAGUES ? Availability.AVAILABLE_FOR_COLLEAGUES : Availability.AVAILABLE;
    }

    private static List<CallContext> callContext(List<DeviceState> devices) {
        List<CallContext> context = new ArrayList<>(2);
        if (devices.stream().anyMatch(DeviceState::ringing)) {
            context.add(CallContext.RINGING);
        }
        if (devices.stream().anyMatch(DeviceState::inCall)) {
            context.add(CallContext.IN_CALL);
        }
        return context;
    }

    /** Every applicable reason, in the same order the routing checks them; [OK] when there is none. */
    private static List<Reason> reasons(UserSituation s, UserStatus status, List<CallContext> context, Messages m) {
        List<Reason> reasons = new ArrayList<>();
        if (status == UserStatus.OFFLINE || status == UserStatus.DO_NOT_DISTURB) {
            reasons.add(statusBlock(status, s.until(), true, Voice.OWNER, null, m));
        }
        // Destination problems are listed even behind a blocking status: they say what will still
        // be wrong once the status is lifted. Only when nothing in the plan can ring.
        Steps steps = steps(s, m);
        reasons.addAll(steps.problems());
        if (status == UserStatus.AVAILABLE_FOR_COLLEAGUES) {
            reasons.add(statusBlock(status, s.until(), false, Voice.OWNER, null, m));
        }
        if (context.contains(CallContext.IN_CALL)) {
            reasons.add(s.plan().callWaiting()
                    ? new Reason(ReasonCode.IN_CALL, m.text("reason.inCall.callWaiting"))
                    : new Reason(ReasonCode.IN_CALL, m.text("reason.inCall.busy",
                            PlanWords.fallback(s.plan().fallback(FallbackKind.BUSY), m))));
        }
        if (reasons.isEmpty()) {
            // Nothing blocks and the status is plain available, so the call rings or forwards.
            reasons.add(new Reason(ReasonCode.OK, okMessage(s, steps.planned(), m)));
        }
        return reasons;
    }

    /** The positive sentence for [OK]; only called when some step can ring. */
    private static String okMessage(UserSituation s, List<PlannedStep> planned, Messages m) {
        Destination single = s.plan().steps().size() == 1 ? s.plan().destination() : null;
        if (single != null) {
            Selected selected = resolve(s, single);
            if (selected instanceof Selected.Fixed fixed) {
                return m.text("reason.ok.forwarded", fixed.info().label());
            }
            DeviceState d = ((Selected.Device) selected).state();
            return m.text(needsWakeUp(d) ? "reason.ok.wakes" : "reason.ok.rings", d.label(m));
        }
        String first = planned.get(0).reason().message();
        return m.text("reason.ok.plan", Character.toLowerCase(first.charAt(0)) + first.substring(1));
    }

    // ---------------------------------------------------------------- checks shared by routing and reasons

    /** Who a message talks to: the owner ("your desk phone") or a caller of the device ("desk phone 201"). */
    enum Voice { OWNER, DEVICE }

    /** The selected destination, resolved against what the user owns. */
    sealed interface Selected {
        record None() implements Selected {
        }

        record Device(DeviceState state) implements Selected {
        }

        record Fixed(FixedDestinationInfo info) implements Selected {
        }
    }

    /** A target of the plan, resolved against what the user owns now. */
    static Selected resolve(UserSituation s, Destination d) {
        // A target that is no longer among the user's own (deleted or unlinked) counts as none.
        if (d.type() == DestinationType.VOIP_ACCOUNT) {
            for (DeviceState device : s.devices()) {
                if (device.voipAccountId().equals(d.id())) {
                    return new Selected.Device(device);
                }
            }
        } else {
            FixedDestinationInfo fixed = ownFixed(s, d.id());
            if (fixed != null) {
                return new Selected.Fixed(fixed);
            }
        }
        return new Selected.None();
    }

    /** Why this device would not ring, deliberate DND first, then registration. */
    static List<Reason> deviceProblems(DeviceState d, Voice voice, Messages m) {
        List<Reason> problems = new ArrayList<>(2);
        String subject = voice == Voice.OWNER ? m.text("device.Your", d.label(m)) : capitalize(d.label(m));
        String consequence = m.text(voice == Voice.OWNER ? "consequence.you" : "consequence.device");
        if (d.dnd()) {
            problems.add(new Reason(ReasonCode.DEVICE_DND, m.text("reason.deviceDnd", subject, consequence)));
        }
        if (!d.registered()) {
            // Push only exists for app accounts; it lets an unregistered app be woken up and rung.
            if (d.kind() != DeviceKind.APP) {
                problems.add(new Reason(ReasonCode.DEVICE_UNREGISTERED, m.text("reason.deviceUnregistered", subject, consequence)));
            } else if (!d.hasPushDevice()) {
                problems.add(new Reason(ReasonCode.APP_NO_PUSH_DEVICE, m.text("reason.appNoPush", subject, consequence)));
            }
        }
        return problems;
    }

    /** The reason a status blocks this call, or null when it does not. */
    private static Reason statusBlock(UserStatus status, Instant until, boolean internalCaller, Voice voice,
            DeviceState device, Messages m) {
        // Only a status that has not expired gets here, so a non-null until is still ahead.
        String untilText = until == null ? "" : m.text("status.until", until);
        boolean owner = voice == Voice.OWNER;
        String who = owner ? "reason.status.you." : "reason.status.device.";
        String label = owner ? "" : device.label(m);
        return switch (status) {
            case OFFLINE -> new Reason(ReasonCode.STATUS_OFFLINE, m.text(who + "offline", untilText, label));
            case DO_NOT_DISTURB -> new Reason(ReasonCode.STATUS_DND, m.text(who + "dnd", untilText, label));
            case AVAILABLE_FOR_COLLEAGUES -> internalCaller ? null
                    : new Reason(ReasonCode.COLLEAGUES_ONLY, m.text(who + "colleaguesOnly", untilText, label));
            case AVAILABLE -> null;
        };
    }

    private static RouteDecision.Ring ring(DeviceState d, Messages m) {
        String reason = m.text(needsWakeUp(d) ? "step.wake" : "step.ring", d.label(m));
        return new RouteDecision.Ring(List.of(target(d)), m.text("step.reason", capitalize(reason)));
    }

    static RouteTarget target(DeviceState d) {
        return new RouteTarget(d.voipAccountId(), d.sipUsername(), d.kind(), needsWakeUp(d));
    }

    /** An unregistered app reaches routing only with a push device: the platform must wake it first. */
    static boolean needsWakeUp(DeviceState d) {
        return d.kind() == DeviceKind.APP && !d.registered();
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
