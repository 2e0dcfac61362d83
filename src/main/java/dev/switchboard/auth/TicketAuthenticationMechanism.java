package dev.switchboard.auth;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a WebSocket upgrade by {@code ?ticket=}: consumes the ticket and stands in for
 * the token that asked for it. Requests without a ticket are left to the bearer-token mechanism.
 */
@ApplicationScoped
public class TicketAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String ORG_ATTRIBUTE = "switchboard.org";
    public static final String EXPIRES_ATTRIBUTE = "switchboard.token-expires-at";
    /** The credentials version of the token that asked for the ticket (checked at the upgrade like a token's). */
    public static final String VERSION_ATTRIBUTE = "switchboard.credentials-version";

    private final WsTicketService tickets;

    public TicketAuthenticationMechanism(WsTicketService tickets) {
        this.tickets = tickets;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String ticket = context.request().getParam("ticket");
        if (ticket == null || !context.normalizedPath().startsWith("/ws/")) {
            return Uni.createFrom().nullItem();
        }
        return tickets.consume(ticket).map(holder -> {
            if (holder == null) {
                throw new AuthenticationFailedException("Unknown, used or expired ticket");
            }
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(holder.subject()))
                    .addRoles(holder.groups())
                    .addAttribute(EXPIRES_ATTRIBUTE, holder.tokenExpiresAt());
            if (holder.credentialsVersion() != null) {
                identity.addAttribute(VERSION_ATTRIBUTE, holder.credentialsVersion());
            }
            if (holder.orgId() != null) {
                identity.addAttribute(ORG_ATTRIBUTE, holder.orgId());
            }
            return identity.build();
        });
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
