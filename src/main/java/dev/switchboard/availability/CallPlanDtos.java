package dev.switchboard.availability;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Bodies of the call plan resources ({@code …/users/{userId}/call-plan}, {@code /api/me/call-plan}). */
public final class CallPlanDtos {

    private CallPlanDtos() {
    }

    /** One target of a step: {@code voip_account} or {@code fixed_destination} of the user. */
    @RegisterForReflection
    public record TargetBody(String type, UUID id) {
    }

    /** A step: up to 5 targets ringing at once for {@code ringSeconds} (5–120, default 20). */
    @RegisterForReflection
    public record StepBody(List<TargetBody> targets, Integer ringSeconds) {
    }

    /**
     * A fallback: {@code fixed_destination} (own, with id), {@code user} / {@code group} (same org,
     * with id), {@code voicemail} or {@code reject} (no id).
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FallbackBody(String type, UUID id) {
    }

    /** The four fallbacks; an absent one is {@code reject}. */
    @RegisterForReflection
    public record FallbacksBody(FallbackBody unreachable, FallbackBody busy, FallbackBody noAnswer, FallbackBody unavailable) {
    }

    /**
     * A whole plan, as PUT replaces it: absent {@code steps} is none, absent {@code fallbacks} all
     * reject, absent {@code callWaiting} on. {@code version}, when sent, must be the current one (409).
     */
    @RegisterForReflection
    public record CallPlanBody(List<StepBody> steps, FallbacksBody fallbacks, Boolean callWaiting, Long version) {
    }

    /** The plan as stored; every fallback is spelled out ({@code reject} when none is set). */
    @RegisterForReflection
    public record CallPlanView(List<StepBody> steps, FallbacksBody fallbacks, boolean callWaiting, long version) {
    }
}
