package dev.switchboard.push;

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

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.push.PushDeviceDtos.PushDeviceView;
import dev.switchboard.push.PushDeviceDtos.RegisterPushDevice;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** The caller's own mobile push devices (FCM / APNs tokens of their app account). */
@Path("/api/me/push-devices")
@Tag(name = "Mobile push")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class PushDeviceResource {

    private final PushDeviceService devices;
    private final Caller caller;

    public PushDeviceResource(PushDeviceService devices, Caller caller) {
        this.devices = devices;
        this.caller = caller;
    }

    @POST
    @APIResponse(responseCode = "201", description = "Registered; Location names the new device")
    @APIResponse(responseCode = "200", description = "This (platform, token) was already registered and is now updated")
    public Uni<Response> register(@Valid @NotNull RegisterPushDevice body) {
        UUID orgId = orgId();
        return devices.register(orgId, caller.userId(), body).map(registered -> registered.created()
                ? Response.created(URI.create("/api/me/push-devices/" + registered.device().id())).entity(registered.device()).build()
                : Response.ok(registered.device()).build());
    }

    @GET
    public Uni<PageResponse<PushDeviceView>> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        orgId();
        return devices.list(caller.userId(), PageRequest.of(page, size));
    }

    @DELETE
    @Path("/{id}")
    @APIResponse(responseCode = "204", description = "Removed")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return devices.delete(orgId(), caller.userId(), id).map(ignored -> Response.noContent().build());
    }

    private UUID orgId() {
        return caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
    }
}
