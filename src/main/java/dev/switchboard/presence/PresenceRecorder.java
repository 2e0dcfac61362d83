package dev.switchboard.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import dev.switchboard.account.User;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.presence.PresenceMessages.OrgEvent;
import dev.switchboard.presence.PresenceMessages.SelfChanged;
import io.smallrye.mutiny.Uni;

/**
 * The one place presence changes flow through. Inside the caller's transaction it re-derives a
 * user, compares with what was last published, and only when something visible changed assigns
 * the org's next sequence number (one statement), then stores the state and the event (frame
 * encoded once, here) and notifies in a second one ({@link PresencePublisher#stored}).
 *
 * <p>Lock order, to stay deadlock-free: the user's row, then the org's sequence row.
 */
@ApplicationScoped
public class PresenceRecorder implements PresenceChanges {

    /** {@link PresenceSubject}'s statement with the user's row locked. */
    private final String lockedSubjectSql;
    private final FrameEncoder frames;
    private final PresenceStore store;
    private final PresencePublisher publisher;
    private final List<PresenceObserver> observers;
    private final LineRecorder lines;

    public PresenceRecorder(UserSituations situations,
            FrameEncoder frames, PresenceStore store, PresencePublisher publisher, Instance<PresenceObserver> observers,
            LineRecorder lines) {
        this.lines = lines;
        this.observers = observers.stream().toList();
        this.lockedSubjectSql = PresenceSubject.sql(situations, PresenceSubject.LOCKED);
        this.frames = frames;
        this.store = store;
        this.publisher = publisher;
    }

    @Override
    public Uni<Void> userChanged(UUID orgId, UUID userId) {
        return record(orgId, userId, false);
    }

    @Override
    public Uni<Void> userAdded(UUID orgId, UUID userId) {
        return record(orgId, userId, true);
    }

    @Override
    public Uni<Void> devicesChanged(UUID orgId, java.util.Collection<UUID> voipAccountIds) {
        return lines.devicesChanged(orgId, voipAccountIds);
    }

    @Override
    public Uni<Void> userRemoved(UUID orgId, UUID userId) {
        return store.nextSeq(orgId).flatMap(seq -> {
            OrgEvent event = new OrgEvent(orgId, seq, Frames.ColleagueRemoved.TYPE, userId, frames.encode(new Frames.ColleagueRemoved(seq, userId)));
            return publisher.stored(store.event(orgId, seq, event.type(), userId, event.frame()), event, null);
        }).flatMap(stored -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (PresenceObserver observer : observers) {
                chain = chain.flatMap(ignored -> observer.removed(orgId, userId));
            }
            return chain;
        });
    }

    /** Only the members' ids are read here; {@link #usersChanged} locks their rows and {@link #record} reads each one. */
    @Override
    public Uni<Void> orgChanged(UUID orgId) {
        return NativeSql.column(UUID.class, "SELECT id FROM users WHERE org_id = $1 ORDER BY id", orgId).flatMap(members -> {
            Map<UUID, UUID> orgByUser = new TreeMap<>();
            members.forEach(member -> orgByUser.put(member, orgId));
            return usersChanged(orgByUser);
        });
    }

    @Override
    public Uni<Void> usersChanged(Map<UUID, UUID> orgByUser) {
        if (orgByUser.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<UUID, UUID> sorted = new TreeMap<>(orgByUser);
        // FOR NO KEY UPDATE, the lock every other writer of a user takes (PESSIMISTIC_WRITE): FOR
        // UPDATE would also block the key-share locks that inserts referencing a user take (a
        // watch, a fixed destination, a push device), and a writer holding another user's lock
        // while inserting such a row then deadlocks with this statement.
        // Recorded org by org (then by user): each recording takes its org's sequence rows, so
        // transactions recording users of several orgs take those rows in one order.
        List<Map.Entry<UUID, UUID>> byOrg = new java.util.ArrayList<>(sorted.entrySet());
        byOrg.sort(Map.Entry.<UUID, UUID>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        return NativeSql.rows("SELECT id FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE", NativeSql.uuids(sorted.keySet()))
                .flatMap(locked -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Map.Entry<UUID, UUID> user : byOrg) {
                        chain = chain.flatMap(ignored -> userChanged(user.getValue(), user.getKey()));
                    }
                    return chain;
                });
    }

    /**
     * Reads the user with their row locked, their whole situation and what was last published of
     * them, in one statement ({@link PresenceSubject}, the change path's first round trip). It runs
     * in the caller's transaction and, like every read there, flushes the caller's pending entity
     * changes first, so it sees what the transaction changed. A plain statement, not an entity load:
     * a User the caller loaded unlocked in the same session does not turn the lock into a version
     * check here. A user who is not (or no longer) a member of the org: nothing to record.
     */
    private Uni<Void> record(UUID orgId, UUID userId, boolean added) {
        // Millisecond precision: what is stored (timestamptz) and what the event says must match.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return NativeSql.row(lockedSubjectSql, orgId, userId).flatMap(values -> {
            if (values == null) {
                return Uni.createFrom().voidItem();
            }
            PresenceSubject.Read read = PresenceSubject.read(orgId, userId, values);
            User user = read.user();
            PresenceStore.Published previous = read.published() == null ? null
                    : new PresenceStore.Published(read.published(), read.selfDigest());
            var derived = PresenceDerivation.derive(read.situation(), now);
            PresenceView candidate = new PresenceView(user.id, user.name, user.internalNumber,
                    derived.presence().availability(), derived.presence().effectiveStatus(),
                    derived.presence().contextForColleagues(read.rules()), derived.presence().reach(), now, user.note);
            boolean changed = added || previous == null || !candidate.sameAs(previous.view());
            PresenceView published = changed && previous != null
                    && previous.view().availability() == candidate.availability()
                            ? withSince(candidate, previous.view().since())
                            : changed ? candidate : previous.view();
            SelfView self = Selves.of(published, user, read.situation(), derived, read.scheduled());
            String digest = digest(frames.encodePart(self));
            boolean selfChanged = previous == null || !digest.equals(previous.selfDigest());
            SelfChanged me = selfChanged ? new SelfChanged(orgId, userId, frames.encode(new Frames.Me(self))) : null;
            // the org seq of a visible change, null when colleagues see nothing new
            Uni<Long> stored = changed ? store.nextSeq(orgId).flatMap(seq -> {
                String type = added ? Frames.ColleagueAdded.TYPE : Frames.Presence.TYPE;
                String frame = frames.encode(added ? new Frames.ColleagueAdded(seq, published) : new Frames.Presence(seq, published));
                OrgEvent event = new OrgEvent(orgId, seq, type, userId, frame);
                return publisher.stored(store.stateAndEvent(orgId, published, digest, seq, type, frame), event, me)
                        .replaceWith(seq);
            }) : selfChanged ? publisher.stored(store.selfDigest(userId, digest), null, me).replaceWith((Long) null)
                    : Uni.createFrom().item((Long) null);
            return stored.flatMap(seq -> observe(new PresenceObserver.Recorded(orgId, userId, user.name,
                    previous == null ? null : previous.view().availability(), published.availability(),
                    read.situation(), seq, published, previous == null ? null : previous.view().userStatus(), now)));
        });
    }

    /** Observers run one after the other, in the same transaction. */
    private Uni<Void> observe(PresenceObserver.Recorded recorded) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (PresenceObserver observer : observers) {
            chain = chain.flatMap(ignored -> observer.recorded(recorded));
        }
        return chain;
    }

    private static PresenceView withSince(PresenceView view, Instant since) {
        return new PresenceView(view.userId(), view.name(), view.internalNumber(), view.availability(),
                view.userStatus(), view.context(), view.reach(), since, view.note());
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
