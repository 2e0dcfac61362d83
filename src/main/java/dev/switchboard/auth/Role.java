package dev.switchboard.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Roles as carried in the JWT {@code groups} claim. */
public enum Role {
    OPERATOR, ADMIN, USER, PLATFORM;

    public static final String OPERATOR_NAME = "operator";
    public static final String ADMIN_NAME = "admin";
    public static final String USER_NAME = "user";
    public static final String PLATFORM_NAME = "platform";

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static Role fromWire(String value) {
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("must be one of operator, admin, user, platform");
    }
}
