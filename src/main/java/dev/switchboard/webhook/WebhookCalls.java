package dev.switchboard.webhook;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.history.HistoryItem;
import dev.switchboard.history.HistoryItem.CallOutcome;
import dev.switchboard.history.HistoryItem.Why;
import dev.switchboard.history.HistoryObserver;
import dev.switchboard.webhook.WebhookDtos.CallNotReached;
import dev.switchboard.webhook.WebhookDtos.GroupRef;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code call.not_reached}: every call item of the history whose outcome means the call did not
 * reach the user (forwarded, voicemail, rejected, skipped in a group, not answered) is an event for
 * the org's endpoints, in the transaction that writes the history batch. It is no org event of its
 * own: it carries the org's current seq, read under a shared lock on the org's sequence row, which
 * waits for every writer of an org event in flight, so an endpoint's events never go down in seq.
 */
@ApplicationScoped
public class WebhookCalls implements HistoryObserver {

    static final String CALL_NOT_REACHED = "call.not_reached";

    private static final Set<CallOutcome> NOT_REACHED = EnumSet.of(CallOutcome.FORWARDED, CallOutcome.VOICEMAIL,
            CallOutcome.REJECTED, CallOutcome.SKIPPED_IN_GROUP, CallOutcome.NO_ANSWER);

    private static final String SEQS = "SELECT org_id, seq FROM presence_sequences WHERE org_id = ANY($1) ORDER BY org_id FOR SHARE";
    private static final String NAMES = "SELECT id, name FROM users WHERE id = ANY($1)";

    private final WebhookOrgs orgs;
    private final WebhookEvents events;
    private final WebhookOutbox outbox;

    public WebhookCalls(WebhookOrgs orgs, WebhookEvents events, WebhookOutbox outbox) {
        this.orgs = orgs;
        this.events = events;
        this.outbox = outbox;
    }

    static boolean notReached(HistoryItem item) {
        return NOT_REACHED.contains(item.outcome());
    }

    @Override
    public Uni<Void> written(SqlClient transaction, List<HistoryItem> items) {
        List<HistoryItem> calls = items.stream().filter(WebhookCalls::notReached).toList();
        if (calls.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<UUID> candidates = new LinkedHashSet<>();
        calls.forEach(call -> candidates.add(call.orgId()));
        Set<UUID> withWebhooks = new LinkedHashSet<>();
        Uni<Void> checked = Uni.createFrom().voidItem();
        for (UUID orgId : candidates) {
            checked = checked.flatMap(ignored -> orgs.hasWebhooks(transaction, orgId).invoke(has -> {
                if (has) {
                    withWebhooks.add(orgId);
                }
            }).replaceWithVoid());
        }
        return checked.flatMap(ignored -> {
            List<HistoryItem> queued = calls.stream().filter(call -> withWebhooks.contains(call.orgId())).toList();
            return queued.isEmpty() ? Uni.createFrom().voidItem() : queue(transaction, queued, withWebhooks);
        });
    }

    /** This replica delivers at once what it queued (the other replicas find it at their next poll). */
    @Override
    public void committed(List<HistoryItem> items) {
        if (items.stream().anyMatch(item -> notReached(item) && orgs.knownToHaveWebhooks(item.orgId()))) {
            outbox.poke();
        }
    }

    private Uni<Void> queue(SqlClient transaction, List<HistoryItem> calls, Set<UUID> orgIds) {
        Map<UUID, Long> seqs = new HashMap<>();
        Map<UUID, String> names = new HashMap<>();
        Set<UUID> users = new LinkedHashSet<>();
        calls.forEach(call -> users.add(call.userId()));
        return transaction.preparedQuery(SEQS).execute(Tuple.of(orgIds.toArray(UUID[]::new)))
                .invoke(rows -> rows.forEach(row -> seqs.put(row.getUUID(0), row.getLong(1))))
                .flatMap(ignored -> transaction.preparedQuery(NAMES).execute(Tuple.of(users.toArray(UUID[]::new))))
                .invoke(rows -> {
                    for (Row row : rows) {
                        names.put(row.getUUID(0), row.getString(1));
                    }
                })
                .flatMap(ignored -> {
                    WebhookEvents.Batch batch = events.batch();
                    for (HistoryItem call : calls) {
                        batch.add(call.orgId(), call.userId(), seqs.getOrDefault(call.orgId(), 0L), CALL_NOT_REACHED, call.at(),
                                data(call, names.get(call.userId())));
                    }
                    return events.queue(transaction, batch);
                })
                .replaceWithVoid();
    }

    @SuppressWarnings("unchecked")
    private static CallNotReached data(HistoryItem call, String name) {
        Map<String, Object> details = call.details();
        UUID groupId = (UUID) details.get("groupId");
        return new CallNotReached(call.userId(), name, (String) details.get("from"), call.outcome().wire(),
                (List<Why>) details.get("reasons"), call.summary(),
                groupId == null ? null : new GroupRef(groupId, (String) details.get("groupName")),
                (String) details.get("callId"), (Integer) details.get("step"));
    }
}
