package dev.switchboard.auth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.switchboard.common.ApiException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tokens live an hour; the account behind one may change sooner. Every request with a user's
 * token checks (one primary-key lookup) that the user still exists and still has the token's
 * role, so a deleted user or a demoted admin loses access at once (401: sign in again).
 */
public class AccountStillValidFilter {

    private final CurrentIdentityAssociation identities;
    private final Pool pool;

    public AccountStillValidFilter(CurrentIdentityAssociation identities, Pool pool) {
        this.identities = identities;
        this.pool = pool;
    }

    @ServerRequestFilter
    public Uni<Response> checkAccount(ContainerRequestContext request) {
        if (request.getHeaderString("Authorization") == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().flatMap(identity -> {
            if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                return Uni.createFrom().nullItem();
            }
            Caller.CallerView caller = Caller.of(jwt);
            if (caller.userId() == null) {
                return Uni.createFrom().nullItem(); // the SIP platform client has no account row
            }
            return pool.preparedQuery("SELECT role FROM users WHERE id = $1").execute(Tuple.of(caller.userId()))
                    .map(rows -> {
                        if (rows.size() == 0) {
                            throw ApiException.unauthorized("This account no longer exists.");
                        }
                        if (!caller.groups().contains(rows.iterator().next().getString(0))) {
                            throw ApiException.unauthorized("Your role has changed; sign in again.");
                        }
                        return null;
                    });
        });
    }
}
