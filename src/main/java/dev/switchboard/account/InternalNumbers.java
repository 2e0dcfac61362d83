package dev.switchboard.account;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;

/**
 * The registry that keeps internal numbers unique per organization across users and VoIP accounts
 * (table {@code internal_numbers}, primary key = the constraint). Must run inside the caller's
 * transaction so a failed create releases its number too.
 */
@ApplicationScoped
public class InternalNumbers {

    /** Users are numbered from here when no number is given, VoIP accounts from {@link #DEVICE_BASE}. */
    public static final int USER_BASE = 100;
    public static final int DEVICE_BASE = 200;
    public static final String PATTERN = "^[1-9][0-9]{1,7}$";

    /**
     * First key of the two-key advisory lock that serializes number choices per org (the second is
     * the org id's hash; orgs sharing a hash just wait for each other). The two-key space is apart
     * from the one-key locks of Flyway and {@code OperatorBootstrap}.
     */
    private static final int ORG_NUMBERS_LOCK = 0x53424e31; // "SBN1"
    /**
     * Explicit claims take no lock, so an assignment can find its pick just taken by one in flight:
     * it waits for that one and picks again. Each retry is one explicit claim that raced it.
     */
    private static final int ASSIGN_ATTEMPTS = 16;

    /**
     * Claims the given number, or the lowest free one from {@code base} when it is null.
     *
     * <p>A given number takes no lock: the primary key refuses it when taken (409), waiting for a
     * claim of the same number still in flight. Choosing one takes the org's number lock first,
     * held until the caller's transaction ends. Without it, concurrent creates read the same
     * committed numbers and pick the same lowest one: of 20 at once, most used to give up. With
     * it, each choice is made in a statement that starts after the previous chooser committed, so
     * it sees every number taken before (and retries when a given one raced it). The lock is not
     * taken for given numbers because it is held to the commit: bulk creation with numbers, the
     * common case for provisioning scripts, then ran one at a time per org (bench/README.md).
     * Lock order for callers: user rows, then this lock, then the presence sequence row
     * ({@code PresenceRecorder}); nothing may take this lock after the sequence row.
     */
    public Uni<String> claim(UUID orgId, String requested, int base, UUID ownerId) {
        if (requested != null) {
            return NativeSql.update("INSERT INTO internal_numbers (org_id, number, owner_id) VALUES ($1, $2, $3)",
                    orgId, requested, ownerId).replaceWith(requested);
        }
        return lockOrg(orgId).flatMap(locked -> assignLowestFree(orgId, base, ownerId, 1));
    }

    /**
     * {@link NativeSql#update}, not {@code rows}: a query there would flush pending entity changes
     * first, and {@code UserService.update} flushes the user again after moving its number.
     */
    private static Uni<Void> lockOrg(UUID orgId) {
        return NativeSql.update("SELECT pg_advisory_xact_lock($1::int, $2::int)", ORG_NUMBERS_LOCK, orgId.hashCode())
                .replaceWithVoid();
    }

    private Uni<String> assignLowestFree(UUID orgId, int base, UUID ownerId, int attempt) {
        // Among base .. base + (numbers in use) at least one is free, so the series stays small.
        // ON CONFLICT: a given number claimed meanwhile (without the lock); it waits for that
        // transaction and the next attempt (a new statement, so a new snapshot) sees its number.
        String sql = "INSERT INTO internal_numbers (org_id, number, owner_id) "
                + "SELECT $1, n::text, $2 FROM generate_series($3, $3 + (SELECT count(*) FROM internal_numbers c WHERE c.org_id = $1)::int) AS n "
                + "WHERE NOT EXISTS (SELECT 1 FROM internal_numbers i WHERE i.org_id = $1 AND i.number = n::text) "
                + "ORDER BY n LIMIT 1 ON CONFLICT DO NOTHING RETURNING number";
        return NativeSql.value(String.class, sql, orgId, ownerId, base)
                .flatMap(number -> {
                    if (number != null) {
                        return Uni.createFrom().item(number);
                    }
                    if (attempt >= ASSIGN_ATTEMPTS) {
                        return Uni.createFrom().failure(new IllegalStateException(
                                "no free internal number in org " + orgId + " after " + attempt + " attempts under the org lock"));
                    }
                    return assignLowestFree(orgId, base, ownerId, attempt + 1);
                });
    }

    /** Moves an owner to a new number (no-op when unchanged). */
    public Uni<String> change(UUID orgId, String current, String requested, UUID ownerId) {
        if (requested == null || requested.equals(current)) {
            return Uni.createFrom().item(current);
        }
        return release(ownerId).flatMap(ignored -> claim(orgId, requested, USER_BASE, ownerId));
    }

    public Uni<Void> release(UUID ownerId) {
        return NativeSql.update("DELETE FROM internal_numbers WHERE owner_id = $1", ownerId).replaceWithVoid();
    }
}
