package dev.switchboard.presence;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserDtos.UserView;
import dev.switchboard.account.UserRepository;
import dev.switchboard.auth.Role;
import dev.switchboard.availability.AvailabilityDtos.AvailabilityView;
import dev.switchboard.availability.Reachability;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Messages;
import dev.switchboard.organization.OrganizationDtos.OrganizationView;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** The signed-in member's own view ({@code GET /api/me}): one session, read only. */
@ApplicationScoped
public class MeService {

    /** {@code presence} is what colleagues see plus the user's own details ({@code Self} of the socket protocol). */
    public record Me(UserView user, OrganizationView organization, Role role, AvailabilityView availability,
            Reachability reachability, SelfView presence) {
    }

    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final PresenceService presence;

    public MeService(UserRepository users, OrganizationRepository organizations, PresenceService presence) {
        this.users = users;
        this.organizations = organizations;
        this.presence = presence;
    }

    /** A user deleted since their token was issued is a 401, as for any other use of that token. */
    @WithSession
    public Uni<Me> me(UUID orgId, UUID userId, Messages m) {
        return users.requireInOrg(orgId, userId)
                .onFailure(ApiException.class).transform(e -> ApiException.unauthorized("This account no longer exists."))
                .flatMap(user -> organizations.require(orgId)
                        .flatMap(org -> presence.self(orgId, userId, m)
                                .map(self -> new Me(UserView.of(user), OrganizationView.of(org), user.role,
                                        AvailabilityView.of(user), self.reachability(), self))));
    }
}
