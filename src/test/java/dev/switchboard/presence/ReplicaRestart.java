package dev.switchboard.presence;

import io.quarkus.arc.ClientProxy;

/**
 * Test-only stand-in for "the drained replica was replaced by a fresh one". A shutdown
 * ({@code ShutdownDelayInitiatedEvent} → {@link PeerRegistry#closeAllForShutdown()}) closes every
 * socket with 1001 and then refuses new ones for good, as a replica on its way down must. A
 * {@code @QuarkusTest} cannot restart Quarkus, so a test that simulates a restart lets the server
 * shut its sockets for real and then accepts them again, which is what a new process would do.
 */
public final class ReplicaRestart {

    private ReplicaRestart() {
    }

    public static boolean goingAway(PeerRegistry registry) {
        return ClientProxy.unwrap(registry).goingAway();
    }

    /** The "new replica" accepts sockets again. */
    public static void acceptAgain(PeerRegistry registry) {
        ClientProxy.unwrap(registry).acceptAgain();
    }
}
