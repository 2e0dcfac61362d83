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

    /**
     * {@code e:<orgId>:<seq>:<type>:<userId>:<frame>}: org event {@code seq} was stored, with its
     * type, subject and encoded frame, so that receivers deliver it without reading it back. When
     * that exceeds NOTIFY's limit, {@code e:<orgId>:<seq>} ({@link #fallback}: no frame, receivers
     * read it from the store). The same with prefix {@code l} for an event of the platform's line
     * feed ({@link EventStream#LINES}, subject: the VoIP account).
     */
    public record OrgEvent(UUID orgId, long seq, String type, UUID subject, String frame, EventStream stream)
            implements ClusterBus.Message {

        public static final Kind<OrgEvent> KIND = new Kind<>("e", body -> decode(body, EventStream.PRESENCE));
        public static final Kind<OrgEvent> LINE_KIND = new Kind<>("l", body -> decode(body, EventStream.LINES));

        private static OrgEvent decode(String body, EventStream stream) {
            String[] fields = ClusterBus.leadingFields(body, 5);
            if (fields.length == 2) {
                return new OrgEvent(UUID.fromString(fields[0]), Long.parseLong(fields[1]), null, null, null, stream);
            }
            if (fields.length != 5 || fields[2].isEmpty() || fields[4].isEmpty()) {
                throw new IllegalArgumentException("Expected 2 or 5 fields in " + body);
            }
            return new OrgEvent(UUID.fromString(fields[0]), Long.parseLong(fields[1]), fields[2], UUID.fromString(fields[3]), fields[4],
                    stream);
        }

        /** An event of the presence stream. */
        public OrgEvent(UUID orgId, long seq, String type, UUID subject, String frame) {
            this(orgId, seq, type, subject, frame, EventStream.PRESENCE);
        }

        /** The key alone (presence stream): the frame is read from the store. */
        public OrgEvent(UUID orgId, long seq) {
            this(orgId, seq, null, null, null, EventStream.PRESENCE);
        }

        /** Whether the frame came with the message. */
        public boolean carriesFrame() {
            return frame != null;
        }

        @Override
        public Kind<OrgEvent> kind() {
            return stream == EventStream.LINES ? LINE_KIND : KIND;
        }

        @Override
        public String body() {
            return carriesFrame() ? orgId + ":" + seq + ":" + type + ":" + subject + ":" + frame : orgId + ":" + seq;
        }

        @Override
        public OrgEvent fallback() {
            return carriesFrame() ? new OrgEvent(orgId, seq, null, null, null, stream) : this;
        }
    }

    /**
     * {@code m:<orgId>:<userId>:<frame>}: what the user sees of themselves changed, with the
     * encoded {@code me} frame; {@code m:<orgId>:<userId>} ({@link #fallback}) when that exceeds
     * NOTIFY's limit, and receivers read the user's view.
     */
    public record SelfChanged(UUID orgId, UUID userId, String frame) implements ClusterBus.Message {

        public static final Kind<SelfChanged> KIND = new Kind<>("m", body -> {
            String[] fields = ClusterBus.leadingFields(body, 3);
            if (fields.length < 2 || (fields.length == 3 && fields[2].isEmpty())) {
                throw new IllegalArgumentException("Expected 2 or 3 fields in " + body);
            }
            return new SelfChanged(UUID.fromString(fields[0]), UUID.fromString(fields[1]), fields.length == 3 ? fields[2] : null);
        });

        /** The key alone: the user's view is read. */
        public SelfChanged(UUID orgId, UUID userId) {
            this(orgId, userId, null);
        }

        @Override
        public Kind<SelfChanged> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return frame == null ? orgId + ":" + userId : orgId + ":" + userId + ":" + frame;
        }

        @Override
        public SelfChanged fallback() {
            return frame == null ? this : new SelfChanged(orgId, userId);
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

    /**
     * Each message goes to this replica's sockets; after a resubscribe, every org and every self
     * view catch up. An org event arrives twice on the replica that recorded it (handed over at
     * its commit, then its NOTIFY): the delivery ignores a seq it already has.
     */
    @Produces
    @Singleton
    ClusterBus.Handler<OrgEvent> orgEvents(PresenceDelivery delivery) {
        return ClusterBus.Handler.of(OrgEvent.KIND, delivery::orgEvent, delivery::resyncAll);
    }

    /** Line feed events: delivered like org events; the presence handler's resync catches up every stream. */
    @Produces
    @Singleton
    ClusterBus.Handler<OrgEvent> lineEvents(PresenceDelivery delivery) {
        return ClusterBus.Handler.of(OrgEvent.LINE_KIND, delivery::orgEvent);
    }

    @Produces
    @Singleton
    ClusterBus.Handler<SelfChanged> selfChanges(PresenceDelivery delivery) {
        return ClusterBus.Handler.of(SelfChanged.KIND, delivery::selfChanged);
    }

    @Produces
    @Singleton
    ClusterBus.Handler<OrgDeleted> orgDeletions(PresenceDelivery delivery) {
        return ClusterBus.Handler.of(OrgDeleted.KIND, deletion -> delivery.orgDeleted(deletion.orgId()));
    }
}
