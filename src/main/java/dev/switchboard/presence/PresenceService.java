package dev.switchboard.presence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserRepository;
import dev.switchboard.availability.GroupAvailability;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Reads published presence: the org snapshot and a user's own view. */
@ApplicationScoped
public class PresenceService {

    /** The org at {@code seq}: every member's presence, and every ring group's availability. */
    public record OrgPresence(long seq, List<PresenceView> colleagues, List<GroupAvailability> groups) {
    }

    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final UserSituations situations;
    private final PresenceStore store;

    public PresenceService(UserRepository users, OrganizationRepository organizations, UserSituations situations,
            PresenceStore store) {
        this.users = users;
        this.organizations = organizations;
        this.situations = situations;
        this.store = store;
    }

    /** Every member's published presence with the org sequence number it is current at (one database snapshot). */
    @WithSession
    public Uni<OrgPresence> snapshot(UUID orgId) {
        return organizations.require(orgId).flatMap(org -> store.snapshot(orgId));
    }

    /**
     * The stored org events after {@code since}, oldest first, as the exact frames the socket
     * sends (already encoded: concatenated, not re-serialized). {@code seq} is the org's current
     * sequence; fewer events than {@code seq - since} means older ones were pruned.
     */
    @WithSession
    public Uni<String> eventsAfter(UUID orgId, long since, int limit) {
        return organizations.require(orgId)
                .flatMap(org -> store.eventPage(orgId, since, limit))
                .map(page -> "{\"seq\":" + page.seq() + ",\"events\":[" + page.frames() + "]}");
    }

    /** The user's view of themselves: published presence plus status, destination and reachability. */
    @WithSession
    public Uni<SelfView> self(UUID orgId, UUID userId) {
        return users.requireInOrg(orgId, userId)
                .flatMap(user -> organizations.require(orgId).flatMap(org -> situations.load(user, org)))
                .flatMap(loaded -> store.published(userId)
                        .map(stored -> {
                            var derived = PresenceDerivation.derive(loaded.situation(), Instant.now());
                            PresenceView published = stored == null
                                    ? new PresenceView(userId, loaded.user().name, loaded.user().internalNumber,
                                            derived.presence().availability(), derived.presence().effectiveStatus(),
                                            derived.presence().context(), derived.presence().reach(), loaded.user().createdAt)
                                    : stored.view();
                            return Selves.of(published, loaded.user(), loaded.situation(), derived);
                        }));
    }
}
