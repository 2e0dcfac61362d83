package dev.switchboard.history;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Messages;
import io.smallrye.mutiny.Uni;

/** Reads a user's history, one statement per page, the summaries in the reader's language. */
@ApplicationScoped
public class HistoryService {

    private final HistoryStore store;

    public HistoryService(HistoryStore store) {
        this.store = store;
    }

    /** A user of another organization, or none, is a 404. */
    public Uni<HistoryPage> page(UUID orgId, UUID userId, HistoryQuery query, Messages m) {
        // One more than asked for: whether there is a next page, without counting.
        return store.page(orgId, userId, query.beforeAt(), query.beforeId(), query.types(), query.limit() + 1).map(stored -> {
            if (stored == null) {
                throw ApiException.notFound("user");
            }
            boolean more = stored.size() > query.limit();
            List<HistoryPage.Entry> items = new ArrayList<>(Math.min(stored.size(), query.limit()));
            for (HistoryStore.Stored item : more ? stored.subList(0, query.limit()) : stored) {
                // Rendered in the reader's language; the stored sentence when the details do not say enough.
                String summary = HistorySummaries.of(item.type(), item.actor().type(), item.details(), m);
                items.add(new HistoryPage.Entry(item.at(), item.type(), item.actor(), summary != null ? summary : item.summary(),
                        item.details()));
            }
            HistoryStore.Stored last = more ? stored.get(query.limit() - 1) : null;
            return new HistoryPage(items, last == null ? null : HistoryQuery.next(last.at(), last.id()));
        });
    }
}
