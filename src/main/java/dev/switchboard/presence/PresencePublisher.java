package dev.switchboard.presence;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;

/**
 * Announces recorded changes to every replica with PostgreSQL NOTIFY, inside the recording
 * transaction: a notification is delivered if and only if the change commits, in commit order.
 * Payloads are tiny (ids only); listeners read the frame from {@code presence_events}.
 */
@ApplicationScoped
public class PresencePublisher {

    public static final String CHANNEL = "switchboard_presence";

    /** {@code e:<orgId>:<seq>} — an org event was stored. */
    public Uni<Void> orgEvent(UUID orgId, long seq) {
        return notify("e:" + orgId + ":" + seq);
    }

    /** {@code m:<orgId>:<userId>} — what this user sees of themselves changed. */
    public Uni<Void> selfChanged(UUID orgId, UUID userId) {
        return notify("m:" + orgId + ":" + userId);
    }

    /** {@code d:<orgId>} — the organization was deleted; its sockets close. */
    public Uni<Void> orgDeleted(UUID orgId) {
        return notify("d:" + orgId);
    }

    /**
     * Another feature's payload ({@code <prefix>:…}, see {@link ChannelHandler}), delivered to
     * every replica if and only if the current transaction commits.
     */
    public Uni<Void> publish(String payload) {
        return notify(payload);
    }

    private Uni<Void> notify(String payload) {
        return NativeSql.rows("SELECT pg_notify($1, $2)", CHANNEL, payload).replaceWithVoid();
    }
}
