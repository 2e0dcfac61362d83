package dev.switchboard.webhook;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.availability.GroupAvailability;
import dev.switchboard.common.ClusterBus;
import dev.switchboard.presence.GroupObserver;
import dev.switchboard.presence.PresenceObserver;
import dev.switchboard.webhook.WebhookDtos.StatusChange;
import io.smallrye.mutiny.Uni;

/**
 * Webhooks' part of every org event, in the writer's transaction (which holds the org's sequence
 * row, so an endpoint's rows follow seq): a visible presence change is a {@code presence.changed}
 * event (the presence frame's content), and a change of the user's effective status also a
 * {@code status.changed}; a ring group's {@code group} event is a {@code group.availability}. Each
 * has the org event's seq. An org without webhooks costs nothing ({@link WebhookOrgs}).
 */
@ApplicationScoped
public class WebhookObserver implements PresenceObserver, GroupObserver {

    static final String PRESENCE_CHANGED = "presence.changed";
    static final String STATUS_CHANGED = "status.changed";
    static final String GROUP_AVAILABILITY = "group.availability";

    private final WebhookOrgs orgs;
    private final WebhookEvents events;
    private final ClusterBus bus;

    public WebhookObserver(WebhookOrgs orgs, WebhookEvents events, ClusterBus bus) {
        this.orgs = orgs;
        this.events = events;
        this.bus = bus;
    }

    @Override
    public Uni<Void> recorded(Recorded change) {
        if (!change.visible()) {
            return Uni.createFrom().voidItem();
        }
        return queue(change.orgId(), () -> {
            WebhookEvents.Batch batch = events.batch()
                    .add(change.orgId(), change.userId(), change.seq(), PRESENCE_CHANGED, change.at(), change.view());
            if (change.statusChanged()) {
                batch.add(change.orgId(), change.userId(), change.seq(), STATUS_CHANGED, change.at(),
                        new StatusChange(change.userId(), change.name(), change.view().userStatus().wire(),
                                change.statusBefore() == null ? null : change.statusBefore().wire()));
            }
            return batch;
        });
    }

    @Override
    public Uni<Void> groupChanged(UUID orgId, long seq, GroupAvailability group) {
        return queue(orgId, () -> events.batch().add(orgId, null, seq, GROUP_AVAILABILITY, Instant.now(), group));
    }

    /** Queues the batch when the org has webhooks; this replica delivers right after the commit. */
    private Uni<Void> queue(UUID orgId, Supplier<WebhookEvents.Batch> batch) {
        return orgs.hasWebhooks(orgId).flatMap(has -> !has ? Uni.createFrom().item(0) : events.queue(batch.get()))
                .flatMap(queued -> queued == 0 ? Uni.createFrom().voidItem()
                        : bus.deliverHereOnCommit(new WebhookMessages.WebhooksQueued(orgId)));
    }
}
