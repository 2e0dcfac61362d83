package dev.switchboard.presence;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.availability.AvailabilityDtos.SetAvailability;
import dev.switchboard.availability.AvailabilityService;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.ControlCharacters;
import dev.switchboard.common.JsonProblems;
import dev.switchboard.history.Actor;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.ServerWebSocket;

/**
 * Client-to-server frames. A bad frame never closes the socket: it gets an {@code error} frame
 * ({@code invalid_message}, {@code validation}, {@code forbidden}, {@code not_found},
 * {@code rate_limited}) and the connection carries on.
 */
@ApplicationScoped
public class PresenceCommands {

    private static final Logger LOG = Logger.getLogger(PresenceCommands.class);
    /** Command ids are echoed in acks and errors: short, plain text. */
    static final int MAX_ID_LENGTH = 64;

    private final ObjectMapper json;
    private final AvailabilityService availability;
    private final FrameEncoder encoder;

    public PresenceCommands(ControlCharacters strictJson, AvailabilityService availability, FrameEncoder encoder) {
        this.json = strictJson.mapper();
        this.availability = availability;
        this.encoder = encoder;
    }

    Uni<Void> handle(Peer peer, String text) {
        // Every frame costs a token, parsed or not: garbage must not be a free way to load the server.
        if (!peer.commands.tryAcquire()) {
            return reply(peer, error(null, "rate_limited", "too many commands; slow down"));
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JsonProcessingException e) {
            return reply(peer, error(null, "invalid_message", "not valid JSON"));
        }
        JsonNode idNode = frame == null ? null : frame.get("id");
        String id = idNode != null && !idNode.isNull() ? idNode.asText() : null;
        if (id != null && (id.length() > MAX_ID_LENGTH || ControlCharacters.present(id))) {
            return reply(peer, error(null, "validation",
                    "id must be at most " + MAX_ID_LENGTH + " characters without control characters"));
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
            return reply(peer, error(id, "invalid_message", "a frame is a JSON object with a string 'type'"));
        }
        return switch (frame.get("type").asText()) {
            case "ping" -> reply(peer, Frames.Pong.INSTANCE);
            case "set_availability" -> setAvailability(peer, id, (ObjectNode) frame);
            default -> reply(peer, error(id, "invalid_message", "unknown type"));
        };
    }

    private Uni<Void> setAvailability(Peer peer, String id, ObjectNode frame) {
        ObjectNode body = frame.deepCopy();
        body.remove("type");
        body.remove("id");
        SetAvailability request;
        try {
            request = json.treeToValue(body, SetAvailability.class);
        } catch (JsonProcessingException e) {
            return reply(peer, failureFrame(id, JsonProblems.fromJson(e)));
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause();
            return reply(peer, cause instanceof JsonProcessingException json
                    ? failureFrame(id, JsonProblems.fromJson(json))
                    : error(id, "validation", "status, destination, until, note or noteUntil is invalid"));
        }
        return availability.set(peer.orgId, peer.userId, request, null, Actor.self(peer.userId))
                .<Frames.ServerFrame>map(ignored -> new Frames.Ack(id))
                .onFailure().recoverWithItem(failure -> failureFrame(id, failure))
                .flatMap(reply -> reply(peer, reply));
    }

    private Frames.Error failureFrame(String id, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                String code = switch (api.status()) {
                    case 403 -> "forbidden";
                    case 404 -> "not_found";
                    default -> "validation";
                };
                String detail = api.getMessage();
                var problem = api.toProblem(null);
                if (problem.errors() != null && !problem.errors().isEmpty()) {
                    detail = problem.errors().get(0).field() + " " + problem.errors().get(0).message();
                }
                return error(id, code, detail);
            }
        }
        LOG.errorf(failure, "set_availability failed");
        return error(id, "internal_error", "the change could not be saved; try again");
    }

    /** An {@code error} for a socket that is being turned away (it has no peer, and gets no snapshot). */
    void refuse(ServerWebSocket socket, String code, String message) {
        socket.writeTextMessage(encoder.encode(error(null, code, message)));
    }

    private static Frames.Error error(String id, String code, String message) {
        return new Frames.Error(id, code, message);
    }

    private Uni<Void> reply(Peer peer, Frames.ServerFrame frame) {
        String text = encoder.encode(frame);
        peer.withSync(sync -> sync.reply(text));
        return Uni.createFrom().voidItem();
    }
}
