package dev.switchboard.presence;

import java.util.UUID;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.ClusterBus.Kind;

/**
 * What the presence stream tells every replica over the {@link ClusterBus} (sent by
 * {@link PresencePublisher}), and what a replica does on each message: hand it to its sockets
 * ({@link PresenceDelivery}).
 */
@Singleton
public class PresenceMessages {

    /** {@code e:<orgId>:<seq>}: org event {@code seq} was stored; the frame is read from the store. */
    public record OrgEvent(UUID orgId, long seq) implements ClusterBus.Message {

        public static final Kind<OrgEvent> KIND = new Kind<>("e", body -> {
            String[] fields = ClusterBus.fields(body, 2);
            return new OrgEvent(UUID.fromString(fields[0]), Long.parseLong(fields[1]));
        });

        @Override
        public Kind<OrgEvent> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return orgId + ":" + seq;
        }
    }

    /** {@code m:<orgId>:<userId>}: what the user sees of themselves changed. */
    public record SelfChanged(UUID orgId, UUID userId) implements ClusterBus.Message {

        public static final Kind<SelfChanged> KIND = new Kind<>("m", body -> {
            String[] fields = ClusterBus.fields(body, 2);
            return new SelfChanged(UUID.fromString(fields[0]), UUID.fromString(fields[1]));
        });

        @Override
        public Kind<SelfChanged> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return orgId + ":" + userId;
        }
    }

    /** {@code d:<orgId>}: the organization was deleted; its sockets close. */
    public record OrgDeleted(UUID orgId) implements ClusterBus.Message {

        public static final Kind<OrgDeleted> KIND = new Kind<>("d", body -> new OrgDeleted(UUID.fromString(body)));

        @Override
        public Kind<OrgDeleted> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return orgId.toString();
        }
    }

    /** Each message goes to this replica's sockets; after a resubscribe, every org and every self view catch up. */
    @Produces
    @Singleton
    ClusterBus.Handler<OrgEvent> orgEvents(PresenceDelivery delivery) {
        return ClusterBus.Handler.of(OrgEvent.KIND, event -> delivery.orgEvent(event.orgId(), event.seq()), delivery::resyncAll);
    }

    @Produces
    @Singleton
    ClusterBus.Handler<SelfChanged> selfChanges(PresenceDelivery delivery) {
        return ClusterBus.Handler.of(SelfChanged.KIND, change -> delivery.selfChanged(change.userId()));
    }

    @Produces
    @Singleton
    ClusterBus.Handler<OrgDeleted> orgDeletions(PresenceDelivery delivery) {
        return ClusterBus.Handler.of(OrgDeleted.KIND, deletion -> delivery.orgDeleted(deletion.orgId()));
    }
}
