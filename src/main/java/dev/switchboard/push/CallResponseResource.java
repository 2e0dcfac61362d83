package dev.switchboard.push;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/**
 * The app's answer to a call push. No bearer token: the single-use {@code callKey} from the push
 * is the credential (only its SHA-256 is stored; it expires at the wake-up's deadline).
 */
@Path(CallResponseResource.PATH)
@Tag(name = "Mobile push")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@PermitAll
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class CallResponseResource {

    static final String PATH = "/api/push/call-responses";

    public record CallResponse(@NotBlank @Size(max = 256) String callKey, @NotNull Boolean available,
            @Size(max = 200) String reason) {
    }

    private final IncomingCalls calls;

    public CallResponseResource(IncomingCalls calls) {
        this.calls = calls;
    }

    @POST
    @SecurityRequirements
    @APIResponse(responseCode = "204", description = "Recorded; the waiting incoming-call request answers ACK (available) or NAK")
    @APIResponse(responseCode = "404", description = "Unknown call key")
    @APIResponse(responseCode = "410", description = "The call key was already used or has expired")
    public Uni<Response> respond(@Valid @NotNull CallResponse body) {
        return calls.respond(body.callKey(), body.available(), body.reason()).map(ignored -> Response.noContent().build());
    }
}
