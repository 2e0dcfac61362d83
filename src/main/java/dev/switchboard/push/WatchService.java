package dev.switchboard.push;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserRepository;
import dev.switchboard.availability.Availability;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.SwitchboardConfig;
import dev.switchboard.presence.PresenceStore;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * "Tell me when this colleague is available." A watch is one-shot: the transaction in which the
 * colleague's presence turns available / available for colleagues deletes it, queues one push per
 * device of the watcher in the outbox and tells every replica ({@link PushMessages.WatchFired}) to send {@code watch_fired} to the
 * watcher's sockets — all or nothing.
 */
@ApplicationScoped
public class WatchService {

    public record CreateWatch(UUID userId) {
    }

    /** {@code firedAt} is set only in the answer to a POST that fired at once (the colleague was already available). */
    @RegisterForReflection
    public record WatchView(UUID id, UUID userId, Instant createdAt, Instant firedAt) {
    }

    public record Created(WatchView watch, boolean created) {
    }

    private final UserRepository users;
    private final ClusterBus bus;
    private final PresenceStore presence;
    private final SwitchboardConfig.Push config;

    public WatchService(UserRepository users, ClusterBus bus, PresenceStore presence, SwitchboardConfig config) {
        this.users = users;
        this.presence = presence;
        this.bus = bus;
        this.config = config.push();
    }

    /**
     * The colleague's row is locked first, as the presence recorder does, so a watch is either
     * seen by the transaction that makes the colleague available or is created after it — and
     * then finds them available and fires at once. Watching someone twice answers the existing watch.
     */
    @WithTransaction
    public Uni<Created> create(UUID orgId, UUID watcherId, UUID userId) {
        if (watcherId.equals(userId)) {
            throw ApiException.unprocessable("userId", "you cannot watch yourself");
        }
        return users.requireInOrgForUpdate(orgId, userId).flatMap(colleague -> NativeSql
                .row("SELECT id, created_at FROM push_watches WHERE watcher_id = $1 AND user_id = $2", watcherId, userId)
                .flatMap(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(new Created(
                                new WatchView((UUID) existing[0], userId, NativeSql.instant(existing[1]), null), false));
                    }
                    return watchCount(watcherId)
                            .flatMap(count -> {
                                if (count >= config.maxWatchesPerUser()) {
                                    throw ApiException.unprocessable("userId",
                                            "you already watch the maximum of " + config.maxWatchesPerUser() + " colleagues");
                                }
                                UUID id = UUID.randomUUID();
                                return NativeSql.row("INSERT INTO push_watches (id, org_id, watcher_id, user_id) "
                                        + "VALUES ($1, $2, $3, $4) RETURNING created_at", id, orgId, watcherId, userId)
                                        .map(row -> NativeSql.instant(row[0]))
                                        .flatMap(createdAt -> availableNow(userId).flatMap(available -> available
                                                ? fire(orgId, userId, colleague.name).replaceWith(new Created(
                                                        new WatchView(id, userId, createdAt, Instant.now()), true))
                                                : Uni.createFrom().item(new Created(
                                                        new WatchView(id, userId, createdAt, null), true))));
                            });
                }));
    }

    @WithSession
    public Uni<PageResponse<WatchView>> list(UUID watcherId, PageRequest page) {
        String sql = "SELECT id, user_id, created_at FROM push_watches WHERE watcher_id = $1 ORDER BY created_at, id "
                + "LIMIT $2 OFFSET $3";
        return NativeSql.rows(sql, watcherId, page.size(), page.offset())
                .flatMap(rows -> watchCount(watcherId)
                        .map(total -> page.respond(rows.stream().map(row -> new WatchView((UUID) row[0],
                                (UUID) row[1], NativeSql.instant(row[2]), null)).toList(), total)));
    }

    private static Uni<Long> watchCount(UUID watcherId) {
        return NativeSql.value(Long.class, "SELECT count(*) FROM push_watches WHERE watcher_id = $1", watcherId);
    }

    @WithTransaction
    public Uni<Void> delete(UUID watcherId, UUID id) {
        return NativeSql.update("DELETE FROM push_watches WHERE id = $1 AND watcher_id = $2", id, watcherId)
                .invoke(deleted -> {
                    if (deleted == 0) {
                        throw ApiException.notFound("watch");
                    }
                }).replaceWithVoid();
    }

    /**
     * Fires every watch on this colleague, inside the caller's transaction: deletes them, queues
     * the watchers' pushes, and announces {@code w:<org>:<watcher>:<colleague>} to all replicas.
     */
    Uni<Void> fire(UUID orgId, UUID userId, String name) {
        String fired = "DELETE FROM push_watches WHERE user_id = $1 RETURNING id, watcher_id";
        String enqueue = "INSERT INTO push_outbox (id, org_id, push_device_id, kind, payload) "
                + "SELECT gen_random_uuid(), d.org_id, d.id, 'watch_fired', $2 FROM " + PushDeviceService.LIVE
                + " WHERE d.user_id = $1 AND (d.platform = 'fcm' OR d.alert_token IS NOT NULL)";
        return NativeSql.rows(fired, userId).flatMap(watches -> {
            List<Object[]> ordered = watches.stream().sorted((a, b) -> a[1].toString().compareTo(b[1].toString())).toList();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Object[] watch : ordered) {
                UUID watchId = (UUID) watch[0];
                UUID watcher = (UUID) watch[1];
                String payload = new JsonObject().put("watchId", watchId.toString()).put("userId", userId.toString())
                        .put("name", name).encode();
                chain = chain
                        .flatMap(ignored -> NativeSql.update(enqueue, watcher, payload))
                        .flatMap(ignored -> bus.publish(new PushMessages.WatchFired(orgId, watcher, userId)));
            }
            return chain;
        });
    }

    /** What colleagues currently see of this user. */
    private Uni<Boolean> availableNow(UUID userId) {
        return presence.availability(userId)
                .map(availability -> availability == Availability.AVAILABLE || availability == Availability.AVAILABLE_FOR_COLLEAGUES);
    }
}
