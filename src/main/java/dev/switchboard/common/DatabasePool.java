package dev.switchboard.common;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;

/**
 * The reactive pool, with every statement prepared once per connection and kept
 * ({@code quarkus.datasource.reactive.cache-prepared-statements=true}). Without the cache each
 * execution is an unnamed statement that PostgreSQL parses and plans again: on the platform's
 * path (the routing and situation queries are a few kilobytes of SQL each) planning alone took
 * about twice the statements' execution time. The client caches only statements up to
 * {@value #SQL_LIMIT} characters (its default of 2,048 leaves out exactly those big queries).
 *
 * <p>Every connection also plans generically ({@code plan_cache_mode=force_generic_plan}): for the
 * situation and line queries PostgreSQL otherwise keeps choosing a custom plan and re-plans them on
 * every execution (0.7 ms each, four times their execution time). The service's statements look
 * rows up by ids and keys, where a generic plan is the same plan; a statement with an optional
 * filter must keep it out of its index conditions' way (see HistoryStore's cursor).
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    static final int SQL_LIMIT = 32_768;

    @Override
    @SuppressWarnings("deprecation") // PgPool.pool is still how Quarkus builds its own pool on Vert.x 4.5
    public Pool create(Input input) {
        input.pgConnectOptionsList().forEach(options -> options.setPreparedStatementCacheSqlLimit(SQL_LIMIT)
                .addProperty("plan_cache_mode", "force_generic_plan"));
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
    }
}
