package dev.switchboard.platform;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.account.VoipAccountDtos.DeviceStateView;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
import dev.switchboard.platform.PlatformService.CallState;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** What the SIP platform tells Switchboard about devices. Every answer is the device's resulting live state. */
@Path("/api/platform")
@Tag(name = "SIP platform")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.PLATFORM_NAME)
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class PlatformResource {

    /** {@code expiresIn} (seconds) is required when registering; a registration lapses by itself after it. */
    public record Registration(@NotNull Boolean registered, @Min(1) @Max(86_400) Long expiresIn,
            @Size(max = 256) String userAgent, @Size(max = 1024) String contact) {
    }

    public record Dnd(@NotNull Boolean dnd) {
    }

    /**
     * {@code step}: which step of the route's plan this device was rung in (1-based, optional);
     * {@code no_answer}: the step's ring time ran out on this device (for the device, the call ended).
     */
    public record CallEvent(@NotBlank @Size(max = 256) String callId, @NotBlank @Size(max = 64) String sipUsername, @NotNull CallState state,
            @Min(1) @Max(1000) Integer step) {
    }

    private final PlatformService platform;

    public PlatformResource(PlatformService platform) {
        this.platform = platform;
    }

    @PUT
    @Path("/registrations/{sipUsername}")
    public Uni<DeviceStateView> registration(@PathParam("sipUsername") @Size(max = 64) String sipUsername, @Valid @NotNull Registration body) {
        if (body.registered() && body.expiresIn() == null) {
            throw ApiException.validation("expiresIn", "is required when registered is true");
        }
        return platform.registration(sipUsername, body.registered(), body.registered() ? body.expiresIn() : 0,
                body.userAgent(), body.contact());
    }

    /** The same as PUT: some proxies' HTTP clients (Kamailio 5.6's http_client) send only GET and POST. */
    @POST
    @Path("/registrations/{sipUsername}")
    public Uni<DeviceStateView> registrationByPost(@PathParam("sipUsername") @Size(max = 64) String sipUsername,
            @Valid @NotNull Registration body) {
        return registration(sipUsername, body);
    }

    /** For the SIP registrar: the digest HA1 values of a device (the password itself is never stored). */
    @GET
    @Path("/sip-credentials/{sipUsername}")
    public Uni<PlatformService.SipCredentialsView> credentials(@PathParam("sipUsername") @Size(max = 64) String sipUsername) {
        return platform.credentials(sipUsername);
    }

    @PUT
    @Path("/dnd/{sipUsername}")
    public Uni<DeviceStateView> dnd(@PathParam("sipUsername") @Size(max = 64) String sipUsername, @Valid @NotNull Dnd body) {
        return platform.dnd(sipUsername, body.dnd());
    }

    /** The same as PUT, for proxies that send only GET and POST. */
    @POST
    @Path("/dnd/{sipUsername}")
    public Uni<DeviceStateView> dndByPost(@PathParam("sipUsername") @Size(max = 64) String sipUsername, @Valid @NotNull Dnd body) {
        return dnd(sipUsername, body);
    }

    @POST
    @Path("/call-events")
    public Uni<DeviceStateView> callEvent(@Valid @NotNull CallEvent body) {
        return platform.callEvent(body.sipUsername(), body.callId(), body.state(), body.step());
    }
}
