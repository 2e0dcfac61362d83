package dev.switchboard.push;

import java.util.UUID;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.ClusterBus.Kind;
import dev.switchboard.presence.Frames;
import dev.switchboard.presence.PresenceDelivery;

/** What push tells every replica over the {@link ClusterBus}, and what a replica does on each message. */
@Singleton
public class PushMessages {

    /**
     * {@code c:<pushCallId>}: a wake-up was decided (the app answered, or its account registered)
     * on some replica. The replica holding the platform's request, if it is this one, reads the outcome.
     */
    public record CallDecided(UUID pushCallId) implements ClusterBus.Message {

        public static final Kind<CallDecided> KIND = new Kind<>("c", body -> new CallDecided(UUID.fromString(body)));

        @Override
        public Kind<CallDecided> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return pushCallId.toString();
        }
    }

    /**
     * {@code w:<orgId>:<watcherId>:<userId>}: a watch fired (committed). Each replica sends
     * {@code watch_fired} to the watcher's sockets it holds and wakes its outbox worker, so the push
     * goes out without waiting for the next poll.
     */
    public record WatchFired(UUID orgId, UUID watcherId, UUID userId) implements ClusterBus.Message {

        public static final Kind<WatchFired> KIND = new Kind<>("w", body -> {
            String[] fields = ClusterBus.fields(body, 3);
            return new WatchFired(UUID.fromString(fields[0]), UUID.fromString(fields[1]), UUID.fromString(fields[2]));
        });

        @Override
        public Kind<WatchFired> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return orgId + ":" + watcherId + ":" + userId;
        }
    }

    /** After a resubscribe every waiting wake-up reads its outcome again. */
    @Produces
    @Singleton
    ClusterBus.Handler<CallDecided> callDecisions(IncomingCalls calls) {
        return ClusterBus.Handler.of(CallDecided.KIND, decided -> calls.wake(decided.pushCallId()), calls::recheckAll);
    }

    /** After a resubscribe the outbox looks for what it may have missed. */
    @Produces
    @Singleton
    ClusterBus.Handler<WatchFired> firedWatches(PresenceDelivery delivery, PushOutbox outbox) {
        return ClusterBus.Handler.of(WatchFired.KIND, fired -> {
            delivery.sendToUser(fired.watcherId(), new Frames.WatchFired(fired.userId()));
            outbox.poke();
        }, outbox::poke);
    }
}
