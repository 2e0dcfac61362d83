package dev.switchboard.availability;

import java.util.List;
import java.util.UUID;

import dev.switchboard.common.Messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The routing answer for one call (v2): v1's first-step fields ({@code action}, {@code targets} /
 * {@code forwardTo} / {@code voicemail}, {@code reason}) plus the whole plan the platform executes.
 *
 * @param reason     a sentence for {@code ring} and {@code forward}, {@code {code, message}} for
 *                   {@code reject} and {@code voicemail} (as in v1)
 * @param plan       the steps, in order, each with the targets that can ring now
 * @param onNoAnswer what happens when the last step's ring time runs out: an answer of the same
 *                   shape (absent after reject, voicemail and a fallback forward)
 * @param skipped    ring groups: members who cannot take a call now, and why
 * @param via        set when a fallback to this user or group led here: from whom, and why
 * @param hops       how many fallbacks to other users or groups led here (at most {@link RoutePlanner#MAX_HOPS})
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "action", "targets", "forwardTo", "voicemail", "reason", "plan", "onNoAnswer", "skipped", "via", "hops" })
public record RouteAnswer(String action, List<RouteTarget> targets, String forwardTo, UUID voicemail, Object reason,
        List<PlannedStep> plan, RouteAnswer onNoAnswer, List<Skipped> skipped, Via via, int hops) {

    /** A ring group member who is not rung, and why. */
    @RegisterForReflection
    public record Skipped(UUID userId, Reason reason) {
    }

    /**
     * The fallback that led here.
     *
     * @param type     {@code user} or {@code group}: whose fallback it was
     * @param fallback {@code unreachable}, {@code busy}, {@code noAnswer}, {@code unavailable}, or
     *                 {@code group} for a ring group's fallback
     */
    @RegisterForReflection
    public record Via(String type, UUID id, String fallback, Reason reason) {
    }

    static RouteAnswer of(RouteDecision first, List<PlannedStep> plan, RouteAnswer onNoAnswer, List<Skipped> skipped, Via via,
            int hops) {
        if (first instanceof RouteDecision.Ring ring) {
            return new RouteAnswer("ring", ring.targets(), null, null, ring.reason(), plan, onNoAnswer, skipped, via, hops);
        }
        if (first instanceof RouteDecision.Forward forward) {
            return new RouteAnswer("forward", null, forward.forwardTo(), null, forward.reason(), plan, onNoAnswer, skipped, via,
                    hops);
        }
        if (first instanceof RouteDecision.Voicemail voicemail) {
            return new RouteAnswer("voicemail", null, null, voicemail.voicemail(), voicemail.reason(), plan, null, skipped, via,
                    hops);
        }
        return new RouteAnswer("reject", null, null, null, ((RouteDecision.Reject) first).reason(), plan, null, skipped, via, hops);
    }

    /** The v1 answer of a direct call to a device: that device for {@code ringSeconds}, or the reject. */
    public static RouteAnswer ofDevice(RouteDecision decision, int ringSeconds, Messages m) {
        List<PlannedStep> plan = decision instanceof RouteDecision.Ring ring
                ? List.of(new PlannedStep(ring.targets().stream().map(PlanTarget::device).toList(), ringSeconds,
                        new Reason(ReasonCode.OK, ring.reason())))
                : List.of();
        RouteAnswer onNoAnswer = decision instanceof RouteDecision.Ring ? RoutePlanner.noAnswerReject(0, m) : null;
        return of(decision, plan, onNoAnswer, null, null, 0);
    }

    RouteAnswer withSkipped(List<Skipped> skipped) {
        return new RouteAnswer(action, targets, forwardTo, voicemail, reason, plan, onNoAnswer, skipped, via, hops);
    }

    /** The reason's code: OK for ring and forward. */
    public ReasonCode code() {
        return reason instanceof Reason r ? r.code() : ReasonCode.OK;
    }
}
