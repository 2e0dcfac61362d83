package dev.switchboard.presence;

import java.util.List;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The server-to-client frames of the presence protocol (docs/presence-protocol.md). */
@RegisterForReflection
public final class Frames {

    private Frames() {
    }

    /** A frame the server sends; {@link FrameEncoder} encodes it. */
    public interface ServerFrame {
        String type();
    }

    public record Presence(String type, long seq, PresenceView colleague) implements ServerFrame {
        public Presence(long seq, PresenceView colleague) {
            this("presence", seq, colleague);
        }
    }

    public record ColleagueAdded(String type, long seq, PresenceView colleague) implements ServerFrame {
        public ColleagueAdded(long seq, PresenceView colleague) {
            this("colleague_added", seq, colleague);
        }
    }

    public record ColleagueRemoved(String type, long seq, UUID userId) implements ServerFrame {
        public ColleagueRemoved(long seq, UUID userId) {
            this("colleague_removed", seq, userId);
        }
    }

    public record Snapshot(String type, long seq, SelfView me, List<PresenceView> colleagues) implements ServerFrame {
        public Snapshot(long seq, SelfView me, List<PresenceView> colleagues) {
            this("snapshot", seq, me, colleagues);
        }
    }

    /** A watched colleague became available ("tell me when available"). */
    public record WatchFired(String type, UUID userId) implements ServerFrame {
        public WatchFired(UUID userId) {
            this("watch_fired", userId);
        }
    }

    public record Me(String type, SelfView me) implements ServerFrame {
        public Me(SelfView me) {
            this("me", me);
        }
    }
}
