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

import dev.switchboard.account.VoipAccountDtos.CreateVoipAccount;
import dev.switchboard.account.VoipAccountDtos.UpdateVoipAccount;
import dev.switchboard.account.VoipAccountDtos.VoipAccountView;
import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.Versions;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

@Path("/api/orgs/{orgId}/voip-accounts")
@Tag(name = "VoIP accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class VoipAccountResource {

    private final VoipAccountService service;
    private final Caller caller;

    public VoipAccountResource(VoipAccountService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @Valid @NotNull CreateVoipAccount body) {
        caller.requireAdminOf(orgId);
        return service.create(orgId, body).map(view -> Response
                .created(URI.create("/api/orgs/" + orgId + "/voip-accounts/" + view.id()))
                .entity(view).tag(Versions.etag(view.version())).build());
    }

    /** Admins see every account (optionally one user's); other members only their own. */
    @GET
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<PageResponse<VoipAccountView>> list(@PathParam("orgId") UUID orgId, @QueryParam("userId") String userId,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        caller.requireOrg(orgId);
        UUID owner = caller.canAdminister(orgId) ? parseUuid("userId", userId) : caller.userId();
        return service.list(orgId, owner, PageRequest.of(page, size));
    }

    private static UUID parseUuid(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(raw.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(field, "must be a UUID");
        }
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<Response> get(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireOrg(orgId);
        return service.get(orgId, id).flatMap(account -> {
            if (!caller.canAdminister(orgId) && !caller.userId().equals(account.userId)) {
                throw ApiException.forbidden("Only admins and the device's owner may see it.");
            }
            return service.view(account);
        }).map(view -> Versions.ok(view, view.version()));
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<Response> update(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id,
            @HeaderParam("If-Match") String ifMatch, @Valid @NotNull UpdateVoipAccount body) {
        caller.requireOrg(orgId);
        boolean asAdmin = caller.canAdminister(orgId);
        return service.update(orgId, id, body, ifMatch, asAdmin, asAdmin ? null : caller.userId(), caller.view())
                .map(view -> Versions.ok(view, view.version()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireAdminOf(orgId);
        return service.delete(orgId, id, caller.view()).map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/credentials")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
    public Uni<VoipAccountView> rotateCredentials(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireAdminOf(orgId);
        return service.rotateCredentials(orgId, id);
    }
}
