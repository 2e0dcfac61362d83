package dev.switchboard.availability;

import java.util.Objects;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One reachability / rejection reason: a code for machines and a sentence for people. */
@RegisterForReflection
public record Reason(ReasonCode code, String message) {

    public Reason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
