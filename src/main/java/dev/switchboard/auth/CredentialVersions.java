package dev.switchboard.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.SwitchboardConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * This replica's view of every user's current credentials version ({@code users.credentials_version}),
 * which tokens and ws tickets carry as {@link #CLAIM}: a token is good only while its version is
 * the current one. Entries are loaded on a miss and raised by the cross-replica notifications of
 * every change (and by the writer itself once it committed).
 *
 * <p>Race-free because versions only grow: every write merges with max, so a load that read an
 * old value cannot overwrite a newer notification; a deleted user is {@link #DELETED}, above every
 * version. Loads that started before the table was cleared (resync, eviction) do not store what
 * they read: the notification they might have missed is exactly why it was cleared.
 */
@ApplicationScoped
public class CredentialVersions {

    /** JWT claim carrying the credentials version a token was issued at; absent (older tokens) counts as 0. */
    public static final String CLAIM = "cv";
    /** The version of a deleted user: no token is ever current again. */
    public static final long DELETED = Long.MAX_VALUE;
    private static final int LOAD_BATCH = 1000;

    private final Pool pool;
    private final int maxEntries;
    private final ConcurrentHashMap<UUID, Long> versions = new ConcurrentHashMap<>();
    /** Raised whenever entries are dropped; a load stores its result only if it did not change meanwhile. */
    private final AtomicLong generation = new AtomicLong();

    public CredentialVersions(Pool pool, SwitchboardConfig config) {
        this.pool = pool;
        this.maxEntries = Math.max(1, config.auth().credentialsCacheSize());
    }

    /**
     * The user's current version: from the table, or read from the database when unknown here or
     * older than {@code presented} (a token newer than what we know means we missed a change).
     */
    public Uni<Long> current(UUID userId, long presented) {
        Long known = versions.get(userId);
        if (known != null && known >= presented) {
            return Uni.createFrom().item(known);
        }
        makeRoom();
        long started = generation.get();
        return pool.preparedQuery("SELECT credentials_version FROM users WHERE id = $1").execute(Tuple.of(userId))
                .map(rows -> store(userId, rows.size() == 0 ? DELETED : rows.iterator().next().getLong(0), started));
    }

    /** Cache only, no database: true when this replica already knows a newer version (or the deletion). */
    public boolean knownRevoked(UUID userId, long presented) {
        Long known = versions.get(userId);
        return known != null && known > presented;
    }

    /** A change committed (here or on another replica): the user's credentials are now at {@code version}. */
    public void advanced(UUID userId, long version) {
        makeRoom();
        versions.merge(userId, version, Math::max);
    }

    /** Notifications may have been lost (the listen connection was re-established): forget everything. */
    public void forgetAll() {
        generation.incrementAndGet();
        versions.clear();
    }

    /** Reads the current versions of many users at once (deleted ones as {@link #DELETED}) and stores them. */
    public Uni<Map<UUID, Long>> reload(Collection<UUID> userIds) {
        List<UUID> ids = List.copyOf(userIds);
        makeRoom();
        long started = generation.get();
        Uni<Map<UUID, Long>> all = Uni.createFrom().item(new HashMap<>());
        for (int from = 0; from < ids.size(); from += LOAD_BATCH) {
            List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + LOAD_BATCH));
            all = all.flatMap(found -> pool.preparedQuery("SELECT id, credentials_version FROM users WHERE id = ANY($1)")
                    .execute(Tuple.of(batch.toArray(UUID[]::new))).map(rows -> {
                        Map<UUID, Long> read = new HashMap<>();
                        for (Row row : rows) {
                            read.put(row.getUUID(0), row.getLong(1));
                        }
                        for (UUID id : batch) {
                            found.put(id, store(id, read.getOrDefault(id, DELETED), started));
                        }
                        return found;
                    }));
        }
        return all;
    }

    private long store(UUID userId, long read, long started) {
        long[] result = { read };
        // The generation is checked under the entry's lock: an eviction raises it before removing,
        // so either we see the raise and keep out, or its removal comes after our write.
        versions.compute(userId, (id, known) -> {
            long merged = known == null ? read : Math.max(known, read);
            result[0] = merged;
            return generation.get() == started ? Long.valueOf(merged) : known;
        });
        return result[0];
    }

    /** Bounded: when full, an arbitrary tenth goes (reloaded on their next use). */
    private void makeRoom() {
        if (versions.size() < maxEntries) {
            return;
        }
        generation.incrementAndGet();
        int drop = Math.max(1, maxEntries / 10);
        Iterator<UUID> keys = new ArrayList<>(versions.keySet()).iterator();
        while (drop-- > 0 && keys.hasNext()) {
            versions.remove(keys.next());
        }
    }
}
