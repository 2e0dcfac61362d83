package dev.switchboard.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.hibernate.FlushMode;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Runs our SQL on the current Hibernate Reactive session's own connection, so inside its
 * transaction, without going through Hibernate's query machinery.
 *
 * <p>Why not {@code session.createNativeQuery}: every execution of a native query adds another
 * entry to Hibernate's query plan cache for the same SQL. The entry's key never equals an earlier
 * one, because the query's result set mapping takes part in it and has no {@code equals}: Hibernate
 * ORM's {@code ImplicitResultClassBuilder} when a result class is given, and Hibernate Reactive's
 * {@code ReactiveResultSetMapping}, which wraps every native query's mapping, in any case. All
 * entries of one statement share a hash, so each lookup compared against hundreds of them:
 * measured at about 17% of the CPU under load. {@code QueryPlanCacheTest} guards against it.
 *
 * <p>What Hibernate did that we keep: inside a transaction (flush mode AUTO), Hibernate Reactive
 * flushed pending entity changes before a native query read with {@code getResultList} or
 * {@code getSingleResult}, so it saw what the transaction changed through entities; {@link #rows}
 * and the methods built on it flush the same way. Its native {@code executeUpdate} did not flush,
 * and neither does {@link #update}: flushing there would write an entity that is changed again
 * afterwards twice, and raise its {@code @Version} twice ({@code UserService.update} changes the
 * user, then moves its internal number). As before, loaded entities do not see what the SQL changes.
 *
 * <p>The statement goes to the Vert.x PostgreSQL client as written:
 * <ul>
 * <li>placeholders are {@code $1, $2, …}, not {@code ?1};</li>
 * <li>a collection is not expanded: write {@code = ANY($1)} and pass an array ({@link #uuids});</li>
 * <li>parameters are UUID, String, Long, Integer, Double, Boolean, OffsetDateTime, arrays of
 * those, or null; an {@link Instant} is passed as an OffsetDateTime at UTC; an enum is not
 * accepted (pass its column value);</li>
 * <li>columns answer uuid → UUID, timestamptz → OffsetDateTime ({@link #instant}), bigint → Long,
 * integer → Integer, text and varchar → String, boolean → Boolean.</li>
 * </ul>
 */
public final class NativeSql {

    private NativeSql() {
    }

    /** Every row, each as its column values. Flushes pending entity changes first, in a transaction. */
    public static Uni<List<Object[]>> rows(String sql, Object... params) {
        return Panache.getSession().flatMap(session -> flushedConnection(session)
                .flatMap(connection -> Uni.createFrom().completionStage(() -> connection.select(sql, bind(params)))))
                .map(result -> {
                    List<Object[]> rows = new ArrayList<>(result.size());
                    result.forEachRemaining(rows::add);
                    return rows;
                });
    }

    /**
     * Every row, on a connection of the pool's own: no session, no transaction, no flush. For
     * read-only hot paths that need none of them (a routing decision): Hibernate's session and
     * its connection wrapper cost more than the statement there.
     */
    public static Uni<List<Object[]>> rows(Pool pool, String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.wrap(bind(params))).map(result -> {
            List<Object[]> rows = new ArrayList<>(result.size());
            for (Row row : result) {
                Object[] values = new Object[row.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = row.getValue(i);
                }
                rows.add(values);
            }
            return rows;
        });
    }

    /** The first row, or null when there is none. */
    public static Uni<Object[]> row(String sql, Object... params) {
        return rows(sql, params).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** The first column of every row. */
    public static <T> Uni<List<T>> column(Class<T> type, String sql, Object... params) {
        return rows(sql, params).map(rows -> rows.stream().map(row -> type.cast(row[0])).toList());
    }

    /** The first column of the first row, or null when there is no row. */
    public static <T> Uni<T> value(Class<T> type, String sql, Object... params) {
        return row(sql, params).map(row -> row == null ? null : type.cast(row[0]));
    }

    /**
     * An INSERT, UPDATE or DELETE without RETURNING: answers the number of rows it touched. Does not
     * flush pending entity changes (see the class comment).
     */
    public static Uni<Integer> update(String sql, Object... params) {
        return Panache.getSession().flatMap(session -> Uni.createFrom()
                .completionStage(() -> connection(session).update(sql, bind(params))));
    }

    /**
     * Ids as one {@code uuid[]} parameter, for {@code = ANY($n)}. Typed {@code Object} so that, as
     * the only parameter, it is not taken for the whole parameter array.
     */
    public static Object uuids(Collection<UUID> ids) {
        return ids.toArray(UUID[]::new);
    }

    /** A timestamptz column. */
    public static Instant instant(Object value) {
        return value == null ? null : ((OffsetDateTime) value).toInstant();
    }

    /** The session's connection, after flushing pending entity changes where Hibernate would have. */
    private static Uni<ReactiveConnection> flushedConnection(Mutiny.Session session) {
        ReactiveConnection connection = connection(session);
        return flushesBeforeQueries(session) && connection.isTransactionInProgress()
                ? session.flush().replaceWith(connection)
                : Uni.createFrom().item(connection);
    }

    private static ReactiveConnection connection(Mutiny.Session session) {
        return ((MutinySessionImpl) session).getReactiveConnection();
    }

    private static boolean flushesBeforeQueries(Mutiny.Session session) {
        return session.getFlushMode() == FlushMode.AUTO || session.getFlushMode() == FlushMode.ALWAYS;
    }

    private static Object[] bind(Object[] params) {
        Object[] values = params.clone();
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Instant instant) {
                values[i] = OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
            }
        }
        return values;
    }
}
