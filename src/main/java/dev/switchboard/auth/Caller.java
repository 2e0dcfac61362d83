package dev.switchboard.auth;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.switchboard.common.ApiException;

/**
 * Who is calling, from the verified JWT. The organization always comes from here, never from a
 * request body; {@link #requireOrg(UUID)} turns any foreign organization id into a 404.
 */
@RequestScoped
public class Caller {

    public static final String ORG_CLAIM = "org";

    private final JsonWebToken jwt;
    /** Read from the token once per request: a resource asks several times (org, role, self). */
    private CallerView view;

    public Caller(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    public static CallerView of(JsonWebToken jwt) {
        Set<String> groups = jwt.getGroups() == null ? Set.of() : jwt.getGroups();
        Object org = TokenClaims.of(jwt).org();
        UUID orgId = org == null ? null : UUID.fromString(org.toString());
        UUID userId = null;
        if (!groups.contains(Role.PLATFORM_NAME) && jwt.getSubject() != null) {
            userId = UUID.fromString(jwt.getSubject());
        }
        return new CallerView(userId, orgId, groups, jwt.getSubject());
    }

    public CallerView view() {
        CallerView known = view;
        if (known == null) {
            known = of(jwt);
            view = known;
        }
        return known;
    }

    public UUID userId() {
        UUID id = view().userId();
        if (id == null) {
            throw ApiException.forbidden("This needs a user token.");
        }
        return id;
    }

    public Optional<UUID> orgId() {
        return Optional.ofNullable(view().orgId());
    }

    public boolean isOperator() {
        return view().is(Role.OPERATOR_NAME);
    }

    public boolean isAdmin() {
        return view().is(Role.ADMIN_NAME);
    }

    public boolean isPlatform() {
        return view().is(Role.PLATFORM_NAME);
    }

    /** Operators and the platform act on any organization; everyone else only on their own. */
    public void requireOrg(UUID orgId) {
        if (isOperator() || isPlatform()) {
            return;
        }
        if (!orgId.equals(view().orgId())) {
            throw ApiException.notFound("organization");
        }
    }

    /** Admin rights in this organization: its admins and the operators. */
    public boolean canAdminister(UUID orgId) {
        return isOperator() || isAdmin() && orgId.equals(view().orgId());
    }

    public void requireAdminOf(UUID orgId) {
        requireOrg(orgId);
        if (!canAdminister(orgId)) {
            throw ApiException.forbidden("Only the organization's admins may do this.");
        }
    }

    /** The caller is this user, or an administrator of the user's organization. */
    public void requireSelfOrAdmin(UUID orgId, UUID userId) {
        requireOrg(orgId);
        if (!canAdminister(orgId) && !userId.equals(view().userId())) {
            throw ApiException.forbidden("Only the user and the organization's admins may do this.");
        }
    }

    public record CallerView(UUID userId, UUID orgId, Set<String> groups, String subject) {
        public boolean is(String role) {
            return groups.contains(role);
        }
    }
}
