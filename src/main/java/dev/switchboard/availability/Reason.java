package dev.switchboard.availability;

import java.util.Objects;

/** One reachability / rejection reason: a code for machines and a sentence for people. */
public record Reason(ReasonCode code, String message) {

    public Reason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
