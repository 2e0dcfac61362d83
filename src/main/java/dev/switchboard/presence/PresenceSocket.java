package dev.switchboard.presence;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.switchboard.account.UserRepository;
import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.auth.CredentialVersions;
import dev.switchboard.account.DeviceKind;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * {@code /ws/presence}: the live presence stream of the caller's organization. Authenticated at
 * the upgrade (bearer header or single-use ticket); see docs/presence-protocol.md.
 */
@Authenticated
@WebSocket(path = "/ws/presence", endpointId = "presence")
public class PresenceSocket {

    private static final Logger LOG = Logger.getLogger(PresenceSocket.class);
    /** MDC key of the socket's id in every log line written inside a socket callback. */
    static final String MDC_CONNECTION = "connectionId";
    /** How Vert.x (4.5) words a message above its maximum size ("Cannot process text|binary frame of size"). */
    private static final java.util.regex.Pattern VERTX_TOO_LARGE =
            java.util.regex.Pattern.compile("^Cannot process (text|binary|continuation) frame of size");

    private final SecurityIdentity identity;
    private final PresenceHub hub;
    private final PresenceCommands commands;
    private final DeviceLeases leases;
    private final UserRepository users;
    private final VoipAccountRepository accounts;
    private final Vertx vertx;
    private final CredentialVersions versions;
    private final int maxInFlight;
    private final double commandRate;
    private final int commandBurst;
    private final int maxMessageBytes;

    public PresenceSocket(SecurityIdentity identity, PresenceHub hub, PresenceCommands commands, DeviceLeases leases,
            UserRepository users, VoipAccountRepository accounts, Vertx vertx, CredentialVersions versions,
            @ConfigProperty(name = "switchboard.ws.max-queued-frames", defaultValue = "256") int maxInFlight,
            @ConfigProperty(name = "switchboard.ws.commands-per-second", defaultValue = "20") double commandRate,
            @ConfigProperty(name = "switchboard.ws.command-burst", defaultValue = "40") int commandBurst,
            @ConfigProperty(name = "switchboard.ws.max-message-size", defaultValue = "16384") int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.versions = versions;
        this.identity = identity;
        this.hub = hub;
        this.commands = commands;
        this.leases = leases;
        this.users = users;
        this.accounts = accounts;
        this.vertx = vertx;
        this.maxInFlight = maxInFlight;
        this.commandRate = commandRate;
        this.commandBurst = commandBurst;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        MDC.put(MDC_CONNECTION, connection.id());
        if (hub.draining()) {
            return close(connection, 1001, "server going away");
        }
        SocketIdentity who = SocketIdentity.of(identity);
        if (who == null) {
            return close(connection, 4403, "presence is for members of an organization");
        }
        Map<String, String> query = query(connection.handshakeRequest().query());
        UUID deviceId;
        Long since;
        try {
            deviceId = query.containsKey("device") ? UUID.fromString(query.get("device")) : null;
            since = query.containsKey("since") ? Long.parseLong(query.get("since")) : null;
        } catch (IllegalArgumentException e) {
            commands.error(connection, null, "invalid_message", "device must be a UUID and since a whole number");
            return close(connection, 1008, "invalid query parameters");
        }
        Peer peer = new Peer(connection, SocketWire.of(connection), who.userId(), who.orgId(), deviceId,
                who.credentialsVersion(), maxInFlight, new CommandRateLimiter(commandRate, commandBurst), hub::drained);
        if (!hub.admit(peer)) {
            LOG.debugf("Presence socket refused: user %s already holds the maximum number of sockets", who.userId());
            return close(connection, 1008, "too many connections for this user");
        }
        if (versions.knownRevoked(who.userId(), who.credentialsVersion())) {
            // Announced after the upgrade was checked but before the hub listed this socket.
            peer.close(4401, "credentials changed");
            return Uni.createFrom().voidItem();
        }
        if (hub.draining()) {
            // The drain listed the open peers before this one was admitted.
            peer.close(1001, "server going away");
            return Uni.createFrom().voidItem();
        }
        LOG.debugf("Presence socket opened: org %s, user %s, device %s, since %s", who.orgId(), who.userId(), deviceId, since);
        scheduleExpiry(peer, who.expiresAt());
        return Panache.withSession(() -> users.findById(who.userId()).flatMap(user -> {
            if (user == null || !who.orgId().equals(user.orgId)) {
                return close(connection, 4403, "user deleted");
            }
            return deviceId == null ? Uni.createFrom().item(true) : ownDevice(who.userId(), deviceId);
        })).flatMap(deviceOk -> {
            if (!connection.isOpen()) {
                return Uni.createFrom().voidItem();
            }
            if (deviceOk != Boolean.TRUE) {
                commands.error(connection, null, "forbidden", "device must be your own webphone or app account");
                return close(connection, 1008, "not your webphone or app account");
            }
            return hub.join(peer)
                    .flatMap(ignored -> {
                        if (deviceId == null) {
                            return Uni.createFrom().voidItem();
                        }
                        // Marked before acquiring: DeviceLeases counts the device as held from the
                        // call on, so a socket closing meanwhile (or a failed acquire, which closes
                        // it) must release it too, or this replica would renew it forever.
                        peer.holdsDeviceLease = true;
                        return leases.acquire(who.orgId(), who.userId(), deviceId);
                    })
                    .flatMap(ignored -> since == null ? hub.sendSnapshot(peer) : hub.resume(peer, since));
        });
    }

    @OnTextMessage
    public Uni<Void> message(WebSocketConnection connection, String text) {
        MDC.put(MDC_CONNECTION, connection.id());
        if (tooLarge(text)) {
            return close(connection, 1009, "frame larger than " + maxMessageBytes + " bytes");
        }
        Peer peer = hub.peer(connection.id());
        return peer == null ? Uni.createFrom().voidItem() : commands.handle(peer, text);
    }

    /**
     * Vert.x refuses a message above quarkus.websockets-next.server.max-message-size (set to
     * switchboard.ws.max-message-size), whether it came as one frame or fragmented, with this
     * exception; unhandled it would close with 1011 and log a stack trace. It is the client's
     * mistake: 1009, no error log.
     */
    @OnError
    public Uni<Void> tooLarge(WebSocketConnection connection, IllegalStateException failure) {
        MDC.put(MDC_CONNECTION, connection.id());
        if (failure.getMessage() != null && VERTX_TOO_LARGE.matcher(failure.getMessage()).find()) {
            LOG.debugf("Presence socket message too large: %s", failure.getMessage());
            return close(connection, 1009, "message larger than " + maxMessageBytes + " bytes");
        }
        LOG.errorf(failure, "Presence socket failed");
        return close(connection, 1011, "unexpected error");
    }

    /**
     * A single frame above max-frame-size: OversizeFrames has already answered it with 1009 and
     * passed the failure on so that Vert.x closes the connection (and @OnClose runs). The
     * client's mistake: nothing more to do, no error log.
     */
    @OnError
    public Uni<Void> frameTooLarge(WebSocketConnection connection, CorruptedWebSocketFrameException failure) {
        MDC.put(MDC_CONNECTION, connection.id());
        LOG.debugf("Presence socket closed for a frame too large: %s", failure.getMessage());
        return Uni.createFrom().voidItem();
    }

    @OnClose
    public Uni<Void> closed(WebSocketConnection connection) {
        MDC.put(MDC_CONNECTION, connection.id());
        Peer peer = hub.peer(connection.id());
        if (peer == null) {
            return Uni.createFrom().voidItem();
        }
        CloseReason reason = connection.closeReason();
        LOG.debugf("Presence socket closed: user %s, code %s", peer.userId, reason == null ? "none" : reason.getCode());
        hub.leave(peer);
        if (peer.expiryTimer >= 0) {
            vertx.cancelTimer(peer.expiryTimer);
        }
        return peer.holdsDeviceLease ? leases.release(peer.deviceId) : Uni.createFrom().voidItem();
    }

    /**
     * SIGTERM with {@code quarkus.shutdown.delay-enabled}: readiness is already DOWN, the load
     * balancers are dropping this pod, and REST keeps answering for the delay. Sockets do not drain
     * by themselves, so they are closed now with 1001 (clients resume with {@code since} on another
     * replica) and new ones are refused for the rest of the shutdown.
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        LOG.infof("Shutdown delay started: readiness is DOWN, closing %d presence sockets with 1001", hub.drain());
    }

    /** Without a delay (or for anything opened despite it) the same happens at shutdown. */
    void onShutdown(@Observes ShutdownEvent event) {
        int closed = hub.drain();
        if (closed > 0) {
            LOG.infof("Shutting down: closed %d presence sockets with 1001", closed);
        }
    }

    private void scheduleExpiry(Peer peer, Instant expiresAt) {
        long delay = Math.max(1, Duration.between(Instant.now(), expiresAt).toMillis());
        peer.expiryTimer = vertx.setTimer(delay, id -> peer.close(4401, "token expired"));
    }

    private boolean tooLarge(String text) {
        return text.length() > maxMessageBytes
                || text.length() * 3L > maxMessageBytes && text.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes;
    }

    private Uni<Boolean> ownDevice(UUID userId, UUID deviceId) {
        return accounts.findById(deviceId).map(account -> account != null && userId.equals(account.userId)
                && (account.kind == DeviceKind.WEBPHONE || account.kind == DeviceKind.APP));
    }

    private static <T> Uni<T> close(WebSocketConnection connection, int code, String reason) {
        return connection.close(new CloseReason(code, reason)).replaceWith((T) null);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }
}
