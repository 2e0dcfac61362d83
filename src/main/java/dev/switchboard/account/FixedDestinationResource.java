package dev.switchboard.account;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.account.FixedDestinationService.CreateFixedDestination;
import dev.switchboard.account.FixedDestinationService.FixedDestinationView;
import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.Versions;
import dev.switchboard.history.Actor;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

@Path("/api/orgs/{orgId}/users/{userId}/fixed-destinations")
@Tag(name = "Fixed destinations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class FixedDestinationResource {

    private final FixedDestinationService service;
    private final Caller caller;

    public FixedDestinationResource(FixedDestinationService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
            @Valid @NotNull CreateFixedDestination body) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.create(orgId, userId, body).map(view -> Response
                .created(URI.create("/api/orgs/" + orgId + "/users/" + userId + "/fixed-destinations/" + view.id()))
                .entity(view).tag(Versions.etag(view.version())).build());
    }

    @GET
    public Uni<PageResponse<FixedDestinationView>> list(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.list(orgId, userId, PageRequest.of(page, size));
    }

    @DELETE
    @Path("/{id}")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId, @PathParam("id") UUID id) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.delete(orgId, userId, id, Actor.of(caller.view(), userId)).map(ignored -> Response.noContent().build());
    }
}
