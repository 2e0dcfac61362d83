package dev.switchboard.push;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;


import dev.switchboard.presence.ChannelHandler;
import dev.switchboard.presence.Frames;
import dev.switchboard.presence.PresenceDelivery;

/**
 * {@code w:<orgId>:<watcherId>:<userId>}: a watch fired (committed). Each replica sends
 * {@code watch_fired} to the watcher's sockets it holds and wakes its outbox worker, so the push
 * goes out without waiting for the next poll.
 */
@ApplicationScoped
public class WatchChannel implements ChannelHandler {

    static final String PREFIX = "w";

    private final PresenceDelivery hub;
    private final PushOutbox outbox;
    
    public WatchChannel(PresenceDelivery hub, PushOutbox outbox) {
        this.hub = hub;
        this.outbox = outbox;
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
        hub.sendToUser(watcher, new Frames.WatchFired(colleague));
        outbox.poke();
    }

    @Override
    public void resync() {
        outbox.poke();
    }
}
