package dev.switchboard.push;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
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
import dev.switchboard.push.WatchService.CreateWatch;
import dev.switchboard.push.WatchService.WatchView;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** "Tell me when this colleague is available": the caller's pending watches. */
@Path("/api/me/watches")
@Tag(name = "Mobile push")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class WatchResource {

    private final WatchService watches;
    private final Caller caller;

    public WatchResource(WatchService watches, Caller caller) {
        this.watches = watches;
        this.caller = caller;
    }

    @POST
    @APIResponse(responseCode = "201", description = "Watching (or, with firedAt set, fired at once: the colleague is available now)")
    @APIResponse(responseCode = "200", description = "Already watching this colleague: the existing watch")
    public Uni<Response> create(@NotNull CreateWatch body) {
        if (body.userId() == null) {
            throw ApiException.validation("userId", "must not be null");
        }
        return watches.create(orgId(), caller.userId(), body.userId()).map(created -> created.created()
                ? Response.created(URI.create("/api/me/watches/" + created.watch().id())).entity(created.watch()).build()
                : Response.ok(created.watch()).build());
    }

    @GET
    public Uni<PageResponse<WatchView>> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        orgId();
        return watches.list(caller.userId(), PageRequest.of(page, size));
    }

    @DELETE
    @Path("/{id}")
    @APIResponse(responseCode = "204", description = "No longer watching")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        orgId();
        return watches.delete(caller.userId(), id).map(ignored -> Response.noContent().build());
    }

    private UUID orgId() {
        return caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
    }
}
