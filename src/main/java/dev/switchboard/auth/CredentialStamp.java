package dev.switchboard.auth;

import java.util.UUID;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * The user a token or consumed ws ticket stands for, and the credentials version it was issued at.
 * {@code legacy}: a token from before versions existed (no claim), counted as version 0.
 */
public record CredentialStamp(UUID userId, long version, boolean legacy) {

    /** Null for identities without a user account (the SIP platform client, anonymous). */
    public static CredentialStamp of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return null;
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            UUID userId = Caller.of(jwt).userId();
            return userId == null ? null
                    : new CredentialStamp(userId, version(jwt), TokenClaims.of(jwt).credentialsVersion() == null);
        }
        if (identity.getAttribute(TicketAuthenticationMechanism.VERSION_ATTRIBUTE) instanceof Long version
                && !identity.getRoles().contains(Role.PLATFORM_NAME)) {
            try {
                return new CredentialStamp(UUID.fromString(identity.getPrincipal().getName()), version, false);
            } catch (IllegalArgumentException notAUser) {
                return null;
            }
        }
        return null;
    }

    public static long version(JsonWebToken jwt) {
        Object claim = TokenClaims.of(jwt).credentialsVersion();
        if (claim instanceof Number number) {
            return number.longValue();
        }
        if (claim instanceof jakarta.json.JsonNumber number) {
            return number.longValue();
        }
        return 0; // issued before versions existed
    }
}
