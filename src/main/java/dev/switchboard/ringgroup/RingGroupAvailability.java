package dev.switchboard.ringgroup;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.availability.GroupAvailability;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.common.NativeSql;
import dev.switchboard.presence.GroupEvents;
import dev.switchboard.presence.PresenceObserver;
import io.smallrye.mutiny.Uni;

/**
 * Keeps each ring group's "n of m can take a call" with every recorded presence derivation, in the
 * writer's transaction: a member counts when a colleague's call to them would ring now (the same
 * derivation ring group routing skips members by). The situation already says how the user was
 * counted in each of their groups, so a derivation that changes nothing here costs no statement.
 * When it changes: the sequence row is locked first (every counter of group availability does
 * it, so each sees what the one before committed), then the flags are updated and the groups
 * whose count moved get a {@code group} event.
 */
@ApplicationScoped
public class RingGroupAvailability implements PresenceObserver {

    private static final String FLIP = "WITH f AS (UPDATE ring_group_members SET counted = $2 WHERE user_id = $1 AND counted <> $2 "
            + "RETURNING group_id) "
            + "SELECT g.id, g.name, g.internal_number, g.published_available, "
            // the statement's own update is not visible to its reads: count this member as flipped
            + "(SELECT count(*) FILTER (WHERE CASE WHEN m.user_id = $1 THEN $2 ELSE m.counted END) FROM ring_group_members m "
            + "WHERE m.group_id = g.id), "
            + "(SELECT count(*) FROM ring_group_members m WHERE m.group_id = g.id) "
            + "FROM ring_groups g WHERE g.id IN (SELECT group_id FROM f) ORDER BY g.id";

    private final GroupEvents events;

    public RingGroupAvailability(GroupEvents events) {
        this.events = events;
    }

    @Override
    public Uni<Void> recorded(Recorded change) {
        if (change.situation().groups().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        boolean counted = PresenceDerivation.cannotTakeCall(change.situation(), true, Instant.now()) == null;
        if (change.situation().groups().values().stream().allMatch(was -> was == counted)) {
            return Uni.createFrom().voidItem();
        }
        UUID orgId = change.orgId();
        return events.lockSeq(orgId)
                .flatMap(locked -> NativeSql.rows(FLIP, change.userId(), counted))
                .flatMap(groups -> announce(orgId, groups));
    }

    /**
     * A deleted member left their groups with their rows: every group of the org whose count no
     * longer matches what the stream said is announced (the sequence row is already held).
     */
    @Override
    public Uni<Void> removed(UUID orgId, UUID userId) {
        return NativeSql.rows(RECOUNT, orgId).flatMap(groups -> announce(orgId, groups, true));
    }

    private static final String RECOUNT = "SELECT g.id, g.name, g.internal_number, g.published_available, c.available, c.members "
            + "FROM ring_groups g CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE m.counted) AS available, count(*) AS members "
            + "FROM ring_group_members m WHERE m.group_id = g.id) c "
            + "WHERE g.org_id = $1 AND (g.published_available, g.published_members) IS DISTINCT FROM (c.available::int, c.members::int) "
            + "ORDER BY g.id";

    private Uni<Void> announce(UUID orgId, List<Object[]> groups) {
        return announce(orgId, groups, false);
    }

    private Uni<Void> announce(UUID orgId, List<Object[]> groups, boolean membersChanged) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Object[] g : groups) {
            GroupAvailability now = new GroupAvailability((UUID) g[0], (String) g[1], (String) g[2], ((Number) g[4]).intValue(),
                    ((Number) g[5]).intValue());
            // Emitted only when n changed (m only changes with admin edits, which announce themselves).
            if (membersChanged || g[3] == null || ((Number) g[3]).intValue() != now.available()) {
                chain = chain.flatMap(ignored -> events.changed(orgId, now));
            }
        }
        return chain;
    }
}
