package dev.switchboard.webhook;

import java.util.UUID;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.ClusterBus.Kind;

/** What webhooks tell replicas over the {@link ClusterBus}, and what a replica does on each message. */
@Singleton
public class WebhookMessages {

    /** {@code wo:<orgId>}: an org's webhooks were created, changed, deleted or disabled (committed). */
    public record WebhooksChanged(UUID orgId) implements ClusterBus.Message {

        public static final Kind<WebhooksChanged> KIND = new Kind<>("wo", body -> new WebhooksChanged(UUID.fromString(body)));

        @Override
        public Kind<WebhooksChanged> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return orgId.toString();
        }
    }

    /**
     * {@code wq:<orgId>}: deliveries were queued. Only ever handed to the writing replica itself,
     * after its commit ({@link ClusterBus#deliverHereOnCommit}), never sent: the change costs no
     * statement, and other replicas find the rows at their next poll.
     */
    public record WebhooksQueued(UUID orgId) implements ClusterBus.Message {

        public static final Kind<WebhooksQueued> KIND = new Kind<>("wq", body -> new WebhooksQueued(UUID.fromString(body)));

        @Override
        public Kind<WebhooksQueued> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return orgId.toString();
        }
    }

    /** After a resubscribe invalidations may have been missed: forget every cached org. */
    @Produces
    @Singleton
    ClusterBus.Handler<WebhooksChanged> changedWebhooks(WebhookOrgs orgs) {
        return ClusterBus.Handler.of(WebhooksChanged.KIND, changed -> orgs.forget(changed.orgId()), orgs::forgetAll);
    }

    @Produces
    @Singleton
    ClusterBus.Handler<WebhooksQueued> queuedWebhooks(WebhookOutbox outbox) {
        return ClusterBus.Handler.of(WebhooksQueued.KIND, queued -> outbox.poke(), outbox::poke);
    }
}
