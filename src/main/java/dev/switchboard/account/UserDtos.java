package dev.switchboard.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.switchboard.auth.Passwords.FitsBcrypt;
import dev.switchboard.auth.Role;

/** Request and response bodies of {@code /api/orgs/{orgId}/users}. */
public final class UserDtos {

    static final String NUMBER_MESSAGE = "must be 2 to 8 digits, not starting with 0";
    static final String NOT_BLANK = ".*\\S.*";

    private UserDtos() {
    }

    /** Members are {@code admin} or {@code user}; operators are platform staff, not members. */
    public enum MemberRole {
        ADMIN, USER;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static MemberRole fromWire(String value) {
            for (MemberRole role : values()) {
                if (role.wire().equals(value)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("must be admin or user");
        }

        public Role toRole() {
            return this == ADMIN ? Role.ADMIN : Role.USER;
        }
    }

    public record CreateUser(
            @NotBlank @Email @Size(max = 254) String email,
            @NotBlank @Size(max = 200) String name,
            @Pattern(regexp = InternalNumbers.PATTERN, message = NUMBER_MESSAGE) String internalNumber,
            @NotNull MemberRole role,
            @Size(min = 8, message = "must be at least 8 characters") @FitsBcrypt String password) {
    }

    /**
     * Absent fields stay as they are. Users may change their own name and password only; changing
     * one's own password needs {@code currentPassword} (admins and operators reset other users'
     * passwords without it). Emails are stored canonical ({@link Emails#canonical}).
     */
    public record UpdateUser(
            @Email @Size(max = 254) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String email,
            @Size(max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            @Pattern(regexp = InternalNumbers.PATTERN, message = NUMBER_MESSAGE) String internalNumber,
            MemberRole role,
            @Size(min = 8, message = "must be at least 8 characters") @FitsBcrypt String password,
            @FitsBcrypt String currentPassword,
            @Size(max = 64) String timeZone,
            Long version) {
    }

    /** {@code timeZone}: the user's own IANA zone for scheduled windows; null: the organization's. */
    public record UserView(UUID id, UUID orgId, String email, String name, String internalNumber, Role role,
            String timeZone, long version, Instant createdAt) {
        public static UserView of(User user) {
            return new UserView(user.id, user.orgId, user.email, user.name, user.internalNumber, user.role,
                    user.timeZone, user.version, user.createdAt);
        }
    }
}
