package dev.switchboard.history;

import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A feature that reacts to the items {@link History#record} writes, in the transaction that writes
 * them: whatever it writes exists exactly when the items do. Every call item comes this way (each
 * routing decision, each member a ring group skipped, each call event the platform reported), so
 * this is the one place that sees what became of every call.
 */
public interface HistoryObserver {

    /** Within the batch's transaction, on {@code transaction}'s connection. */
    Uni<Void> written(SqlClient transaction, List<HistoryItem> items);

    /** After the batch's transaction committed (the items are visible to everyone). */
    default void committed(List<HistoryItem> items) {
    }
}
