package dev.switchboard.schedule;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.schedule.ScheduleDtos.CreateSchedule;
import dev.switchboard.schedule.ScheduleDtos.ScheduleView;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** Any member's scheduled statuses, for the member and the organization's admins. */
@Path("/api/orgs/{orgId}/users/{userId}/schedules")
@Tag(name = "Schedules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class ScheduleResource {

    private final ScheduleService service;
    private final Caller caller;

    public ScheduleResource(ScheduleService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    public Uni<List<ScheduleView>> list(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.list(orgId, userId);
    }

    @POST
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId, CreateSchedule body) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.create(orgId, userId, body).map(ScheduleResource::created);
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId, @PathParam("id") UUID id) {
        caller.requireSelfOrAdmin(orgId, userId);
        return service.delete(orgId, userId, id).map(done -> Response.noContent().build());
    }

    static Response created(ScheduleView view) {
        return Response.status(Response.Status.CREATED).entity(view).build();
    }
}
