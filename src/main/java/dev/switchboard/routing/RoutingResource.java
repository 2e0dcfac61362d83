package dev.switchboard.routing;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.HeaderParam;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.availability.RouteAnswer;
import dev.switchboard.history.Actor;
import dev.switchboard.routing.RoutingService.RouteRequest;
import dev.switchboard.common.Messages;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

@Path("/api/orgs/{orgId}/calls/route")
@Tag(name = "Call routing")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class RoutingResource {

    private final RoutingService routing;
    private final Caller caller;

    public RoutingResource(RoutingService routing, Caller caller) {
        this.routing = routing;
        this.caller = caller;
    }

    /**
     * ring / forward / reject / voicemail for a call from {@code from} (internal number or E.164) to
     * internal number {@code to} (a user, a VoIP account or a ring group), with the whole plan.
     */
    @POST
    @RolesAllowed({ Role.PLATFORM_NAME, Role.OPERATOR_NAME, Role.ADMIN_NAME })
    public Uni<RouteAnswer> route(@PathParam("orgId") UUID orgId, @Valid @NotNull RouteRequest body,
            @HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String acceptLanguage) {
        if (!caller.isPlatform()) {
            caller.requireAdminOf(orgId);
        }
        return routing.route(orgId, body, Actor.of(caller.view(), null), Messages.forAcceptLanguage(acceptLanguage));
    }
}
