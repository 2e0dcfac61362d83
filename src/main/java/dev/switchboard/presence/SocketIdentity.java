package dev.switchboard.presence;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.CredentialStamp;
import dev.switchboard.auth.TicketAuthenticationMechanism;
import io.quarkus.security.identity.SecurityIdentity;

/** Who holds a presence socket, from either a bearer token or a consumed ticket. */
record SocketIdentity(UUID userId, UUID orgId, Instant expiresAt, long credentialsVersion) {

    /** Null when the identity is not a member of an organization (operators, the platform). */
    static SocketIdentity of(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            Caller.CallerView view = Caller.of(jwt);
            if (view.userId() == null || view.orgId() == null) {
                return null;
            }
            return new SocketIdentity(view.userId(), view.orgId(), Instant.ofEpochSecond(jwt.getExpirationTime()),
                    CredentialStamp.version(jwt));
        }
        Object org = identity.getAttribute(TicketAuthenticationMechanism.ORG_ATTRIBUTE);
        Object expires = identity.getAttribute(TicketAuthenticationMechanism.EXPIRES_ATTRIBUTE);
        if (!(org instanceof UUID orgId) || !(expires instanceof Instant expiresAt)) {
            return null;
        }
        long version = identity.getAttribute(TicketAuthenticationMechanism.VERSION_ATTRIBUTE) instanceof Long v ? v : 0;
        try {
            return new SocketIdentity(UUID.fromString(identity.getPrincipal().getName()), orgId, expiresAt, version);
        } catch (IllegalArgumentException platformClient) {
            return null;
        }
    }
}
