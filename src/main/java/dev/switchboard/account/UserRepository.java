package dev.switchboard.account;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.switchboard.account.UserDtos.UserView;
import dev.switchboard.auth.Role;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    /** What a {@link UserView} shows, in its order. */
    private static final String VIEW_COLUMNS = "u.id, u.org_id, u.email, u.name, u.internal_number, u.role, u.version, u.created_at, u.time_zone";
    private static final String VIEW_IN_ORG = "SELECT " + VIEW_COLUMNS + " FROM users u WHERE u.id = $1 AND u.org_id = $2";
    /**
     * No row: no such organization. Otherwise one row per user of the page (or one with a null id
     * for an empty page), each with the org's member count. Ordered as the list always was: by
     * name, then id.
     */
    private static final String PAGE = "SELECT " + VIEW_COLUMNS + ", members.total FROM organizations o"
            + " CROSS JOIN LATERAL (SELECT count(*) AS total FROM users c WHERE c.org_id = o.id) members"
            + " LEFT JOIN LATERAL (SELECT * FROM users m WHERE m.org_id = o.id ORDER BY m.name, m.id LIMIT $2 OFFSET $3) u ON true"
            + " WHERE o.id = $1 ORDER BY u.name, u.id";

    private final Pool pool;

    public UserRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * The user's view, read in one statement on the pool, without a Hibernate session: the
     * most frequent read of the API. A foreign or unknown id is a 404.
     */
    public Uni<UserView> viewInOrg(UUID orgId, UUID userId) {
        return pool.preparedQuery(VIEW_IN_ORG).execute(Tuple.of(userId, orgId)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiException.notFound("user");
            }
            return view(rows.iterator().next());
        });
    }

    /** A page of the organization's users by name and their number, in one statement; an unknown org is a 404. */
    public Uni<PageResponse<UserView>> page(UUID orgId, PageRequest page) {
        return pool.preparedQuery(PAGE).execute(Tuple.of(orgId, (long) page.size(), page.offset())).map(rows -> pageOf(rows, page));
    }

    private static PageResponse<UserView> pageOf(RowSet<Row> rows, PageRequest page) {
        if (rows.size() == 0) {
            throw ApiException.notFound("organization");
        }
        List<UserView> items = new ArrayList<>(rows.size());
        long total = 0;
        for (Row row : rows) {
            total = row.getLong(9);
            if (row.getUUID(0) != null) {
                items.add(view(row));
            }
        }
        return page.respond(items, total);
    }

    private static UserView view(Row row) {
        return new UserView(row.getUUID(0), row.getUUID(1), row.getString(2), row.getString(3), row.getString(4),
                Role.fromWire(row.getString(5)), row.getString(8), row.getLong(6), row.getOffsetDateTime(7).toInstant());
    }

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
