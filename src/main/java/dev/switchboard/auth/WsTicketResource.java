package dev.switchboard.auth;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.WsTicketService.Ticket;
import dev.switchboard.auth.WsTicketService.TicketHolder;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code POST /api/ws-tickets}: a single-use ticket (≤ 30 s) for {@code /ws/presence?ticket=…}. */
@Path("/api/ws-tickets")
@Tag(name = "Authentication")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Role.OPERATOR_NAME, Role.ADMIN_NAME, Role.USER_NAME, Role.PLATFORM_NAME })
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class WsTicketResource {

    private final WsTicketService tickets;
    private final JsonWebToken jwt;

    public WsTicketResource(WsTicketService tickets, JsonWebToken jwt) {
        this.tickets = tickets;
        this.jwt = jwt;
    }

    @POST
    public Uni<Ticket> issue() {
        Caller.CallerView caller = Caller.of(jwt);
        return tickets.issue(new TicketHolder(jwt.getSubject(), caller.orgId(), caller.groups(), jwt.getName(),
                Instant.ofEpochSecond(jwt.getExpirationTime()),
                caller.userId() == null ? null : CredentialStamp.version(jwt)));
    }
}
