package dev.switchboard.presence;

import java.lang.reflect.Field;

import io.quarkus.arc.ClientProxy;

/**
 * Test-only stand-in for "the drained replica was replaced by a fresh one". A drain
 * ({@code ShutdownDelayInitiatedEvent} → {@link PresenceHub#drain()}) closes every socket with
 * 1001 and then refuses new ones for good, as a replica on its way down must. A
 * {@code @QuarkusTest} cannot restart Quarkus, so a test that simulates a restart lets the server
 * drain for real and then clears the flag, which is what a new process would start with.
 */
public final class ReplicaRestart {

    private ReplicaRestart() {
    }

    public static boolean draining(PresenceHub hub) {
        return ClientProxy.unwrap(hub).draining();
    }

    /** The "new replica" accepts sockets again. */
    public static void undoDrain(PresenceHub hub) {
        try {
            Field draining = PresenceHub.class.getDeclaredField("draining");
            draining.setAccessible(true);
            draining.setBoolean(ClientProxy.unwrap(hub), false);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("PresenceHub no longer has a 'draining' flag: update this test helper", e);
        }
    }
}
