package dev.switchboard.presence;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.presence.PresenceService.OrgPresence;
import io.smallrye.mutiny.Uni;

@Path("/api/orgs/{orgId}/presence")
@Tag(name = "Presence")
@Produces(MediaType.APPLICATION_JSON)
public class PresenceResource {

    private final PresenceService service;
    private final Caller caller;

    public PresenceResource(PresenceService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    /** The same data as the socket snapshot: every colleague's presence at org sequence {@code seq}. */
    @GET
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<OrgPresence> presence(@PathParam("orgId") UUID orgId) {
        caller.requireOrg(orgId);
        return service.snapshot(orgId);
    }
}
