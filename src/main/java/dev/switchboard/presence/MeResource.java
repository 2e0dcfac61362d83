package dev.switchboard.presence;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.account.UserDtos.UserView;
import dev.switchboard.account.UserRepository;
import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.availability.AvailabilityDtos.AvailabilityView;
import dev.switchboard.availability.AvailabilityDtos.SetAvailability;
import dev.switchboard.availability.Reachability;
import dev.switchboard.availability.AvailabilityService;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Versions;
import dev.switchboard.organization.OrganizationDtos.OrganizationView;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** The signed-in member's own account: who they are, and how reachable they are right now. */
@Path("/api/me")
@Tag(name = "Me")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.ADMIN_NAME, Role.USER_NAME })
public class MeResource {

    /** {@code presence} is what colleagues see plus the user's own details ({@code Self} of the socket protocol). */
    public record Me(UserView user, OrganizationView organization, Role role, AvailabilityView availability,
            Reachability reachability, SelfView presence) {
    }

    private final Caller caller;
    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final PresenceService presence;
    private final AvailabilityService availability;

    public MeResource(Caller caller, UserRepository users, OrganizationRepository organizations, PresenceService presence,
            AvailabilityService availability) {
        this.caller = caller;
        this.users = users;
        this.organizations = organizations;
        this.presence = presence;
        this.availability = availability;
    }

    @GET
    @WithSession
    public Uni<Me> me() {
        UUID userId = caller.userId();
        UUID orgId = caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
        return users.requireInOrg(orgId, userId)
                .onFailure(ApiException.class).transform(e -> ApiException.unauthorized("This account no longer exists."))
                .flatMap(user -> organizations.require(orgId)
                        .flatMap(org -> presence.self(orgId, userId)
                                .map(self -> new Me(UserView.of(user), OrganizationView.of(org), user.role,
                                        AvailabilityView.of(user), self.reachability(), self))));
    }

    @PUT
    @Path("/availability")
    public Uni<Response> setAvailability(@HeaderParam("If-Match") String ifMatch, @NotNull SetAvailability body) {
        UUID orgId = caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
        return availability.set(orgId, caller.userId(), body, ifMatch).map(view -> Versions.ok(view, view.version()));
    }
}
