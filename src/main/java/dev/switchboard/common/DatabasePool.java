package dev.switchboard.common;

import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.quarkus.arc.Arc;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The reactive pools (the main one, and the routing decisions' own: {@link #routing}), with every statement prepared once per connection and kept
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

    private final int routeConnections;
    private volatile io.vertx.mutiny.sqlclient.Pool routing;

    public DatabasePool(SwitchboardConfig config) {
        this.routeConnections = config.calls().routeConnections();
    }

    @Override
    @SuppressWarnings("deprecation") // PgPool.pool is still how Quarkus builds its own pool on Vert.x 4.5
    public Pool create(Input input) {
        input.pgConnectOptionsList().forEach(options -> options.setPreparedStatementCacheSqlLimit(SQL_LIMIT)
                .addProperty("plan_cache_mode", "force_generic_plan"));
        // its own metrics name: its pool metrics are reported apart from the main pool's (client "routing")
        List<PgConnectOptions> routingOptions = input.pgConnectOptionsList().stream()
                .map(options -> new PgConnectOptions(options).setMetricsName("routing")).toList();
        routing = io.vertx.mutiny.sqlclient.Pool.newInstance(PgPool.pool(input.vertx(), routingOptions,
                new PoolOptions(input.poolOptions()).setMaxSize(routeConnections)));
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
    }

    /**
     * The routing decisions' own connections ({@code switchboard.calls.route-connections}, default
     * 2), set up like the main pool's. Two reasons. A call's route is on its setup path, so it must
     * not queue for a connection behind whatever else holds the main pool. And PostgreSQL drops a
     * prepared statement's plan whenever (auto)vacuum or analyze updates the statistics of a table it
     * reads; the route statement reads about fifteen, several of them written all the time, and
     * takes 4–5 ms to plan (40 ms on the shared core under load). Measured in the platform mix: 87
     * of 1,220 routes were planned again across the 20 connections of the main pool, which alone
     * made the route's p99; on two connections each autovacuum pass costs two routes that.
     */
    public io.vertx.mutiny.sqlclient.Pool routing() {
        if (routing == null) {
            // the main pool is created on its first use, and this one with it (create)
            Arc.container().instance(Pool.class).get().size();
        }
        return routing;
    }

    @PreDestroy
    void close() {
        if (routing != null) {
            routing.getDelegate().close();
        }
    }
}
