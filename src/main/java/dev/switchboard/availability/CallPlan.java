package dev.switchboard.availability;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A user's call plan: ordered steps, each ringing a set of the user's own targets at once for a
 * ring time; a fallback per situation (absent = reject); call waiting on or off. The v1
 * {@code destination} is its one-step view ({@link #destination}, {@link #withDestination}).
 */
public record CallPlan(List<Step> steps, Map<FallbackKind, Fallback> fallbacks, boolean callWaiting) {

    public static final int DEFAULT_RING_SECONDS = 20;
    public static final int MAX_STEPS = 5;
    public static final int MAX_TARGETS = 5;
    public static final int MIN_RING_SECONDS = 5;
    public static final int MAX_RING_SECONDS = 120;

    /** No steps, no fallbacks, call waiting on: a new user's plan. */
    public static final CallPlan EMPTY = new CallPlan(List.of(), Map.of(), true);

    /** Targets ringing at once for {@code ringSeconds}. */
    public record Step(List<Destination> targets, int ringSeconds) {
        public Step {
            targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
        }
    }

    public CallPlan {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        Map<FallbackKind, Fallback> copy = new EnumMap<>(FallbackKind.class);
        Objects.requireNonNull(fallbacks, "fallbacks").forEach((kind, fallback) -> {
            if (fallback != null && fallback.type() != FallbackType.REJECT) {
                copy.put(kind, fallback);
            }
        });
        fallbacks = java.util.Collections.unmodifiableMap(copy);
    }

    /** The v1 view of a selected destination: one step with that one target; none: no steps. */
    public static CallPlan of(Destination destination) {
        return EMPTY.withDestination(destination);
    }

    /** The fallback for {@code kind}; reject when none is set. */
    public Fallback fallback(FallbackKind kind) {
        return fallbacks.getOrDefault(kind, Fallback.REJECT);
    }

    /** The v1 destination: the target of a first step that has exactly one, else null. */
    public Destination destination() {
        return !steps.isEmpty() && steps.get(0).targets().size() == 1 ? steps.get(0).targets().get(0) : null;
    }

    /** Selecting a destination makes the plan that one step (ring time and fallbacks kept); null: no steps. */
    public CallPlan withDestination(Destination destination) {
        int ringSeconds = steps.isEmpty() ? DEFAULT_RING_SECONDS : steps.get(0).ringSeconds();
        List<Step> one = destination == null ? List.of() : List.of(new Step(List.of(destination), ringSeconds));
        return new CallPlan(one, fallbacks, callWaiting);
    }
}
