package dev.switchboard.account;

import java.util.UUID;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.switchboard.auth.Caller;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.RequestPaths;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * On {@code /api/orgs/{orgId}/users/{userId}/…} a plain member may act on themselves only; for
 * anyone else the answer would be 403 at once, for a colleague and for a foreign or unknown id
 * alike. A foreign or unknown id must be a 404 like everywhere else, so it is looked up first;
 * a colleague stays a 403. (Admins and operators reach the services, which answer 404 themselves;
 * the organization id is checked before, by ForeignOrganizations.)
 */
@Singleton
public class ForeignUsers {

    private final Caller caller;
    private final UserRepository users;

    public ForeignUsers(Caller caller, UserRepository users) {
        this.caller = caller;
        this.users = users;
    }

    @ServerRequestFilter
    public Uni<Void> check(UriInfo uri) {
        UUID orgId;
        UUID userId;
        try {
            orgId = uuid(uri.getPathParameters().getFirst("orgId"));
            userId = uuid(uri.getPathParameters().getFirst("userId"));
        } catch (IllegalArgumentException undecodable) {
            return Uni.createFrom().voidItem(); // ControlCharacters answers it (400)
        }
        if (orgId == null || userId == null || !String.valueOf(RequestPaths.of(uri)).startsWith("/api/orgs/")
                || caller.isPlatform() || caller.canAdminister(orgId) || userId.equals(caller.view().userId())) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withSession(() -> users.count("id = ?1 and orgId = ?2", userId, orgId)).map(count -> {
            if (count == 0) {
                throw ApiException.notFound("user");
            }
            return null;
        });
    }

    private static UUID uuid(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
