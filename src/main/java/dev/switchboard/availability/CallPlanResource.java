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

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.history.Actor;
import dev.switchboard.auth.Role;
import dev.switchboard.availability.CallPlanDtos.CallPlanBody;
import dev.switchboard.common.Versions;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** A user's call plan, for the user and their admins. */
@Path("/api/orgs/{orgId}/users/{userId}/call-plan")
@Tag(name = "Availability")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class CallPlanResource {

    private final CallPlanService plans;
    private final Caller caller;

    public CallPlanResource(CallPlanService plans, Caller caller) {
        this.plans = plans;
        this.caller = caller;
    }

    @GET
    public Uni<Response> get(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId) {
        caller.requireSelfOrAdmin(orgId, userId);
        return plans.get(orgId, userId).map(view -> Versions.ok(view, view.version()));
    }

    /** Replaces the whole plan; {@code If-Match} (412) or a body {@code version} (409) guard against lost updates. */
    @PUT
    public Uni<Response> put(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
            @HeaderParam("If-Match") String ifMatch, @NotNull CallPlanBody body) {
        caller.requireSelfOrAdmin(orgId, userId);
        return plans.put(orgId, userId, body, ifMatch, Actor.of(caller.view(), userId)).map(view -> Versions.ok(view, view.version()));
    }
}
