package dev.switchboard.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import io.quarkus.panache.common.Sort;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.history.HistoryItem;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** A user's external numbers (E.164), candidates for call forwarding. */
@ApplicationScoped
public class FixedDestinationService {

    public static final String E164 = "^\\+[1-9][0-9]{6,14}$";

    public record CreateFixedDestination(
            @NotBlank @Pattern(regexp = E164, message = "must be an E.164 number, e.g. +31201234567") String number,
            @Size(max = 200) String description) {
    }

    public record FixedDestinationView(UUID id, UUID userId, String number, String description, long version,
            Instant createdAt) {
        static FixedDestinationView of(FixedDestination destination) {
            return new FixedDestinationView(destination.id, destination.userId, destination.number,
                    destination.description, destination.version, destination.createdAt);
        }
    }

    private final FixedDestinationRepository destinations;
    private final UserRepository users;
    private final PresenceChanges presence;
    private final History history;

    public FixedDestinationService(FixedDestinationRepository destinations, UserRepository users, PresenceChanges presence,
            History history) {
        this.history = history;
        this.destinations = destinations;
        this.users = users;
        this.presence = presence;
    }

    /**
     * The user is locked like in every other write to them: a User read unlocked would stay in the
     * session, and any later lock of it in this transaction would fail as stale if the user changed
     * meanwhile; and a concurrent delete of the user makes this a 404 instead of a foreign-key failure.
     */
    @WithTransaction
    public Uni<FixedDestinationView> create(UUID orgId, UUID userId, CreateFixedDestination request) {
        return users.requireInOrgForUpdate(orgId, userId).flatMap(user -> {
            FixedDestination destination = new FixedDestination();
            destination.id = UUID.randomUUID();
            destination.orgId = orgId;
            destination.userId = userId;
            destination.number = request.number();
            destination.description = request.description() == null ? "" : request.description().trim();
            destination.createdAt = Instant.now();
            return destinations.persistAndFlush(destination).map(FixedDestinationView::of);
        });
    }

    @WithSession
    public Uni<PageResponse<FixedDestinationView>> list(UUID orgId, UUID userId, PageRequest page) {
        return users.requireInOrg(orgId, userId)
                .flatMap(user -> page.fetch(destinations.find("userId", Sort.by("createdAt").and("id"), userId),
                        FixedDestinationView::of));
    }

    /** Deleting the selected destination leaves the user with none (and says so in presence). */
    @WithTransaction
    public Uni<Void> delete(UUID orgId, UUID userId, UUID id, Actor actor) {
        return users.requireInOrgForUpdate(orgId, userId).flatMap(user -> destinations.findById(id).flatMap(destination -> {
            if (destination == null || !userId.equals(destination.userId)) {
                throw ApiException.notFound("fixed destination");
            }
            boolean selected = user.destinationType == DestinationType.FIXED_DESTINATION && id.equals(user.destinationId);
            if (selected) {
                user.destinationType = null;
                user.destinationId = null;
            }
            return destinations.delete(destination)
                    .flatMap(ignored -> destinations.flush())
                    .flatMap(ignored -> selected ? presence.userChanged(orgId, userId)
                            .flatMap(changed -> history.write(HistoryItem.destinationRemoved(actor, orgId, userId,
                                    DestinationType.FIXED_DESTINATION.wire(), id)))
                            : Uni.createFrom().voidItem());
        }));
    }
}
