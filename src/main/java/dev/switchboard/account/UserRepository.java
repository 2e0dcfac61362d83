package dev.switchboard.account;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    /** The user if it belongs to this organization; a foreign or unknown id is a 404. */
    public Uni<User> requireInOrg(UUID orgId, UUID userId) {
        return findById(userId)
                .map(user -> user != null && orgId.equals(user.orgId) ? user : null)
                .onItem().ifNull().failWith(() -> ApiException.notFound("user"));
    }

    /**
     * Same, holding the row lock until commit: concurrent writes to one user apply one after the
     * other (the last commit wins) instead of failing on a stale version.
     */
    public Uni<User> requireInOrgForUpdate(UUID orgId, UUID userId) {
        return lockInOrg(orgId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("user"));
    }

    /** The locked user, or null when unknown or foreign. */
    public Uni<User> lockInOrg(UUID orgId, UUID userId) {
        return findById(userId, LockModeType.PESSIMISTIC_WRITE)
                .map(user -> user != null && orgId.equals(user.orgId) ? user : null);
    }

    /**
     * For a delete: the row locked FOR UPDATE (the lock the DELETE itself needs) before the user
     * is read, so the version-checked delete cannot be stale, and the lock is not upgraded later
     * from FOR NO KEY UPDATE (which would deadlock with a writer that inserted a row referencing
     * this user, holding a key-share lock on it, and then waits for the user's row lock).
     */
    public Uni<User> requireInOrgForDelete(UUID orgId, UUID userId) {
        return NativeSql.rows("SELECT id FROM users WHERE id = $1 FOR UPDATE", userId)
                .flatMap(locked -> requireInOrg(orgId, userId));
    }

    /** By the canonical spelling of {@code email} ({@link Emails#canonical}); lower() on both sides uses uq_users_email. */
    public Uni<User> findByEmail(String email) {
        return find("lower(email) = lower(?1)", Emails.canonical(email)).firstResult();
    }
}
