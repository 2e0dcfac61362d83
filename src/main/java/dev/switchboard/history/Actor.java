package dev.switchboard.history;

import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.switchboard.auth.Caller.CallerView;
import dev.switchboard.auth.Role;

/**
 * Who made a change or asked for a decision, as the history shows it: the user themself, an
 * admin or operator (with their user id), the SIP platform, or the service's own timers.
 */
public record Actor(Type type, @JsonInclude(JsonInclude.Include.NON_NULL) UUID userId) {

    public enum Type {
        SELF, ADMIN, OPERATOR, PLATFORM, TIMER;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        static Type fromWire(String value) {
            return valueOf(value.toUpperCase());
        }
    }

    public static final Actor PLATFORM = new Actor(Type.PLATFORM, null);
    public static final Actor TIMER = new Actor(Type.TIMER, null);

    public Actor {
        Objects.requireNonNull(type, "type");
    }

    public static Actor self(UUID userId) {
        return new Actor(Type.SELF, userId);
    }

    /**
     * The caller acting on {@code subject}'s things: themself when they are the subject (an admin
     * setting their own status acts as themself), else by their role.
     */
    public static Actor of(CallerView caller, UUID subject) {
        if (caller.is(Role.PLATFORM_NAME)) {
            return PLATFORM;
        }
        if (caller.userId() != null && caller.userId().equals(subject)) {
            return self(subject);
        }
        if (caller.is(Role.OPERATOR_NAME)) {
            return new Actor(Type.OPERATOR, caller.userId());
        }
        return new Actor(caller.is(Role.ADMIN_NAME) ? Type.ADMIN : Type.SELF, caller.userId());
    }
}
