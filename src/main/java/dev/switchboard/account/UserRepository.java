package dev.switchboard.account;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.switchboard.common.ApiException;
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

    /** By the canonical spelling of {@code email} ({@link Emails#canonical}); lower() on both sides uses uq_users_email. */
    public Uni<User> findByEmail(String email) {
        return find("lower(email) = lower(?1)", Emails.canonical(email)).firstResult();
    }
}
