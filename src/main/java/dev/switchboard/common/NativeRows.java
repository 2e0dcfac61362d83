package dev.switchboard.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Reads the results of native queries created without a result class.
 *
 * <p>Why without: {@code createNativeQuery(sql, Long.class)} (or {@code UUID.class},
 * {@code Object[].class}, …) makes Hibernate add an {@code ImplicitResultClassBuilder} to the
 * query's result set mapping, and that class has no {@code equals}. The query plan cache key then
 * never matches an earlier one: every execution caches another plan for the same SQL, and every
 * lookup compares against all of them (measured: a sixth of the CPU under load). Untyped, a query
 * answers a single column's Java value per row ({@code uuid} → {@link java.util.UUID},
 * {@code bigint} → {@link Long}, {@code boolean} → {@link Boolean}, {@code text} → {@link String},
 * …) and an {@code Object[]} per row for several columns; these helpers turn that into what the
 * callers need.
 */
public final class NativeRows {

    private NativeRows() {
    }

    /** Rows of a select of several columns. */
    public static List<Object[]> rows(List<?> results) {
        return results.stream().map(NativeRows::row).toList();
    }

    /**
     * One row as an array, also for a select of one column, which Hibernate answers as the bare
     * value (a single column of an SQL array type is not supported).
     */
    public static Object[] row(Object result) {
        return result instanceof Object[] columns ? columns : new Object[] { result };
    }

    /** The values of a select of one column. */
    public static <T> List<T> column(List<?> results, Class<T> type) {
        return results.stream().map(type::cast).toList();
    }

    /** A {@code count(*)} or other integer column, whichever integer type it arrives as. */
    public static long longValue(Object value) {
        return ((Number) value).longValue();
    }

    /** A timestamp column, whose Java type depends on the driver path. */
    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return Instant.parse(value.toString());
    }
}
