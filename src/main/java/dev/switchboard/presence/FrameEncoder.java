package dev.switchboard.presence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.availability.GroupAvailability;

/**
 * The one place that turns presence frames (records of {@link Frames}) into the text sent on the
 * wire, with the application's ObjectMapper.
 * <p>
 * One shortcut, for the largest frame: a snapshot of a big org is mostly its colleagues, which are
 * the same for every socket of the org at one seq. {@link #colleagues} encodes them once and
 * {@link #snapshot} puts that text into each socket's snapshot beside its own {@code me}; the
 * result is byte for byte what {@link #encode} makes of the same {@link Frames.Snapshot}
 * ({@code FrameEncoderTest}).
 */
@ApplicationScoped
public class FrameEncoder {

    private final ObjectMapper json;

    public FrameEncoder(ObjectMapper json) {
        this.json = json;
    }

    public String encode(Frames.ServerFrame frame) {
        return write(frame);
    }

    /** A part of a frame (e.g. a user's own view, which the recorder digests). */
    String encodePart(Object part) {
        return write(part);
    }

    /** The colleagues of a snapshot, encoded once for every socket of the org at {@code seq}. */
    Colleagues colleagues(long seq, List<PresenceView> colleagues) {
        return colleagues(seq, colleagues, List.of());
    }

    /** The colleagues and ring groups of a snapshot, encoded once for every socket of the org at {@code seq}. */
    Colleagues colleagues(long seq, List<PresenceView> colleagues, List<GroupAvailability> groups) {
        return new Colleagues(seq, write(colleagues), write(groups));
    }

    /** {@code encode(new Frames.Snapshot(colleagues.seq(), me, <the colleagues>, <the groups>))}, reusing their text. */
    String snapshot(SelfView me, Colleagues colleagues) {
        return "{\"type\":\"snapshot\",\"seq\":" + colleagues.seq() + ",\"me\":" + write(me) + ",\"colleagues\":"
                + colleagues.json() + ",\"groups\":" + colleagues.groups() + "}";
    }

    /** An org's colleagues and ring groups at {@code seq}, as JSON text. */
    record Colleagues(long seq, String json, String groups) {
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("presence frames are plain records and always serialize", e);
        }
    }
}
