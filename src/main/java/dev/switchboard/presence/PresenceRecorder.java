package dev.switchboard.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.persistence.LockModeType;


import dev.switchboard.account.User;
import dev.switchboard.account.UserRepository;
import dev.switchboard.availability.Availability;
import dev.switchboard.account.CallContext;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.Reach;
import dev.switchboard.availability.UserSituations;
import dev.switchboard.account.UserStatus;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.organization.Organization;
import dev.switchboard.organization.OrganizationRepository;
import io.smallrye.mutiny.Uni;

/**
 * The one place presence changes flow through. Inside the caller's transaction it re-derives a
 * user, compares with what was last published, and only when something visible changed assigns
 * the org's next sequence number and stores the event (frame encoded once, here).
 *
 * <p>Lock order, to stay deadlock-free: the user's row, then the org's sequence row.
 */
@ApplicationScoped
public class PresenceRecorder implements PresenceChanges {

    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final UserSituations situations;
    private final FrameEncoder frames;
    private final PresencePublisher publisher;
    private final List<PresenceObserver> observers;

    public PresenceRecorder(UserRepository users, OrganizationRepository organizations, UserSituations situations,
            FrameEncoder frames, PresencePublisher publisher, Instance<PresenceObserver> observers) {
        this.observers = observers.stream().toList();
        this.users = users;
        this.organizations = organizations;
        this.situations = situations;
        this.frames = frames;
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
    public Uni<Void> userRemoved(UUID orgId, UUID userId) {
        return nextSeq(orgId).flatMap(seq -> storeEvent(orgId, seq, "colleague_removed", userId,
                frames.encode(new Frames.ColleagueRemoved(seq, userId))));
    }

    /**
     * Only the members' ids are read here, never the entities: a User loaded unlocked would stay
     * in the session, and {@link #record}'s PESSIMISTIC_WRITE would then only upgrade it with a
     * version check, failing with a stale version whenever the member changed since this read.
     * {@link #usersChanged} locks the rows and {@link #record} loads each one locked, fresh.
     */
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
        return NativeSql.rows("SELECT id FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE", NativeSql.uuids(sorted.keySet()))
                .flatMap(locked -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Map.Entry<UUID, UUID> user : sorted.entrySet()) {
                        chain = chain.flatMap(ignored -> userChanged(user.getValue(), user.getKey()));
                    }
                    return chain;
                });
    }

    /**
     * Locks the user with PESSIMISTIC_WRITE. The caller must not have loaded this user unlocked in
     * the same session: Hibernate would only upgrade that copy ({@code select id … and version=?
     * for no key update}), which fails as stale when a concurrent transaction changed the row in
     * between. Writers lock the user first ({@code UserRepository.requireInOrgForUpdate}).
     */
    private Uni<Void> record(UUID orgId, UUID userId, boolean added) {
        // Millisecond precision: what is stored (timestamptz) and what the event says must match.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return users.findById(userId, LockModeType.PESSIMISTIC_WRITE).flatMap(user -> {
            if (user == null || !orgId.equals(user.orgId)) {
                return Uni.createFrom().voidItem();
            }
            return organizations.findById(orgId)
                    .flatMap(org -> situations.load(user, org))
                    .flatMap(loaded -> lastPublished(userId).flatMap(previous -> {
                        var derived = PresenceDerivation.derive(loaded.situation(), now);
                        Organization org = loaded.org();
                        PresenceView candidate = new PresenceView(user.id, user.name, user.internalNumber,
                                derived.presence().availability(), derived.presence().effectiveStatus(),
                                derived.presence().contextForColleagues(UserSituations.rules(org)),
                                derived.presence().reach(), now);
                        boolean changed = added || previous == null || !candidate.sameAs(previous.view());
                        PresenceView published = changed && previous != null
                                && previous.view().availability() == candidate.availability()
                                        ? withSince(candidate, previous.view().since())
                                        : changed ? candidate : previous.view();
                        SelfView self = Selves.of(published, user, derived);
                        String digest = digest(frames.encodePart(self));
                        boolean selfChanged = previous == null || !digest.equals(previous.selfDigest());
                        Uni<Void> colleagues = !changed ? Uni.createFrom().voidItem()
                                : nextSeq(orgId).flatMap(seq -> saveState(orgId, published, digest)
                                        .flatMap(ignored -> storeEvent(orgId, seq, added ? "colleague_added" : "presence", userId,
                                                frames.encode(added ? new Frames.ColleagueAdded(seq, published) : new Frames.Presence(seq, published)))));
                        Uni<Void> me = !selfChanged ? Uni.createFrom().voidItem()
                                : (changed ? Uni.createFrom().voidItem() : saveDigest(userId, digest))
                                        .flatMap(ignored -> publisher.selfChanged(orgId, userId));
                        PresenceObserver.Recorded recorded = new PresenceObserver.Recorded(orgId, userId, user.name,
                                previous == null ? null : previous.view().availability(), published.availability(),
                                loaded.situation());
                        return colleagues.flatMap(ignored -> me).flatMap(ignored -> observe(recorded));
                    }));
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
                view.userStatus(), view.context(), view.reach(), since);
    }

    private record Published(PresenceView view, String selfDigest) {
    }

    private Uni<Published> lastPublished(UUID userId) {
        String sql = "SELECT name, internal_number, availability, user_status, context, reach, since, self_digest "
                + "FROM presence_states WHERE user_id = $1";
        return NativeSql.row(sql, userId).map(row -> row == null ? null : new Published(fromRow(userId, row, 0), (String) row[7]));
    }

    /** Maps {@code name, internal_number, availability, user_status, context, reach, since} starting at {@code offset}. */
    static PresenceView fromRow(UUID userId, Object[] row, int offset) {
        return new PresenceView(userId, (String) row[offset], (String) row[offset + 1],
                Availability.fromWire((String) row[offset + 2]), UserStatus.fromWire((String) row[offset + 3]),
                contextFrom((String) row[offset + 4]), Reach.fromWire((String) row[offset + 5]), NativeSql.instant(row[offset + 6]));
    }

    private Uni<Long> nextSeq(UUID orgId) {
        String sql = "INSERT INTO presence_sequences (org_id, seq) VALUES ($1, 1) "
                + "ON CONFLICT (org_id) DO UPDATE SET seq = presence_sequences.seq + 1 RETURNING seq";
        return NativeSql.value(Long.class, sql, orgId);
    }

    private Uni<Void> saveState(UUID orgId, PresenceView view, String selfDigest) {
        String sql = "INSERT INTO presence_states (user_id, org_id, name, internal_number, availability, user_status, "
                + "context, reach, since, self_digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                + "ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, internal_number = excluded.internal_number, "
                + "availability = excluded.availability, user_status = excluded.user_status, context = excluded.context, "
                + "reach = excluded.reach, since = excluded.since, self_digest = excluded.self_digest";
        return NativeSql.update(sql, view.userId(), orgId, view.name(), view.internalNumber(), view.availability().wire(),
                view.userStatus().wire(), contextColumn(view.context()), view.reach().wire(), view.since(), selfDigest)
                .replaceWithVoid();
    }

    private Uni<Void> saveDigest(UUID userId, String digest) {
        return NativeSql.update("UPDATE presence_states SET self_digest = $2 WHERE user_id = $1", userId, digest).replaceWithVoid();
    }

    private Uni<Void> storeEvent(UUID orgId, long seq, String type, UUID userId, String frame) {
        return NativeSql.update("INSERT INTO presence_events (org_id, seq, type, user_id, frame) VALUES ($1, $2, $3, $4, $5)",
                orgId, seq, type, userId, frame)
                .flatMap(ignored -> publisher.orgEvent(orgId, seq));
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String contextColumn(List<CallContext> context) {
        return String.join(",", context.stream().map(CallContext::wire).toList());
    }

    static List<CallContext> contextFrom(String column) {
        if (column == null || column.isEmpty()) {
            return List.of();
        }
        List<CallContext> context = new ArrayList<>();
        Arrays.stream(column.split(",")).map(CallContext::fromWire).forEach(context::add);
        return context;
    }

}
