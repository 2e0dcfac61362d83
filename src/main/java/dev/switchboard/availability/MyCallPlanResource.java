package dev.switchboard.availability;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.history.Actor;
import dev.switchboard.auth.Role;
import dev.switchboard.availability.CallPlanDtos.CallPlanBody;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Versions;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** The signed-in member's own call plan: the same as {@code …/users/{self}/call-plan}. */
@Path("/api/me/call-plan")
@Tag(name = "Me")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class MyCallPlanResource {

    private final CallPlanService plans;
    private final Caller caller;

    public MyCallPlanResource(CallPlanService plans, Caller caller) {
        this.plans = plans;
        this.caller = caller;
    }

    @GET
    public Uni<Response> get() {
        return plans.get(orgId(), caller.userId()).map(view -> Versions.ok(view, view.version()));
    }

    @PUT
    public Uni<Response> put(@HeaderParam("If-Match") String ifMatch, @NotNull CallPlanBody body) {
        return plans.put(orgId(), caller.userId(), body, ifMatch, Actor.self(caller.userId())).map(view -> Versions.ok(view, view.version()));
    }

    private UUID orgId() {
        return caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
    }
}
