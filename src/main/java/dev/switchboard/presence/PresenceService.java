package dev.switchboard.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserRepository;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.common.NativeSql;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Reads published presence: the org snapshot and a user's own view. */
@ApplicationScoped
public class PresenceService {

    public record OrgPresence(long seq, List<PresenceView> colleagues) {
    }

    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final UserSituations situations;

    public PresenceService(UserRepository users, OrganizationRepository organizations, UserSituations situations) {
        this.users = users;
        this.organizations = organizations;
        this.situations = situations;
    }

    /**
     * Every member's published presence with the org sequence number it is current at. One SQL
     * statement, so the two come from one database snapshot and can never disagree.
     */
    @WithSession
    public Uni<OrgPresence> snapshot(UUID orgId) {
        String sql = "SELECT s.seq, p.user_id, p.name, p.internal_number, p.availability, p.user_status, p.context, p.reach, p.since "
                + "FROM (SELECT coalesce((SELECT seq FROM presence_sequences WHERE org_id = $1), 0) AS seq) s "
                + "LEFT JOIN presence_states p ON p.org_id = $1 ORDER BY p.name, p.user_id";
        return organizations.require(orgId)
                .flatMap(org -> NativeSql.rows(sql, orgId))
                .map(rows -> {
                    long seq = ((Number) rows.get(0)[0]).longValue();
                    List<PresenceView> colleagues = new ArrayList<>(rows.size());
                    for (Object[] row : rows) {
                        if (row[1] != null) {
                            colleagues.add(PresenceRecorder.fromRow((UUID) row[1], row, 2));
                        }
                    }
                    return new OrgPresence(seq, colleagues);
                });
    }

    /**
     * The stored org events after {@code since}, oldest first, as the exact frames the socket
     * sends (already encoded: concatenated, not re-serialized). {@code seq} is the org's current
     * sequence; fewer events than {@code seq - since} means older ones were pruned.
     */
    @WithSession
    public Uni<String> eventsAfter(UUID orgId, long since, int limit) {
        String sql = "SELECT coalesce((SELECT seq FROM presence_sequences WHERE org_id = $1), 0), "
                + "coalesce((SELECT string_agg(frame, ',' ORDER BY seq) FROM (SELECT seq, frame FROM presence_events "
                + "WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) page), '')";
        return organizations.require(orgId)
                .flatMap(org -> NativeSql.row(sql, orgId, since, limit))
                .map(row -> "{\"seq\":" + ((Number) row[0]).longValue() + ",\"events\":[" + row[1] + "]}");
    }

    /** The user's view of themselves: published presence plus status, destination and reachability. */
    @WithSession
    public Uni<SelfView> self(UUID orgId, UUID userId) {
        String sql = "SELECT name, internal_number, availability, user_status, context, reach, since FROM presence_states WHERE user_id = $1";
        return users.requireInOrg(orgId, userId)
                .flatMap(user -> organizations.require(orgId).flatMap(org -> situations.load(user, org)))
                .flatMap(loaded -> NativeSql.row(sql, userId)
                        .map(row -> {
                            var derived = PresenceDerivation.derive(loaded.situation(), Instant.now());
                            PresenceView published = row == null
                                    ? new PresenceView(userId, loaded.user().name, loaded.user().internalNumber,
                                            derived.presence().availability(), derived.presence().effectiveStatus(),
                                            derived.presence().context(), derived.presence().reach(), loaded.user().createdAt)
                                    : PresenceRecorder.fromRow(userId, row, 0);
                            return Selves.of(published, loaded.user(), derived);
                        }));
    }
}
