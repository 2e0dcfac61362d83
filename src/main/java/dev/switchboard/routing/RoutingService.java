package dev.switchboard.routing;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.Size;

import dev.switchboard.account.InternalNumbers;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.RouteDecision;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.common.ApiException;
import dev.switchboard.account.FixedDestinationService;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * The dial-plan step: where should a call from {@code from} to {@code to} go right now. Uses the
 * same derivation as presence, so what colleagues see and what happens to a call agree.
 */
@ApplicationScoped
public class RoutingService {

    public record RouteRequest(@Size(max = 32) String from, @Size(max = 32) String to) {
    }

    private final UserSituations situations;
    private final History history;

    public RoutingService(UserSituations situations, History history) {
        this.situations = situations;
        this.history = history;
    }

    /**
     * Read-only and one statement: the callee's whole situation comes back at once, no transaction,
     * no lock. The decision goes to the callee's history, asked for by {@code actor}.
     */
    @WithSession
    public Uni<RouteDecision> route(UUID orgId, RouteRequest request, Actor actor) {
        String from = request.from() == null ? "" : request.from().trim();
        String to = request.to() == null ? "" : request.to().trim();
        boolean external = from.matches(FixedDestinationService.E164);
        if (!external && !from.matches(InternalNumbers.PATTERN)) {
            throw ApiException.validation("from", "must be an internal number of the organization or an E.164 number");
        }
        if (!to.matches(InternalNumbers.PATTERN)) {
            throw ApiException.validation("to", "must be an internal number of a user or a VoIP account");
        }
        return situations.callee(orgId, external ? null : from, to).map(callee -> {
            if (!callee.orgFound()) {
                throw ApiException.notFound("organization");
            }
            if (!callee.callerKnown()) {
                throw ApiException.unprocessable("from", "is not an internal number of this organization");
            }
            if (callee.ownerId() == null) {
                throw ApiException.notFound("internal number " + to);
            }
            Instant now = Instant.now();
            boolean internalCaller = !external;
            RouteDecision decision = callee.device() == null
                    ? PresenceDerivation.routeToUser(callee.user(), internalCaller, now)
                    : PresenceDerivation.routeToDevice(callee.device(), callee.user(), callee.rules().applyUserStatusToDevices(),
                            internalCaller, now);
            if (callee.user() != null) {
                // Queued: the answer does not wait for its history item.
                history.routed(actor, orgId, callee.user().userId(), from, decision);
            }
            return decision;
        });
    }
}
