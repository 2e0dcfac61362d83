package dev.switchboard.auth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.switchboard.common.ApiException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tokens live an hour; the account behind one may change sooner. Every request with a user's
 * token checks that the token's credentials version is still the user's current one: a password
 * change or reset, an email or role change, or the deletion of the account makes every earlier
 * token answer 401 (sign in again). Answered from {@link CredentialVersions}, so a database read
 * happens only for users this replica has not seen lately.
 */
public class AccountStillValidFilter {

    private final CurrentIdentityAssociation identities;
    private final CredentialVersions versions;
    private final Pool pool;

    public AccountStillValidFilter(CurrentIdentityAssociation identities, CredentialVersions versions, Pool pool) {
        this.identities = identities;
        this.versions = versions;
        this.pool = pool;
    }

    /**
     * Tokens issued before credentials versions existed (at most one token lifetime after the
     * upgrade) get the check they had then: a role changed before the upgrade raised no version.
     */
    private Uni<Response> sameRole(CredentialStamp stamp, java.util.Set<String> roles) {
        return pool.preparedQuery("SELECT role FROM users WHERE id = $1").execute(Tuple.of(stamp.userId())).map(rows -> {
            if (rows.size() == 0 || !roles.contains(rows.iterator().next().getString(0))) {
                throw ApiException.unauthorized("Your role has changed; sign in again.");
            }
            return null;
        });
    }

    @ServerRequestFilter
    public Uni<Response> checkAccount(ContainerRequestContext request) {
        if (request.getHeaderString("Authorization") == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().flatMap(identity -> {
            CredentialStamp stamp = CredentialStamp.of(identity);
            if (stamp == null) {
                return Uni.createFrom().nullItem(); // the SIP platform client has no account row
            }
            return versions.current(stamp.userId(), stamp.version()).flatMap(current -> {
                if (current == CredentialVersions.DELETED) {
                    throw ApiException.unauthorized("This account no longer exists.");
                }
                if (current != stamp.version()) {
                    throw ApiException.unauthorized(
                            "Your password, email or role changed since this token was issued; sign in again.");
                }
                return stamp.legacy() ? sameRole(stamp, identity.getRoles()) : Uni.createFrom().<Response> nullItem();
            });
        });
    }
}
