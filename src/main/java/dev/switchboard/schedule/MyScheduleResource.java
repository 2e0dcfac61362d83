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
import dev.switchboard.common.ApiException;
import dev.switchboard.schedule.ScheduleDtos.CreateSchedule;
import dev.switchboard.schedule.ScheduleDtos.ScheduleView;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** The signed-in member's own scheduled statuses. */
@Path("/api/me/schedules")
@Tag(name = "Schedules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.ADMIN_NAME, Role.USER_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class MyScheduleResource {

    private final ScheduleService service;
    private final Caller caller;

    public MyScheduleResource(ScheduleService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    public Uni<List<ScheduleView>> list() {
        return service.list(myOrg(), caller.userId());
    }

    @POST
    public Uni<Response> create(CreateSchedule body) {
        return service.create(myOrg(), caller.userId(), body).map(ScheduleResource::created);
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(myOrg(), caller.userId(), id).map(done -> Response.noContent().build());
    }

    private UUID myOrg() {
        return caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
    }
}
