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
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.availability.AvailabilityDtos.SetAvailability;
import dev.switchboard.availability.AvailabilityService;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Versions;
import dev.switchboard.common.Messages;
import dev.switchboard.history.Actor;
import dev.switchboard.presence.MeService.Me;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** The signed-in member's own account: who they are, and how reachable they are right now. */
@Path("/api/me")
@Tag(name = "Me")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class MeResource {

    private final Caller caller;
    private final MeService me;
    private final AvailabilityService availability;

    public MeResource(Caller caller, MeService me, AvailabilityService availability) {
        this.caller = caller;
        this.me = me;
        this.availability = availability;
    }

    @GET
    public Uni<Me> me(@HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String acceptLanguage) {
        UUID userId = caller.userId();
        UUID orgId = caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
        return me.me(orgId, userId, Messages.forAcceptLanguage(acceptLanguage));
    }

    @PUT
    @Path("/availability")
    public Uni<Response> setAvailability(@HeaderParam("If-Match") String ifMatch, @NotNull SetAvailability body) {
        UUID orgId = caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
        return availability.set(orgId, caller.userId(), body, ifMatch, Actor.self(caller.userId())).map(view -> Versions.ok(view, view.version()));
    }
}
