package dev.switchboard.presence;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
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

    /**
     * The org's presence events after {@code since} (at most {@code limit}, default 500), for
     * clients that poll instead of holding a socket, and for auditing. Same frames as the socket.
     */
    @GET
    @Path("/events")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<String> events(@PathParam("orgId") UUID orgId, @QueryParam("since") String since,
            @QueryParam("limit") String limit) {
        caller.requireOrg(orgId);
        long after = parse(since, 0, "since", 0, Long.MAX_VALUE);
        int max = (int) parse(limit, 500, "limit", 1, 1000);
        return service.eventsAfter(orgId, after, max);
    }

    private static long parse(String raw, long fallback, String field, long min, long max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.validation(field, "must be a whole number from " + min + " to " + max);
    }
}
