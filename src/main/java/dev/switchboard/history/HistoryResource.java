package dev.switchboard.history;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.Messages;
import io.smallrye.mutiny.Uni;

/** "Why didn't my phone ring at 14:03?": a user's history, for admins and the user. */
@Path("/api/orgs/{orgId}/users/{userId}/history")
@Tag(name = "History")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {

    static final String BEFORE = "Only items older than this: an ISO-8601 time, or the `next` value of the previous page";
    static final String LIMIT = "Items per page, 1–200 (default 50)";
    static final String TYPE = "Only these types, comma-separated: call, status, destination, plan, device_dnd, registration";

    private final HistoryService history;
    private final Caller caller;

    public HistoryResource(HistoryService history, Caller caller) {
        this.history = history;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME })
    public Uni<HistoryPage> history(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
            @Parameter(description = BEFORE) @QueryParam("before") String before,
            @Parameter(description = LIMIT) @QueryParam("limit") String limit,
            @Parameter(description = TYPE) @QueryParam("type") List<String> type,
            @HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String acceptLanguage) {
        caller.requireSelfOrAdmin(orgId, userId);
        HistoryQuery query = HistoryQuery.parse(before, limit, type);
        return history.page(orgId, userId, query, Messages.forAcceptLanguage(acceptLanguage));
    }
}
