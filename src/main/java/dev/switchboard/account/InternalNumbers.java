package dev.switchboard.account;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.ApiException;
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

    private static final int ASSIGN_ATTEMPTS = 5;

    /** Claims the given number, or the lowest free one from {@code base} when it is null. */
    public Uni<String> claim(UUID orgId, String requested, int base, UUID ownerId) {
        if (requested != null) {
            return NativeSql.update("INSERT INTO internal_numbers (org_id, number, owner_id) VALUES ($1, $2, $3)",
                    orgId, requested, ownerId).replaceWith(requested);
        }
        return assignLowestFree(orgId, base, ownerId, 1);
    }

    private Uni<String> assignLowestFree(UUID orgId, int base, UUID ownerId, int attempt) {
        // Among base .. base + (numbers in use) at least one is free, so the series stays small.
        // A concurrent create may take the same number first: ON CONFLICT skips the insert and we
        // look again (the next statement sees the other transaction's committed row).
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
                        return Uni.createFrom().failure(ApiException.conflict("internalNumber",
                                "could not assign a free internal number; please retry"));
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
