package dev.switchboard.history;

import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.user;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The queue behind {@link History#record}: more items than one batch, queued faster than a batch
 * is written, all reach the table. A flush that found its queue refilled once scheduled the next
 * with a timer Vert.x refuses (under 1 ms), and no flush ran after it.
 */
@QuarkusTest
class HistoryQueueTest {

    private static final int ITEMS = 1_200; // more than two batches

    @Inject
    History history;

    @Inject
    Pool pool;

    @Test
    void itemsQueuedWhileABatchIsWrittenAreWrittenToo() {
        UUID org = createOrg();
        TestUser anna = user(org);
        for (int i = 0; i < ITEMS; i++) {
            history.record(HistoryItem.status(Actor.TIMER, org, anna.id(), "available", "do_not_disturb", null));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> written(anna.id()) == ITEMS);
        // and the queue keeps working afterwards
        history.record(HistoryItem.status(Actor.TIMER, org, anna.id(), "do_not_disturb", "available", null));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written(anna.id()) == ITEMS + 1);
    }

    private long written(UUID userId) {
        return pool.preparedQuery("SELECT count(*) FROM history_items WHERE user_id = $1").execute(Tuple.of(userId))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }
}
