package dev.switchboard.push;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.presence.ChannelHandler;
import dev.switchboard.presence.Frames;
import dev.switchboard.presence.PresenceHub;

/**
 * {@code w:<orgId>:<watcherId>:<userId>}: a watch fired (committed). Each replica sends
 * {@code watch_fired} to the watcher's sockets it holds and wakes its outbox worker, so the push
 * goes out without waiting for the next poll.
 */
@ApplicationScoped
public class WatchChannel implements ChannelHandler {

    static final String PREFIX = "w";

    private final PresenceHub hub;
    private final PushOutbox outbox;
    private final ObjectMapper json;

    public WatchChannel(PresenceHub hub, PushOutbox outbox, ObjectMapper json) {
        this.hub = hub;
        this.outbox = outbox;
        this.json = json;
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public void handle(String payload) {
        String[] parts = payload.split(":");
        UUID watcher = UUID.fromString(parts[2]);
        UUID colleague = UUID.fromString(parts[3]);
        try {
            hub.sendToUser(watcher, json.writeValueAsString(new Frames.WatchFired(colleague)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        outbox.poke();
    }

    @Override
    public void resync() {
        outbox.poke();
    }
}
