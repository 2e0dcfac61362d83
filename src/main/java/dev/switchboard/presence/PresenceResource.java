package dev.switchboard.presence;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

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

    /** Ids one look-up may ask for. */
    static final int MAX_LOOKUP_IDS = 200;

    /**
     * The same data as the socket snapshot: every colleague's presence at org sequence {@code seq};
     * with {@code userIds} (comma-separated, or the parameter repeated) only those colleagues, ids
     * that are no member of the org left out.
     */
    @GET
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<OrgPresence> presence(@PathParam("orgId") UUID orgId, @QueryParam("userIds") List<String> userIds,
            @Context UriInfo uri) {
        caller.requireOrg(orgId);
        if (userIds == null || userIds.isEmpty()) {
            // "?userIds=" names no id: a mistake, not a request for everybody
            List<String> raw = uri.getQueryParameters().get("userIds");
            return raw == null ? service.snapshot(orgId) : service.colleagues(orgId, lookupIds(List.of("")));
        }
        return service.colleagues(orgId, lookupIds(userIds));
    }

    /** One colleague's presence: 404 when the id is no member of the org (a foreign user included). */
    @GET
    @Path("/{userId}")
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<PresenceView> colleague(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId) {
        caller.requireOrg(orgId);
        return service.colleague(orgId, userId);
    }

    /** 1 to {@link #MAX_LOOKUP_IDS} UUIDs, duplicates counted once; anything else is a 400 on {@code userIds}. */
    private static Set<UUID> lookupIds(List<String> raw) {
        Set<UUID> ids = new LinkedHashSet<>();
        int listed = 0;
        for (String value : raw) {
            for (String id : value.split(",", -1)) {
                if (++listed > MAX_LOOKUP_IDS) {
                    throw ApiException.validation("userIds", "must list at most " + MAX_LOOKUP_IDS + " user ids");
                }
                try {
                    String trimmed = id.trim();
                    if (trimmed.length() != 36) {
                        throw new IllegalArgumentException();
                    }
                    ids.add(UUID.fromString(trimmed));
                } catch (IllegalArgumentException e) {
                    throw ApiException.validation("userIds", "must be user ids (UUIDs) separated by commas");
                }
            }
        }
        return ids;
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
