package dev.switchboard.availability;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One step of a route: these targets at once, for {@code ringSeconds} (left out for a fallback
 * forward or voicemail, which do not time out here), and why.
 */
@RegisterForReflection
public record PlannedStep(List<PlanTarget> targets, @JsonInclude(JsonInclude.Include.NON_NULL) Integer ringSeconds,
        Reason reason) {

    public PlannedStep {
        targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
        Objects.requireNonNull(reason, "reason");
    }
}
