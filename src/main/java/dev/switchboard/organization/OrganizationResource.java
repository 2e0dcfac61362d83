package dev.switchboard.organization;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.Versions;
import dev.switchboard.organization.OrganizationDtos.CreateOrganization;
import dev.switchboard.organization.OrganizationDtos.OrganizationView;
import dev.switchboard.organization.OrganizationDtos.UpdateOrganization;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

@Path("/api/orgs")
@Tag(name = "Organizations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class OrganizationResource {

    private final OrganizationService service;
    private final Caller caller;

    public OrganizationResource(OrganizationService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Role.OPERATOR_NAME)
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource")
    public Uni<Response> create(@Valid @NotNull CreateOrganization body) {
        return service.create(body).map(org -> Response.created(URI.create("/api/orgs/" + org.id))
                .entity(OrganizationView.of(org)).tag(Versions.etag(org.version)).build());
    }

    @GET
    @RolesAllowed(Role.OPERATOR_NAME)
    public Uni<PageResponse<OrganizationView>> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        return service.list(PageRequest.of(page, size));
    }

    @GET
    @Path("/{orgId}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
    public Uni<Response> get(@PathParam("orgId") UUID orgId) {
        caller.requireAdminOf(orgId);
        return service.get(orgId).map(org -> Versions.ok(OrganizationView.of(org), org.version));
    }

    @PATCH
    @Path("/{orgId}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
    public Uni<Response> update(@PathParam("orgId") UUID orgId, @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull UpdateOrganization body) {
        caller.requireAdminOf(orgId);
        return service.update(orgId, body, ifMatch).map(org -> Versions.ok(OrganizationView.of(org), org.version));
    }

    @DELETE
    @Path("/{orgId}")
    @RolesAllowed(Role.OPERATOR_NAME)
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("orgId") UUID orgId) {
        return service.delete(orgId).map(ignored -> Response.noContent().build());
    }

}
