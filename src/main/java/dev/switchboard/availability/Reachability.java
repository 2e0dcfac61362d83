package dev.switchboard.availability;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The owner's answer to "why is / isn't my phone ringing".
 *
 * @param internal a call from a colleague would ring or be forwarded now
 * @param external a call from outside the organization would ring or be forwarded now
 * @param reasons  {@code [OK]} when there is nothing to report, otherwise every applicable
 *                 reason, most important first (never empty)
 * @param plan      the whole call plan in words: each step, then each fallback that is set
 * @param scheduled the scheduled window that holds now or starts next; null when none (not derived:
 *                  it is read beside the situation and added with {@link #withScheduled})
 */
@RegisterForReflection
public record Reachability(boolean internal, boolean external, List<Reason> reasons, List<Words> plan, Scheduled scheduled) {

    public Reachability(boolean internal, boolean external, List<Reason> reasons, List<Words> plan) {
        this(internal, external, reasons, plan, null);
    }

    public Reachability withScheduled(Scheduled next) {
        return new Reachability(internal, external, reasons, plan, next);
    }

    /**
     * One part of the plan in words.
     *
     * @param step        1-based step number (steps only)
     * @param ringSeconds the step's ring time (steps only)
     * @param fallback    {@code unreachable}, {@code busy}, {@code noAnswer} or {@code unavailable}
     *                    (fallbacks only)
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Words(String words, Integer step, Integer ringSeconds, String fallback) {
        public Words {
            Objects.requireNonNull(words, "words");
        }
    }

    public Reachability {
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("reasons must not be empty; use OK");
        }
        plan = plan == null ? List.of() : List.copyOf(plan);
    }

    /** The reason codes in order, convenient for callers and tests. */
    public List<ReasonCode> codes() {
        return reasons.stream().map(Reason::code).toList();
    }
}
