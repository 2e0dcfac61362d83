package dev.switchboard.ringgroup;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
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

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.Versions;
import dev.switchboard.ringgroup.RingGroupDtos.RingGroupBody;
import dev.switchboard.ringgroup.RingGroupDtos.RingGroupView;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** Ring groups: admins manage them, every member of the org may read them. */
@Path("/api/orgs/{orgId}/ring-groups")
@Tag(name = "Ring groups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class RingGroupResource {

    private final RingGroupService groups;
    private final Caller caller;

    public RingGroupResource(RingGroupService groups, Caller caller) {
        this.groups = groups;
        this.caller = caller;
    }

    @POST
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @NotNull RingGroupBody body) {
        caller.requireAdminOf(orgId);
        return groups.create(orgId, body).map(view -> Response.created(URI.create("/api/orgs/" + orgId + "/ring-groups/" + view.id()))
                .entity(view).tag(Versions.etag(view.version())).build());
    }

    @GET
    public Uni<PageResponse<RingGroupView>> list(@PathParam("orgId") UUID orgId, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        caller.requireOrg(orgId);
        return groups.list(orgId, PageRequest.of(page, size));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireOrg(orgId);
        return groups.get(orgId, id).map(view -> Versions.ok(view, view.version()));
    }

    /** Changes the fields given; {@code members} replaces the list; {@code If-Match} (412) or body {@code version} (409). */
    @PATCH
    @Path("/{id}")
    public Uni<Response> update(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id, @HeaderParam("If-Match") String ifMatch,
            @NotNull RingGroupBody body) {
        caller.requireAdminOf(orgId);
        return groups.update(orgId, id, body, ifMatch).map(view -> Versions.ok(view, view.version()));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireAdminOf(orgId);
        return groups.delete(orgId, id).map(done -> Response.noContent().build());
    }
}
