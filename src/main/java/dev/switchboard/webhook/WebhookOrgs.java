package dev.switchboard.webhook;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Which orgs have a webhook (enabled or not: a disabled one records the events it misses, for a
 * replay), remembered per replica so that a presence change or a call in an org without one (the
 * common case) costs no statement at all. Every change of an org's webhooks is
 * announced on the cluster bus ({@link WebhookMessages.WebhooksChanged}) and forgets the org here;
 * a resubscribe forgets everything. A lookup that raced with such a message is not kept.
 */
@ApplicationScoped
public class WebhookOrgs {

    /** More orgs than this and the map starts over (it only costs one lookup per org again). */
    private static final int MAX_ORGS = 100_000;

    private final Map<UUID, Boolean> known = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    private static final String EXISTS = "SELECT EXISTS (SELECT 1 FROM webhooks WHERE org_id = $1)";

    /** In the caller's Hibernate Reactive session (the writer's transaction). */
    Uni<Boolean> hasWebhooks(UUID orgId) {
        return hasWebhooks(orgId, () -> NativeSql.value(Boolean.class, EXISTS, orgId));
    }

    /** On {@code client}'s connection. */
    Uni<Boolean> hasWebhooks(SqlClient client, UUID orgId) {
        return hasWebhooks(orgId, () -> client.preparedQuery(EXISTS).execute(Tuple.of(orgId))
                .map(rows -> rows.iterator().next().getBoolean(0)));
    }

    private Uni<Boolean> hasWebhooks(UUID orgId, Supplier<Uni<Boolean>> lookup) {
        Boolean cached = known.get(orgId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        long before = generation.get();
        return lookup.get()
                .invoke(has -> {
                    if (known.size() >= MAX_ORGS) {
                        known.clear();
                    }
                    known.put(orgId, has);
                    // an invalidation since the lookup began may concern what it read: do not keep it
                    if (generation.get() != before) {
                        known.remove(orgId);
                    }
                });
    }

    /** Without a lookup: whether this replica last saw the org with a webhook. */
    boolean knownToHaveWebhooks(UUID orgId) {
        return Boolean.TRUE.equals(known.get(orgId));
    }

    void forget(UUID orgId) {
        generation.incrementAndGet();
        known.remove(orgId);
    }

    void forgetAll() {
        generation.incrementAndGet();
        known.clear();
    }
}
