package dev.switchboard.presence;

import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.switchboard.common.Messages;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * One open presence socket: who holds it, its wire, and where it stands in its org's stream
 * ({@link #sync}, confined to the socket's event loop). The socket's own callbacks hold it
 * ({@link PresenceSocket}), so they find it without a registry look-up.
 */
final class Peer {

    final Wire wire;
    final UUID userId;
    final UUID orgId;
    final UUID deviceId;
    /** The language of the human texts in its {@code me} frames. */
    final Messages messages;
    /** The credentials version of the token (or ticket) that opened the socket; an older one than the user's closes it. */
    final long credentialsVersion;
    final CommandRateLimiter commands;
    final PeerSync sync;
    /** The org stream it joined (set once, when it joins). */
    volatile OrgStream stream;
    /** Whether it left its stream: leaving counts once, however many clean-ups ask. */
    final java.util.concurrent.atomic.AtomicBoolean left = new java.util.concurrent.atomic.AtomicBoolean();
    /** The timer that closes the socket when its token expires. */
    long expiryTimer = -1;
    /** Whether this socket counted towards its device's lease (only then does closing release it). */
    volatile boolean holdsDeviceLease;

    Peer(Wire wire, SocketIdentity who, UUID deviceId, Messages messages, int maxQueued, CommandRateLimiter commands,
            BiConsumer<Peer, Integer> resync) {
        this.wire = wire;
        this.userId = who.userId();
        this.orgId = who.orgId();
        this.deviceId = deviceId;
        this.messages = messages;
        this.credentialsVersion = who.credentialsVersion();
        this.commands = commands;
        this.sync = new PeerSync(wire, maxQueued, request -> resync.accept(this, request));
    }

    /** Closes the socket after every frame already given to it. */
    void close(int code, String reason) {
        wire.loop().execute(() -> wire.close(code, reason));
    }

    /** Runs {@code action} on the socket's event loop. */
    void withSync(Consumer<PeerSync> action) {
        wire.execute(() -> action.accept(sync));
    }

    /**
     * Runs {@code step} on the socket's event loop and continues on the caller's Vert.x context
     * (which database work after it needs).
     */
    <T> Uni<T> onLoop(Supplier<T> step) {
        Context caller = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> wire.execute(() -> {
            T result;
            try {
                result = step.get();
            } catch (RuntimeException e) {
                emitter.fail(e);
                return;
            }
            if (caller == null || Vertx.currentContext() == caller) {
                emitter.complete(result);
            } else {
                caller.runOnContext(ignored -> emitter.complete(result));
            }
        }));
    }
}
