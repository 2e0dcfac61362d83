package dev.switchboard.presence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.User;
import dev.switchboard.availability.GroupAvailability;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Messages;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads published presence: the org snapshot and a user's own view. */
@ApplicationScoped
public class PresenceService {

    /** The org at {@code seq}: every member's presence, and every ring group's availability. */
    public record OrgPresence(long seq, List<PresenceView> colleagues, List<GroupAvailability> groups) {
    }

    private final OrganizationRepository organizations;
    private final PresenceStore store;
    private final Pool pool;
    private final String selfSql;

    public PresenceService(OrganizationRepository organizations, UserSituations situations, PresenceStore store, Pool pool) {
        this.organizations = organizations;
        this.store = store;
        this.pool = pool;
        this.selfSql = PresenceSubject.sql(situations, "");
    }

    /** Every member's published presence with the org sequence number it is current at (one database snapshot). */
    @WithSession
    public Uni<OrgPresence> snapshot(UUID orgId) {
        return organizations.require(orgId).flatMap(org -> store.snapshot(orgId));
    }

    /** {@link #snapshot} with only these members (ids of non-members are left out). */
    @WithSession
    public Uni<OrgPresence> colleagues(UUID orgId, java.util.Set<UUID> userIds) {
        return organizations.require(orgId).flatMap(org -> store.snapshot(orgId, userIds));
    }

    /** One member's published presence; 404 when the id is no member of the org. */
    @WithSession
    public Uni<PresenceView> colleague(UUID orgId, UUID userId) {
        return colleagues(orgId, java.util.Set.of(userId)).map(org -> {
            if (org.colleagues().isEmpty()) {
                throw ApiException.notFound("user");
            }
            return org.colleagues().get(0);
        });
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

    /**
     * The user's view of themselves: published presence plus status, destination and reachability.
     * One statement on the pool, no Hibernate session: every socket's first frame, every resume and
     * {@code GET /api/me} read it. A user who is not a member of the org is a 404.
     */
    public Uni<SelfView> self(UUID orgId, UUID userId, Messages m) {
        return pool.preparedQuery(selfSql).execute(Tuple.of(orgId, userId)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiException.notFound("user");
            }
            Row row = rows.iterator().next();
            Object[] values = new Object[row.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.getValue(i);
            }
            PresenceSubject.Read read = PresenceSubject.read(orgId, userId, values);
            User user = read.user();
            var derived = PresenceDerivation.derive(read.situation(), Instant.now(), m);
            PresenceView published = read.published() != null ? read.published()
                    : new PresenceView(userId, user.name, user.internalNumber, derived.presence().availability(),
                            derived.presence().effectiveStatus(), derived.presence().context(), derived.presence().reach(),
                            user.createdAt, user.note);
            return Selves.of(published, user, read.situation(), derived, read.scheduled());
        });
    }
}
