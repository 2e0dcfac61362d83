package dev.switchboard.webhook;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.NativeSql;
import dev.switchboard.presence.PresenceObserver;
import dev.switchboard.webhook.WebhookDtos.Event;
import dev.switchboard.webhook.WebhookDtos.StatusChange;
import io.smallrye.mutiny.Uni;

/**
 * Webhooks' part of every recorded presence change, in the writer's transaction: a visible change
 * is a {@code presence.changed} event (the presence frame's content), and a change of the user's
 * effective status also a {@code status.changed}, both with the change's org seq. One INSERT …
 * SELECT queues them for every enabled endpoint of the org that subscribed to the type and whose
 * user filter admits the user; an org without webhooks costs nothing ({@link WebhookOrgs}).
 */
@ApplicationScoped
public class WebhookObserver implements PresenceObserver {

    static final String PRESENCE_CHANGED = "presence.changed";
    static final String STATUS_CHANGED = "status.changed";

    /** Rows in the order given (presence.changed before status.changed), per endpoint, after what is queued. */
    private static final String ENQUEUE = "INSERT INTO webhook_deliveries (id, webhook_id, org_id, message_id, type, seq, body) "
            + "SELECT gen_random_uuid(), w.id, w.org_id, 'msg_' || replace(gen_random_uuid()::text, '-', ''), e.type, $3, e.body "
            + "FROM webhooks w JOIN unnest($4::varchar[], $5::text[]) WITH ORDINALITY AS e(type, body, n) ON e.type = ANY(w.events) "
            + "WHERE w.org_id = $1 AND w.enabled AND (w.user_ids IS NULL OR $2 = ANY(w.user_ids)) ORDER BY w.id, e.n";

    private final WebhookOrgs orgs;
    private final ClusterBus bus;
    private final ObjectMapper json;

    public WebhookObserver(WebhookOrgs orgs, ClusterBus bus, ObjectMapper json) {
        this.orgs = orgs;
        this.bus = bus;
        this.json = json;
    }

    @Override
    public Uni<Void> recorded(Recorded change) {
        if (!change.visible()) {
            return Uni.createFrom().voidItem();
        }
        return orgs.hasWebhooks(change.orgId()).flatMap(has -> {
            if (!has) {
                return Uni.createFrom().voidItem();
            }
            List<String> types = new ArrayList<>(2);
            List<String> bodies = new ArrayList<>(2);
            types.add(PRESENCE_CHANGED);
            bodies.add(body(change, PRESENCE_CHANGED, change.view()));
            if (change.statusChanged()) {
                types.add(STATUS_CHANGED);
                bodies.add(body(change, STATUS_CHANGED, new StatusChange(change.userId(), change.name(),
                        change.view().userStatus().wire(), change.statusBefore() == null ? null : change.statusBefore().wire())));
            }
            return NativeSql.update(ENQUEUE, change.orgId(), change.userId(), change.seq(), types.toArray(String[]::new),
                    bodies.toArray(String[]::new)).flatMap(queued -> queued == 0 ? Uni.createFrom().voidItem()
                            : bus.deliverHereOnCommit(new WebhookMessages.WebhooksQueued(change.orgId())));
        });
    }

    private String body(Recorded change, String type, Object data) {
        try {
            return json.writeValueAsString(new Event(type, change.seq(), change.orgId(), change.at(), data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An event body is plain records", e);
        }
    }
}
