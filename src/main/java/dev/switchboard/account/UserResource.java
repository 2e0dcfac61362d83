package dev.switchboard.account;

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

import dev.switchboard.account.UserDtos.CreateUser;
import dev.switchboard.account.UserDtos.UpdateUser;
import dev.switchboard.account.UserDtos.UserView;
import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.Versions;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

@Path("/api/orgs/{orgId}/users")
@Tag(name = "Users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class UserResource {

    private final UserService service;
    private final Caller caller;

    public UserResource(UserService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @Valid @NotNull CreateUser body) {
        caller.requireAdminOf(orgId);
        return service.create(orgId, body).map(user -> Response
                .created(URI.create("/api/orgs/" + orgId + "/users/" + user.id))
                .entity(UserView.of(user)).tag(Versions.etag(user.version)).build());
    }

    @GET
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<PageResponse<UserView>> list(@PathParam("orgId") UUID orgId, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        caller.requireOrg(orgId);
        return service.list(orgId, PageRequest.of(page, size));
    }

    @GET
    @Path("/{userId}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<Response> get(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.get(orgId, userId).map(user -> Versions.ok(user, user.version()));
    }

    @PATCH
    @Path("/{userId}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<Response> update(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
            @HeaderParam("If-Match") String ifMatch, @Valid @NotNull UpdateUser body) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.update(orgId, userId, body, ifMatch, caller.canAdminister(orgId),
                userId.equals(caller.view().userId()))
                .map(user -> Versions.ok(UserView.of(user), user.version));
    }

    @DELETE
    @Path("/{userId}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId) {
        caller.requireAdminOf(orgId);
        return service.delete(orgId, userId).map(ignored -> Response.noContent().build());
    }
}
