package dev.switchboard.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Caller;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
import dev.switchboard.webhook.WebhookDtos.AttemptList;
import dev.switchboard.webhook.WebhookDtos.AttemptView;
import dev.switchboard.webhook.WebhookDtos.ReplayRequest;
import dev.switchboard.webhook.WebhookDtos.ReplayView;
import dev.switchboard.webhook.WebhookDtos.WebhookList;
import dev.switchboard.webhook.WebhookDtos.WebhookRequest;
import dev.switchboard.webhook.WebhookDtos.WebhookView;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** An org's webhooks (admins; docs/api.md "Webhooks"). */
@Path("/api/orgs/{orgId}/webhooks")
@Tag(name = "Webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class WebhookResource {

    private static final int MAX_ATTEMPTS_SHOWN = 100;

    private final WebhookService service;
    private final WebhookAddresses addresses;
    private final WebhookSender sender;
    private final Caller caller;

    public WebhookResource(WebhookService service, WebhookAddresses addresses, WebhookSender sender, Caller caller) {
        this.service = service;
        this.addresses = addresses;
        this.sender = sender;
        this.caller = caller;
    }

    @POST
    @APIResponse(responseCode = "201", description = "Created; the answer carries the secret, shown this once")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @Valid @NotNull WebhookRequest body) {
        caller.requireAdminOf(orgId);
        return checked(body.url()).flatMap(ignored -> service.create(orgId, body))
                .map(view -> Response.created(URI.create("/api/orgs/" + orgId + "/webhooks/" + view.id())).entity(view).build());
    }

    @GET
    public Uni<WebhookList> list(@PathParam("orgId") UUID orgId) {
        caller.requireAdminOf(orgId);
        return service.list(orgId).map(WebhookList::new);
    }

    @GET
    @Path("/{id}")
    public Uni<WebhookView> get(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireAdminOf(orgId);
        return service.get(orgId, id);
    }

    @PUT
    @Path("/{id}")
    public Uni<WebhookView> replace(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id, @Valid @NotNull WebhookRequest body) {
        caller.requireAdminOf(orgId);
        return checked(body.url()).flatMap(ignored -> service.replace(orgId, id, body));
    }

    @DELETE
    @Path("/{id}")
    @APIResponse(responseCode = "204", description = "Deleted, with its queued deliveries and log")
    public Uni<Response> delete(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireAdminOf(orgId);
        return service.delete(orgId, id).map(ignored -> Response.noContent().build());
    }

    /** Sends a signed {@code ping} now (also to a disabled endpoint) and answers how it went. */
    @POST
    @Path("/{id}/test")
    @APIResponse(responseCode = "200", description = "The attempt: outcome ping, with the receiver's status code or the error")
    public Uni<AttemptView> test(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id) {
        caller.requireAdminOf(orgId);
        return service.endpoint(orgId, id).flatMap(endpoint -> {
            String messageId = "msg_" + UUID.randomUUID().toString().replace("-", "");
            Instant at = Instant.now();
            return sender.send(endpoint.url(), endpoint.secret(), messageId, service.pingBody(orgId, endpoint.id()))
                    .flatMap(sent -> service.recordPing(endpoint.id(), messageId, at, sent));
        });
    }

    @GET
    @Path("/{id}/deliveries")
    public Uni<AttemptList> deliveries(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id, @QueryParam("limit") String limit) {
        caller.requireAdminOf(orgId);
        return service.attempts(orgId, id, limit(limit)).map(AttemptList::new);
    }

    @POST
    @Path("/{id}/replay")
    @APIResponse(responseCode = "202", description = "Queued again, after what is queued already")
    public Uni<Response> replay(@PathParam("orgId") UUID orgId, @PathParam("id") UUID id, @NotNull ReplayRequest body) {
        caller.requireAdminOf(orgId);
        if (body.since() == null || body.since() < 0) {
            throw ApiException.validation("since", "must be a seq, 0 or more");
        }
        return service.replay(orgId, id, body.since()).map(view -> Response.accepted(view).build());
    }

    private Uni<Void> checked(String url) {
        return addresses.resolve(url).replaceWithVoid().onFailure(WebhookAddresses.Refused.class)
                .transform(refused -> ApiException.unprocessable("url", refused.getMessage()));
    }

    private static int limit(String value) {
        if (value == null) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_ATTEMPTS_SHOWN) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.validation("limit", "must be a number from 1 to " + MAX_ATTEMPTS_SHOWN);
    }
}
