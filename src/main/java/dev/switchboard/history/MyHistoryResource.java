package dev.switchboard.history;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Messages;
import io.smallrye.mutiny.Uni;

/** The signed-in member's own history. */
@Path("/api/me/history")
@Tag(name = "History")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.ADMIN_NAME, Role.USER_NAME })
public class MyHistoryResource {

    private final HistoryService history;
    private final Caller caller;

    public MyHistoryResource(HistoryService history, Caller caller) {
        this.history = history;
        this.caller = caller;
    }

    @GET
    public Uni<HistoryPage> history(@Parameter(description = HistoryResource.BEFORE) @QueryParam("before") String before,
            @Parameter(description = HistoryResource.LIMIT) @QueryParam("limit") String limit,
            @Parameter(description = HistoryResource.TYPE) @QueryParam("type") List<String> type,
            @HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String acceptLanguage) {
        UUID orgId = caller.orgId().orElseThrow(() -> ApiException.forbidden("This needs a member's token."));
        UUID userId = caller.userId();
        return history.page(orgId, userId, HistoryQuery.parse(before, limit, type), Messages.forAcceptLanguage(acceptLanguage));
    }
}
