package dev.switchboard.availability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.switchboard.account.CallContext;
import dev.switchboard.account.DestinationType;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.UserStatus;

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

    /** Presence and reachability of one user at {@code now}. */
    public static Derived derive(UserSituation s, Instant now) {
        Objects.requireNonNull(s, "situation");
        UserStatus status = effectiveStatus(s.status(), s.until(), now);
        RouteDecision internalRoute = routeToUser(s, true, now);
        RouteDecision externalRoute = routeToUser(s, false, now);
        List<CallContext> context = callContext(s.devices());

        // Reach is the internal routing decision itself, so presence and routing cannot disagree.
        PresenceState presence = new PresenceState(
                availability(status, internalRoute, context), context, internalRoute.reach(), status);
        Reachability reachability = new Reachability(
                !(internalRoute instanceof RouteDecision.Reject),
                !(externalRoute instanceof RouteDecision.Reject),
                reasons(s, status, context));
        return new Derived(presence, reachability);
    }

    /** The routing decision for a call to the user's own number. */
    public static RouteDecision routeToUser(UserSituation s, boolean internalCaller, Instant now) {
        Objects.requireNonNull(s, "situation");
        UserStatus status = effectiveStatus(s.status(), s.until(), now);
        Reason statusBlock = statusBlock(status, s.until(), internalCaller, Voice.OWNER, null);
        if (statusBlock != null) {
            return new RouteDecision.Reject(statusBlock);
        }
        Selected selected = resolve(s);
        List<Reason> problems = destinationProblems(selected);
        if (!problems.isEmpty()) {
            return new RouteDecision.Reject(problems.get(0));
        }
        if (selected instanceof Selected.Fixed fixed) {
            FixedDestinationInfo f = fixed.info();
            return new RouteDecision.Forward(f.number(), "Forwarding to the selected fixed destination " + f.label() + ".");
        }
        return ring(((Selected.Device) selected).state(), Voice.OWNER);
    }

    /**
     * The routing decision for a call dialled straight to a VoIP account's own number.
     *
     * @param ownerOrNull              the owner's situation, or null for an unowned account
     * @param applyUserStatusToDevices the org setting; when true the owner's status applies too
     */
    public static RouteDecision routeToDevice(DeviceState device, UserSituation ownerOrNull,
            boolean applyUserStatusToDevices, boolean internalCaller, Instant now) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(now, "now");
        if (ownerOrNull != null && applyUserStatusToDevices) {
            UserStatus status = effectiveStatus(ownerOrNull.status(), ownerOrNull.until(), now);
            Reason statusBlock = statusBlock(status, ownerOrNull.until(), internalCaller, Voice.DEVICE, device);
            if (statusBlock != null) {
                return new RouteDecision.Reject(statusBlock);
            }
        }
        List<Reason> problems = deviceProblems(device, Voice.DEVICE);
        if (!problems.isEmpty()) {
            return new RouteDecision.Reject(problems.get(0));
        }
        return ring(device, Voice.DEVICE);
    }

    // ---------------------------------------------------------------- derivation steps

    private static Availability availability(UserStatus status, RouteDecision internalRoute, List<CallContext> context) {
        // Busy wins over everything: it is the most truthful thing colleagues can be told.
        if (context.contains(CallContext.IN_CALL)) {
            return Availability.BUSY;
        }
        if (internalRoute instanceof RouteDecision.Reject reject) {
            ReasonCode code = reject.reason().code();
            return code == ReasonCode.STATUS_DND || code == ReasonCode.DEVICE_DND
                    ? Availability.DO_NOT_DISTURB
                    : Availability.OFFLINE;
        }
        // Only available / colleagues-only statuses get past the status check, so the call rings or forwards.
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
    private static List<Reason> reasons(UserSituation s, UserStatus status, List<CallContext> context) {
        Selected selected = resolve(s);
        List<Reason> reasons = new ArrayList<>();
        if (status == UserStatus.OFFLINE || status == UserStatus.DO_NOT_DISTURB) {
            reasons.add(statusBlock(status, s.until(), true, Voice.OWNER, null));
        }
        // Destination problems are listed even behind a blocking status: they say what will still
        // be wrong once the status is lifted.
        reasons.addAll(destinationProblems(selected));
        if (status == UserStatus.AVAILABLE_FOR_COLLEAGUES) {
            reasons.add(statusBlock(status, s.until(), false, Voice.OWNER, null));
        }
        if (context.contains(CallContext.IN_CALL)) {
            reasons.add(new Reason(ReasonCode.IN_CALL, "You are in a call, so colleagues see you as busy — new calls"
                    + " still follow your status and destination; the platform may offer them as call waiting."));
        }
        if (reasons.isEmpty()) {
            // Nothing blocks and the status is plain available, so the call rings or forwards.
            reasons.add(new Reason(ReasonCode.OK, okMessage(selected)));
        }
        return reasons;
    }

    /** The positive sentence for [OK]; only called when the selected destination has no problem. */
    private static String okMessage(Selected selected) {
        if (selected instanceof Selected.Fixed fixed) {
            return "Calls to you are forwarded to " + fixed.info().label() + ".";
        }
        DeviceState d = ((Selected.Device) selected).state();
        return needsWakeUp(d)
                ? "Calls to you ring on your " + d.label() + ", waking it by push first."
                : "Calls to you ring on your " + d.label() + ".";
    }

    // ---------------------------------------------------------------- checks shared by routing and reasons

    /** Who a message talks to: the owner ("your desk phone") or a caller of the device ("desk phone 201"). */
    private enum Voice { OWNER, DEVICE }

    /** The selected destination, resolved against what the user owns. */
    private sealed interface Selected {
        record None(String message) implements Selected {
        }

        record Device(DeviceState state) implements Selected {
        }

        record Fixed(FixedDestinationInfo info) implements Selected {
        }
    }

    private static Selected resolve(UserSituation s) {
        Destination d = s.destination();
        if (d == null) {
            return new Selected.None("You have not chosen where calls should ring — calls to you will not ring.");
        }
        // A destination that is no longer among the user's own (deleted or unlinked) counts as none.
        if (d.type() == DestinationType.VOIP_ACCOUNT) {
            for (DeviceState device : s.devices()) {
                if (device.voipAccountId().equals(d.id())) {
                    return new Selected.Device(device);
                }
            }
        } else {
            for (FixedDestinationInfo fixed : s.fixedDestinations()) {
                if (fixed.id().equals(d.id())) {
                    return new Selected.Fixed(fixed);
                }
            }
        }
        return new Selected.None("Your selected destination no longer exists — calls to you will not ring.");
    }

    private static List<Reason> destinationProblems(Selected selected) {
        if (selected instanceof Selected.None none) {
            return List.of(new Reason(ReasonCode.NO_DESTINATION, none.message()));
        }
        if (selected instanceof Selected.Device device) {
            return deviceProblems(device.state(), Voice.OWNER);
        }
        return List.of(); // a fixed destination is always forwardable
    }

    /** Why this device would not ring, deliberate DND first, then registration. */
    private static List<Reason> deviceProblems(DeviceState d, Voice voice) {
        List<Reason> problems = new ArrayList<>(2);
        String subject = voice == Voice.OWNER ? "Your " + d.label() : capitalize(d.label());
        String consequence = voice == Voice.OWNER ? "calls to you will not ring." : "calls to this device will not ring.";
        if (d.dnd()) {
            problems.add(new Reason(ReasonCode.DEVICE_DND, subject + " is on do not disturb — " + consequence));
        }
        if (!d.registered()) {
            // Push only exists for app accounts; it lets an unregistered app be woken up and rung.
            if (d.kind() != DeviceKind.APP) {
                problems.add(new Reason(ReasonCode.DEVICE_UNREGISTERED, subject + " is not registered — " + consequence));
            } else if (!d.hasPushDevice()) {
                problems.add(new Reason(ReasonCode.APP_NO_PUSH_DEVICE,
                        subject + " is not connected and has no push device to wake it — " + consequence));
            }
        }
        return problems;
    }

    /** The reason a status blocks this call, or null when it does not. */
    private static Reason statusBlock(UserStatus status, Instant until, boolean internalCaller, Voice voice,
            DeviceState device) {
        // Only a status that has not expired gets here, so a non-null until is still ahead.
        String untilText = until == null ? "" : " until " + until;
        boolean owner = voice == Voice.OWNER;
        String who = owner ? "Your status is " : "The owner of " + device.label() + " is ";
        String consequence = owner ? " — calls to you will not ring." : " — calls to this device will not ring.";
        return switch (status) {
            case OFFLINE -> new Reason(ReasonCode.STATUS_OFFLINE, who + "offline" + untilText + consequence);
            case DO_NOT_DISTURB -> new Reason(ReasonCode.STATUS_DND,
                    who + (owner ? "" : "on ") + "do not disturb" + untilText + consequence);
            case AVAILABLE_FOR_COLLEAGUES -> internalCaller ? null : new Reason(ReasonCode.COLLEAGUES_ONLY,
                    who + "available for colleagues only" + untilText + (owner
                            ? " — calls from outside your organization will not reach you."
                            : " — external calls to this device will not ring."));
            case AVAILABLE -> null;
        };
    }

    private static RouteDecision.Ring ring(DeviceState d, Voice voice) {
        boolean wakeUp = needsWakeUp(d);
        String device = voice == Voice.OWNER ? "the selected " + d.label() : d.label();
        String reason = wakeUp
                ? "Waking " + device + " by push, then ringing it."
                : "Ringing " + device + ".";
        return new RouteDecision.Ring(
                List.of(new RouteTarget(d.voipAccountId(), d.sipUsername(), d.kind(), wakeUp)), capitalize(reason));
    }

    /** An unregistered app reaches routing only with a push device: the platform must wake it first. */
    private static boolean needsWakeUp(DeviceState d) {
        return d.kind() == DeviceKind.APP && !d.registered();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
