package dev.switchboard.availability;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The first thing a call does (v1's dial-plan answer): ring devices, forward to an external number,
 * reject, or (v2) go to a user's voicemail.
 */
public sealed interface RouteDecision permits RouteDecision.Ring, RouteDecision.Forward, RouteDecision.Reject,
        RouteDecision.Voicemail {

    /** Wire value of the action: "ring", "forward", "reject" or "voicemail" (serialized as {@code action}). */
    @JsonProperty("action")
    String action();

    /** The presence reach this decision corresponds to. */
    @JsonIgnore
    Reach reach();

    /** Ring these devices; {@code reason} is a short human explanation. */
    @JsonPropertyOrder({"action", "targets", "reason"})
    record Ring(List<RouteTarget> targets, String reason) implements RouteDecision {
        public Ring {
            targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a ring decision needs at least one target");
            }
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String action() {
            return "ring";
        }

        @Override
        public Reach reach() {
            return Reach.RINGS;
        }
    }

    /** Forward to an external E.164 number; {@code reason} is a short human explanation. */
    @JsonPropertyOrder({"action", "forwardTo", "reason"})
    record Forward(String forwardTo, String reason) implements RouteDecision {
        public Forward {
            Objects.requireNonNull(forwardTo, "forwardTo");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String action() {
            return "forward";
        }

        @Override
        public Reach reach() {
            return Reach.FORWARDED;
        }
    }

    /** Reject; the platform falls through its dial plan (voicemail, next step). */
    @JsonPropertyOrder({"action", "reason"})
    record Reject(Reason reason) implements RouteDecision {
        public Reject {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String action() {
            return "reject";
        }

        @Override
        public Reach reach() {
            return Reach.UNREACHABLE;
        }
    }

    /** The user's voicemail takes the call (a fallback); {@code reason} says why the user is not rung. */
    @JsonPropertyOrder({"action", "voicemail", "reason"})
    record Voicemail(UUID voicemail, Reason reason) implements RouteDecision {
        public Voicemail {
            Objects.requireNonNull(voicemail, "voicemail");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String action() {
            return "voicemail";
        }

        @Override
        public Reach reach() {
            return Reach.UNREACHABLE;
        }
    }
}
