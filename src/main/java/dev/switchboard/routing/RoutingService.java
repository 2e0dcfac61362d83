package dev.switchboard.routing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.Size;

import dev.switchboard.account.InternalNumbers;
import dev.switchboard.account.UserRepository;
import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.PushReachability;
import dev.switchboard.availability.RouteDecision;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.account.FixedDestinationService;
import dev.switchboard.organization.Organization;
import dev.switchboard.organization.OrganizationRepository;
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

    private final OrganizationRepository organizations;
    private final UserRepository users;
    private final VoipAccountRepository accounts;
    private final UserSituations situations;
    private final LiveDeviceStates liveStates;
    private final PushReachability push;

    public RoutingService(OrganizationRepository organizations, UserRepository users, VoipAccountRepository accounts,
            UserSituations situations, LiveDeviceStates liveStates, PushReachability push) {
        this.organizations = organizations;
        this.users = users;
        this.accounts = accounts;
        this.situations = situations;
        this.liveStates = liveStates;
        this.push = push;
    }

    @WithSession
    public Uni<RouteDecision> route(UUID orgId, RouteRequest request) {
        String from = request.from() == null ? "" : request.from().trim();
        String to = request.to() == null ? "" : request.to().trim();
        boolean external = from.matches(FixedDestinationService.E164);
        if (!external && !from.matches(InternalNumbers.PATTERN)) {
            throw ApiException.validation("from", "must be an internal number of the organization or an E.164 number");
        }
        if (!to.matches(InternalNumbers.PATTERN)) {
            throw ApiException.validation("to", "must be an internal number of a user or a VoIP account");
        }
        return organizations.require(orgId).flatMap(org -> (external ? Uni.createFrom().item(true) : ownerOf(orgId, from).map(o -> o != null))
                .flatMap(known -> {
                    if (!known) {
                        throw ApiException.unprocessable("from", "is not an internal number of this organization");
                    }
                    return ownerOf(orgId, to);
                })
                .flatMap(owner -> {
                    if (owner == null) {
                        throw ApiException.notFound("internal number " + to);
                    }
                    return routeTo(org, owner, !external);
                }));
    }

    private Uni<RouteDecision> routeTo(Organization org, UUID owner, boolean internalCaller) {
        Instant now = Instant.now();
        return users.findById(owner).flatMap(user -> {
            if (user != null) {
                return situations.load(user, org).map(loaded -> PresenceDerivation.routeToUser(loaded.situation(), internalCaller, now));
            }
            return accounts.findById(owner).flatMap(account -> liveStates.of(account.id)
                    .flatMap(live -> push.accountsWithPushDevices(List.of(account.id))
                            .flatMap(pushable -> {
                                var device = UserSituations.deviceState(account, live, pushable.contains(account.id));
                                if (account.userId == null) {
                                    return Uni.createFrom().item(PresenceDerivation.routeToDevice(device, null,
                                            org.applyUserStatusToDevices, internalCaller, now));
                                }
                                return users.findById(account.userId).flatMap(ownerUser -> situations.load(ownerUser, org))
                                        .map(loaded -> PresenceDerivation.routeToDevice(device, loaded.situation(),
                                                org.applyUserStatusToDevices, internalCaller, now));
                            })));
        });
    }

    private Uni<UUID> ownerOf(UUID orgId, String number) {
        return NativeSql.value(UUID.class, "SELECT owner_id FROM internal_numbers WHERE org_id = $1 AND number = $2", orgId, number);
    }
}
