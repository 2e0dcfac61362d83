package dev.switchboard.presence;

/**
 * Another feature's notifications on the shared cross-replica channel
 * ({@link PresencePublisher#CHANNEL}): payloads {@code <prefix>:…} that {@link PresenceListener}
 * does not handle itself go to the handler owning that prefix. Runs on the listener's event loop:
 * decode and hand off, do no blocking or Hibernate work here.
 */
public interface ChannelHandler {

    /** A single token, not one of the presence stream's own ({@code e}, {@code m}, {@code d}). */
    String prefix();

    void handle(String payload);

    /** The channel was (re)subscribed: notifications sent meanwhile may have been lost. */
    default void resync() {
    }
}
