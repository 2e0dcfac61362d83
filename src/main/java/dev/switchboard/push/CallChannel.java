package dev.switchboard.push;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.presence.ChannelHandler;

/**
 * {@code c:<pushCallId>}: a wake-up was decided (the app answered, or its account registered) on
 * some replica. The replica holding the platform's request, if it is this one, reads the outcome.
 */
@ApplicationScoped
public class CallChannel implements ChannelHandler {

    static final String PREFIX = "c";

    private final IncomingCalls calls;

    public CallChannel(IncomingCalls calls) {
        this.calls = calls;
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public void handle(String payload) {
        calls.wake(UUID.fromString(payload.substring(PREFIX.length() + 1)));
    }

    @Override
    public void resync() {
        calls.recheckAll();
    }
}
