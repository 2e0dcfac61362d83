package dev.switchboard.presence;

import java.util.List;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The server-to-client frames of the presence protocol (docs/presence-protocol.md). */
@RegisterForReflection
public final class Frames {

    private Frames() {
    }

    public record Presence(String type, long seq, PresenceView colleague) {
        public Presence(long seq, PresenceView colleague) {
            this("presence", seq, colleague);
        }
    }

    public record ColleagueAdded(String type, long seq, PresenceView colleague) {
        public ColleagueAdded(long seq, PresenceView colleague) {
            this("colleague_added", seq, colleague);
        }
    }

    public record ColleagueRemoved(String type, long seq, UUID userId) {
        public ColleagueRemoved(long seq, UUID userId) {
            this("colleague_removed", seq, userId);
        }
    }

    public record Snapshot(String type, long seq, SelfView me, List<PresenceView> colleagues) {
        public Snapshot(long seq, SelfView me, List<PresenceView> colleagues) {
            this("snapshot", seq, me, colleagues);
        }
    }

    /** A watched colleague became available ("tell me when available"). */
    public record WatchFired(String type, UUID userId) {
        public WatchFired(UUID userId) {
            this("watch_fired", userId);
        }
    }

    public record Me(String type, SelfView me) {
        public Me(SelfView me) {
            this("me", me);
        }
    }
}
