package dev.switchboard.presence;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.switchboard.availability.GroupAvailability;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every server-to-client frame of the presence protocol (docs/presence-protocol.md), one record
 * each; {@link FrameEncoder} is the only place they become text. Components are written in
 * declaration order, so {@code type} always comes first. Each record is registered for reflection
 * (native image) where it is declared.
 */
public final class Frames {

    private Frames() {
    }

    /** A frame the server sends; {@link FrameEncoder} encodes it. */
    public interface ServerFrame {
        String type();
    }

    // --- org events: carry the org seq, stored in presence_events and delivered by OrgStream ----

    @RegisterForReflection
    public record Presence(String type, long seq, PresenceView colleague) implements ServerFrame {
        public static final String TYPE = "presence";

        public Presence(long seq, PresenceView colleague) {
            this(TYPE, seq, colleague);
        }
    }

    @RegisterForReflection
    public record ColleagueAdded(String type, long seq, PresenceView colleague) implements ServerFrame {
        public static final String TYPE = "colleague_added";

        public ColleagueAdded(long seq, PresenceView colleague) {
            this(TYPE, seq, colleague);
        }
    }

    @RegisterForReflection
    public record ColleagueRemoved(String type, long seq, UUID userId) implements ServerFrame {
        public static final String TYPE = "colleague_removed";

        public ColleagueRemoved(long seq, UUID userId) {
            this(TYPE, seq, userId);
        }
    }

    /** A ring group's availability changed ("n of m can take a call"), or the group is new or renamed. */
    @RegisterForReflection
    public record Group(String type, long seq, GroupAvailability group) implements ServerFrame {
        public static final String TYPE = "group";

        public Group(long seq, GroupAvailability group) {
            this(TYPE, seq, group);
        }
    }

    /** A ring group was deleted. */
    @RegisterForReflection
    public record GroupRemoved(String type, long seq, UUID groupId) implements ServerFrame {
        public static final String TYPE = "group_removed";

        public GroupRemoved(long seq, UUID groupId) {
            this(TYPE, seq, groupId);
        }
    }

    // --- the platform's line feed (/ws/platform): every frame names its org ----------------------

    /** A line changed (or is new): its whole state, with the org's next line seq. */
    @RegisterForReflection
    public record Line(String type, UUID orgId, long seq, LineView line) implements ServerFrame {
        public static final String TYPE = "line";

        public Line(UUID orgId, long seq, LineView line) {
            this(TYPE, orgId, seq, line);
        }
    }

    /** A VoIP account was deleted: its line is gone. */
    @RegisterForReflection
    public record LineRemoved(String type, UUID orgId, long seq, UUID voipAccountId, String sipUsername) implements ServerFrame {
        public static final String TYPE = "line_removed";

        public LineRemoved(UUID orgId, long seq, UUID voipAccountId, String sipUsername) {
            this(TYPE, orgId, seq, voipAccountId, sipUsername);
        }
    }

    /** Every line of an org at line seq {@code seq}: a subscription's first frame for the org. */
    @RegisterForReflection
    public record LineSnapshot(String type, UUID orgId, long seq, List<LineView> lines) implements ServerFrame {
        public LineSnapshot(UUID orgId, long seq, List<LineView> lines) {
            this("snapshot", orgId, seq, lines);
        }
    }

    /** A subscription's {@code since} was honoured for the org: the missed line events follow. */
    @RegisterForReflection
    public record LineResumed(String type, UUID orgId, long seq) implements ServerFrame {
        public LineResumed(UUID orgId, long seq) {
            this("resumed", orgId, seq);
        }
    }

    // --- a socket's first frame ----------------------------------------------------------------

    /** The whole org at {@code seq}; {@link FrameEncoder#snapshot} writes it without re-encoding the colleagues. */
    @RegisterForReflection
    public record Snapshot(String type, long seq, SelfView me, List<PresenceView> colleagues, List<GroupAvailability> groups)
            implements ServerFrame {
        public Snapshot(long seq, SelfView me, List<PresenceView> colleagues, List<GroupAvailability> groups) {
            this("snapshot", seq, me, colleagues, groups);
        }

        public Snapshot(long seq, SelfView me, List<PresenceView> colleagues) {
            this(seq, me, colleagues, List.of());
        }
    }

    /** A resume was honoured: the events after {@code seq} follow. */
    @RegisterForReflection
    public record Resumed(String type, long seq) implements ServerFrame {
        public Resumed(long seq) {
            this("resumed", seq);
        }
    }

    // --- outside the org sequence ----------------------------------------------------------------

    @RegisterForReflection
    public record Me(String type, SelfView me) implements ServerFrame {
        public Me(SelfView me) {
            this("me", me);
        }
    }

    /** A watched colleague became available ("tell me when available"). */
    @RegisterForReflection
    public record WatchFired(String type, UUID userId) implements ServerFrame {
        public WatchFired(UUID userId) {
            this("watch_fired", userId);
        }
    }

    /** A command was carried out; {@code id} is the command's (null when it had none). */
    @RegisterForReflection
    public record Ack(String type, String id) implements ServerFrame {
        public Ack(String id) {
            this("ack", id);
        }
    }

    /** A command was refused; the socket stays open. {@code id} is left out when unknown. */
    @RegisterForReflection
    public record Error(String type, @JsonInclude(JsonInclude.Include.NON_NULL) String id, String code, String message)
            implements ServerFrame {
        public Error(String id, String code, String message) {
            this("error", id, code, message);
        }
    }

    /** The answer to {@code ping}. */
    @RegisterForReflection
    public record Pong(String type) implements ServerFrame {
        public static final Pong INSTANCE = new Pong("pong");
    }
}
