package dev.switchboard.organization;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Caller.CallerView;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.RequestPaths;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Another organization's id answers 404 on every {@code /api/orgs/{orgId}/…} path and for every
 * role: nothing may tell a foreign id apart from an unknown one. Role checks ({@code @RolesAllowed})
 * would otherwise answer 403 first, so this runs before matching, ahead of them. Operators and the
 * platform act on any organization; unknown ids are the services' 404.
 */
@Singleton
public class ForeignOrganizations {

    private static final Pattern ORG_PATH = Pattern.compile("^/api/orgs/([^/]+)(?:/.*)?$");

    private final CurrentIdentityAssociation identities;

    public ForeignOrganizations(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Void> check(UriInfo uri) {
        UUID orgId = orgIdOf(RequestPaths.of(uri));
        if (orgId == null) {
            return Uni.createFrom().voidItem();
        }
        return identities.getDeferredIdentity()
                // A bad token is the authentication's business (401), answered later.
                .onFailure().recoverWithNull()
                .map(identity -> {
                    if (foreign(identity, orgId)) {
                        throw ApiException.notFound("organization");
                    }
                    return null;
                });
    }

    private static boolean foreign(SecurityIdentity identity, UUID orgId) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return false;
        }
        CallerView caller = Caller.of(jwt);
        if (caller.is(Role.OPERATOR_NAME) || caller.is(Role.PLATFORM_NAME)) {
            return false;
        }
        return !orgId.equals(caller.orgId());
    }

    static UUID orgIdOf(String path) {
        Matcher matcher = ORG_PATH.matcher(path == null ? "" : path);
        if (!matcher.matches()) {
            return null;
        }
        try {
            return UUID.fromString(matcher.group(1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
