package dev.switchboard.availability;

import java.util.List;
import java.util.Objects;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The owner's answer to "why is / isn't my phone ringing".
 *
 * @param internal a call from a colleague would ring or be forwarded now
 * @param external a call from outside the organization would ring or be forwarded now
 * @param reasons  {@code [OK]} when there is nothing to report, otherwise every applicable
 *                 reason, most important first (never empty)
 */
@RegisterForReflection
public record Reachability(boolean internal, boolean external, List<Reason> reasons) {

    public Reachability {
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("reasons must not be empty; use OK");
        }
    }

    /** The reason codes in order, convenient for callers and tests. */
    public List<ReasonCode> codes() {
        return reasons.stream().map(Reason::code).toList();
    }
}
