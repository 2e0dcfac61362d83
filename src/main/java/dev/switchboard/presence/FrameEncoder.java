package dev.switchboard.presence;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one place that turns presence frames (records of {@link Frames}) into the text sent on the wire. */
@ApplicationScoped
public class FrameEncoder {

    private final ObjectMapper json;

    public FrameEncoder(ObjectMapper json) {
        this.json = json;
    }

    public String encode(Frames.ServerFrame frame) {
        return write(frame);
    }

    /** A part of a frame (e.g. the colleagues of a snapshot) that several frames share. */
    String encodePart(Object part) {
        return write(part);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("presence frames are plain records and always serialize", e);
        }
    }
}
