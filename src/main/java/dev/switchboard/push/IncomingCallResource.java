package dev.switchboard.push;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.Role;
import dev.switchboard.push.IncomingCalls.IncomingCall;
import dev.switchboard.push.IncomingCalls.Outcome;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** The SIP platform asks to wake an app account before ringing it (routing said {@code wakeUp: true}). */
@Path("/api/platform/incoming-call")
@Tag(name = "SIP platform")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.PLATFORM_NAME)
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class IncomingCallResource {

    public record IncomingCallRequest(@NotBlank @Size(max = 64) String sipUsername, @NotBlank @Size(max = 256) String callId,
            @NotBlank @Size(max = 64) String callerId, @Size(max = 200) String callerName) {
    }

    private final IncomingCalls calls;

    public IncomingCallResource(IncomingCalls calls) {
        this.calls = calls;
    }

    /**
     * Answers when the app has answered, registered, or the deadline passed (default 4 s); the
     * request is held without holding a thread.
     */
    @POST
    @Operation(summary = "Wake an app account by push",
            description = "{\"status\": \"ACK\"} when the app answered available or registered; {\"status\": \"NAK\"} with a reason otherwise")
    public Uni<Outcome> incomingCall(@Valid @NotNull IncomingCallRequest body) {
        return calls.wakeUp(new IncomingCall(body.sipUsername(), body.callId(), body.callerId(), body.callerName()));
    }
}
