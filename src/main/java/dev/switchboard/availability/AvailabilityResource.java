package dev.switchboard.availability;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.availability.AvailabilityDtos.SetAvailability;
import dev.switchboard.common.Versions;
import dev.switchboard.common.Messages;
import dev.switchboard.history.Actor;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

@Path("/api/orgs/{orgId}/users/{userId}")
@Tag(name = "Availability")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class AvailabilityResource {

    private final AvailabilityService service;
    private final Caller caller;

    public AvailabilityResource(AvailabilityService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Path("/availability")
    public Uni<Response> get(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.get(orgId, userId).map(view -> Versions.ok(view, view.version()));
    }

    @PUT
    @Path("/availability")
    public Uni<Response> set(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
            @HeaderParam("If-Match") String ifMatch, @NotNull SetAvailability body) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.set(orgId, userId, body, ifMatch, Actor.of(caller.view(), userId)).map(view -> Versions.ok(view, view.version()));
    }

    /** "Why is / isn't my phone ringing": whether internal and external calls reach the user, and why. */
    @GET
    @Path("/reachability")
    public Uni<Reachability> reachability(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
            @HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String acceptLanguage) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.reachability(orgId, userId, Messages.forAcceptLanguage(acceptLanguage));
    }
}
