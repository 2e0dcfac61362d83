package dev.switchboard.availability;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/** The dial-plan answer for one call: ring devices, forward to an external number, or reject. */
public sealed interface RouteDecision permits RouteDecision.Ring, RouteDecision.Forward, RouteDecision.Reject {

    /** Wire value of the action: "ring", "forward" or "reject" (serialized as {@code action}). */
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
}
