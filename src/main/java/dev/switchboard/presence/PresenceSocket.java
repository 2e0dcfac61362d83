package dev.switchboard.presence;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.switchboard.auth.CredentialVersions;
import dev.switchboard.auth.CredentialsUpgradeCheck;
import dev.switchboard.common.Messages;
import dev.switchboard.common.SafeContext;
import dev.switchboard.common.SwitchboardConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.websockets.next.runtime.config.WebSocketsServerRuntimeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /ws/presence}: the live presence stream of the caller's organization; see
 * docs/presence-protocol.md. A plain Vert.x WebSocket upgrade on a route: Quarkus HTTP security has
 * authenticated the request by then (bearer header or single-use ticket; without either the
 * permission policy answers 401), and after the handshake only the Vert.x socket and its
 * {@link Peer} remain — not the upgrade request, the security identity or any CDI context, which
 * websockets-next kept for every connection's lifetime.
 * <p>
 * A socket's callbacks run one at a time, as PeerSync relies on: the socket is paused until its
 * open completed (first frame out) and again while each command is handled.
 */
@ApplicationScoped
public class PresenceSocket {

    static final String PATH = "/ws/presence";
    private static final Logger LOG = Logger.getLogger(PresenceSocket.class);
    /** MDC key of the socket's id in every log line written inside a socket callback. */
    static final String MDC_CONNECTION = "connectionId";
    /** How Vert.x (4.5) words a message above its maximum size ("Cannot process text|binary frame of size"). */
    static final java.util.regex.Pattern VERTX_TOO_LARGE =
            java.util.regex.Pattern.compile("^Cannot process (text|binary|continuation) frame of size");
    private static final AtomicLong IDS = new AtomicLong();
    /** An open (admission, access check, first frame) taking longer than this is logged with where it stands. */
    private static final Duration SLOW_OPEN = Duration.ofSeconds(5);

    private final CredentialsUpgradeCheck credentials;
    private final PeerRegistry registry;
    private final SocketDelivery delivery;
    private final CatchUp catchUp;
    private final PresenceCommands commands;
    private final SocketAccess access;
    private final DeviceLeases leases;
    private final Vertx vertx;
    private final CredentialVersions versions;
    private final SwitchboardConfig.Ws config;
    private final WebSocketsServerRuntimeConfig server;

    public PresenceSocket(CredentialsUpgradeCheck credentials, PeerRegistry registry, SocketDelivery delivery,
            CatchUp catchUp, PresenceCommands commands, SocketAccess access, DeviceLeases leases, Vertx vertx,
            CredentialVersions versions, SwitchboardConfig config, WebSocketsServerRuntimeConfig server) {
        this.credentials = credentials;
        this.registry = registry;
        this.delivery = delivery;
        this.catchUp = catchUp;
        this.commands = commands;
        this.access = access;
        this.leases = leases;
        this.vertx = vertx;
        this.versions = versions;
        this.config = config.ws();
        this.server = server;
    }

    /** One socket: its Vert.x socket, and its peer once admitted. */
    private static final class Connection {
        final ServerWebSocket socket;
        final long id = IDS.incrementAndGet();
        /** Set once admitted; a socket without one was turned away and is closing. */
        volatile Peer peer;
        private boolean opening = true;
        private boolean closed;
        /** Where the open stands, for the warning about an open that takes too long. */
        volatile String stage = "admitting";

        Connection(ServerWebSocket socket) {
            this.socket = socket;
        }

        /** The socket closed: false while its open is still running (then the open's end lets it go). */
        synchronized boolean closedNow() {
            closed = true;
            return !opening;
        }

        synchronized boolean stillOpening() {
            return opening && !closed;
        }

        /** The open ended: true when the socket closed meanwhile (and so must be let go now). */
        synchronized boolean openEnded() {
            opening = false;
            return closed;
        }
    }

    void route(@Observes Router router) {
        router.route(PATH).handler(this::upgrade);
    }

    /** Server pings for every admitted socket, from one timer (not one per socket). */
    void startPings(@Observes StartupEvent event) {
        server.autoPingInterval().filter(interval -> !interval.isZero()).ifPresent(interval -> vertx.setPeriodic(
                interval.toMillis(), id -> registry.users().forEach(user -> registry.ofUser(user).forEach(peer -> {
                    if (peer.wire instanceof SocketWire wire) {
                        wire.ping();
                    }
                }))));
    }

    /**
     * Refuses (401) an identity whose credentials changed since its token or ticket was issued,
     * then upgrades. Nothing of the request is kept but {@link SocketIdentity} and the query.
     */
    private void upgrade(RoutingContext context) {
        if (!context.request().headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            context.next();
            return;
        }
        currentIdentity(context, credentials).subscribe().with(identity -> {
            if (identity == null) {
                context.response().setStatusCode(401).end();
                return;
            }
            SocketIdentity who = SocketIdentity.of(identity);
            String query = context.request().query();
            AtomicBoolean done = new AtomicBoolean();
            long slowUpgrade = vertx.setTimer(SLOW_OPEN.toMillis(), id -> {
                if (!done.get()) {
                    LOG.warnf("Presence socket upgrade of user %s not completed after %s", who.userId(), SLOW_OPEN);
                }
            });
            context.request().toWebSocket().onComplete(upgraded -> {
                done.set(true);
                vertx.cancelTimer(slowUpgrade);
                if (upgraded.succeeded()) {
                    opened(upgraded.result(), who, query);
                } else {
                    // after authentication and the credentials check: not expected, so worth a line
                    LOG.warnf("Presence socket upgrade failed: %s", upgraded.cause());
                }
            });
        }, context::fail);
    }

    /**
     * The upgrade's identity when it has one whose credentials are still current (null: answer
     * 401), back on the request's own context: the check may read the database and complete on the
     * pool's event loop, and the request must be answered and upgraded from its own.
     */
    static Uni<SecurityIdentity> currentIdentity(RoutingContext context, CredentialsUpgradeCheck credentials) {
        return SafeContext.backOnCallerContext(identity(context)
                .flatMap(identity -> identity == null || identity.isAnonymous()
                        ? Uni.createFrom().<SecurityIdentity> nullItem()
                        : credentials.permits(identity).map(current -> current ? identity : null)));
    }

    /** The upgrade request's identity (null: none), as Quarkus HTTP security authenticated it. */
    private static Uni<SecurityIdentity> identity(RoutingContext context) {
        if (context.user() instanceof QuarkusHttpUser user) {
            return Uni.createFrom().item(user.getSecurityIdentity());
        }
        Uni<SecurityIdentity> deferred = context.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        return deferred != null ? deferred : Uni.createFrom().nullItem();
    }

    /** On the socket's event loop, right after the handshake. */
    private void opened(ServerWebSocket socket, SocketIdentity who, String query) {
        // Vert.x keeps the upgrade's headers with the socket; nothing reads them after the handshake
        // but the language, and with a bearer token they are the largest thing an idle socket holds.
        String acceptLanguage = socket.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE);
        socket.headers().clear();
        Connection connection = new Connection(socket);
        LOG.debugf("Presence socket %d upgraded from %s", connection.id, socket.remoteAddress());
        socket.pause();
        socket.textMessageHandler(text -> message(connection, text));
        socket.exceptionHandler(failure -> failed(connection, failure));
        socket.closeHandler(ignored -> {
            if (connection.closedNow()) {
                closed(connection);
            }
        });
        vertx.setTimer(SLOW_OPEN.toMillis(), id -> warnIfNoFirstFrame(connection, who));
        inOwnContext(connection, () -> open(connection, who, query, acceptLanguage))
                .subscribe().with(ok -> openEnded(connection),
                failure -> {
                    LOG.errorf(failure, "Presence socket could not be opened");
                    close(connection, 1011, "unexpected error");
                    openEnded(connection);
                });
    }

    /**
     * An admitted socket whose first frame is not out after {@link #SLOW_OPEN}: one WARN line saying
     * where it stands (its open, or its PeerSync when the open ended without writing it).
     */
    private void warnIfNoFirstFrame(Connection connection, SocketIdentity who) {
        Peer peer = connection.peer;
        if (connection.stillOpening()) {
            LOG.warnf("Presence socket %d of user %s not opened after %s: %s", connection.id, who == null ? null : who.userId(),
                    SLOW_OPEN, connection.stage);
        } else if (peer != null && !connection.socket.isClosed()) {
            peer.withSync(sync -> {
                if (!sync.started()) {
                    // Whatever lost it, the socket must not stay without its first frame: ask for a
                    // fresh snapshot (the same repair as after lost events).
                    LOG.warnf("Presence socket %d of user %s opened but no first frame after %s: %s, last stage %s; resynchronizing",
                            connection.id, peer.userId, SLOW_OPEN, sync.describe(), connection.stage);
                    sync.resynchronize();
                }
            });
        } else if (peer == null) {
            LOG.debugf("Presence socket %d turned away (closed %s, stage %s)", (Object) connection.id, connection.socket.isClosed(),
                    connection.stage);
        } else {
            peer.withSync(sync -> {
                if (!sync.started()) {
                    LOG.debugf("Presence socket %d closed before its first frame: %s, last stage %s", connection.id,
                            sync.describe(), connection.stage);
                }
            });
        }
    }

    private void openEnded(Connection connection) {
        LOG.debugf("Presence socket %d open ended", connection.id);
        if (connection.openEnded()) {
            closed(connection);
        } else {
            connection.socket.resume();
        }
    }

    /**
     * Admits the socket and writes its first frame. Messages sent meanwhile wait (the socket is
     * paused) and are then answered in order; PeerSync holds any reply until the first frame is
     * out as well.
     */
    private Uni<Void> open(Connection connection, SocketIdentity who, String rawQuery, String acceptLanguage) {
        if (registry.goingAway()) {
            return close(connection, 1001, "server going away");
        }
        if (who == null) {
            return close(connection, 4403, "presence is for members of an organization");
        }
        Map<String, String> query = query(rawQuery);
        UUID deviceId;
        Long since;
        try {
            deviceId = query.containsKey("device") ? UUID.fromString(query.get("device")) : null;
            since = query.containsKey("since") ? Long.parseLong(query.get("since")) : null;
        } catch (IllegalArgumentException e) {
            commands.refuse(connection.socket, "invalid_message", "device must be a UUID and since a whole number");
            return close(connection, 1008, "invalid query parameters");
        }
        // The language of the socket's human texts: ?lang= (a page's own choice), else the upgrade's Accept-Language.
        Messages messages = Messages.forAcceptLanguage(query.containsKey("lang") ? query.get("lang") : acceptLanguage);
        Peer peer = new Peer(SocketWire.of(connection.socket), who, deviceId, messages, config.maxQueuedFrames(),
                new CommandRateLimiter(config.commandsPerSecond(), config.commandBurst()), catchUp::resync);
        if (!registry.admit(peer)) {
            LOG.debugf("Presence socket refused: user %s already holds the maximum number of sockets", who.userId());
            return close(connection, 1008, "too many connections for this user");
        }
        connection.peer = peer; // from now on closing lets it go
        if (versions.knownRevoked(who.userId(), who.credentialsVersion())) {
            // Announced after the upgrade was checked but before the registry listed this socket.
            peer.close(4401, "credentials changed");
            return Uni.createFrom().voidItem();
        }
        if (registry.goingAway()) {
            // The shutdown closed the open sockets before this one was admitted.
            peer.close(1001, "server going away");
            return Uni.createFrom().voidItem();
        }
        LOG.debugf("Presence socket opened: org %s, user %s, device %s, since %s", who.orgId(), who.userId(), deviceId, since);
        scheduleExpiry(peer, who.expiresAt());
        connection.stage = "checking access";
        return access.check(who.orgId(), who.userId(), deviceId).flatMap(verdict -> {
            if (connection.socket.isClosed()) {
                return Uni.createFrom().voidItem();
            }
            switch (verdict) {
                case NOT_A_MEMBER:
                    return close(connection, 4403, "user deleted");
                case NOT_OWN_DEVICE:
                    commands.refuse(connection.socket, "forbidden", "device must be your own webphone or app account");
                    return close(connection, 1008, "not your webphone or app account");
                default:
                    break;
            }
            connection.stage = "joining the org stream";
            return delivery.join(peer)
                    .flatMap(ignored -> {
                        if (deviceId == null) {
                            return Uni.createFrom().voidItem();
                        }
                        // Marked before acquiring: DeviceLeases counts the device as held from the
                        // call on, so a socket closing meanwhile (or a failed acquire, which closes
                        // it) must release it too, or this replica would renew it forever.
                        connection.stage = "acquiring the device lease";
                        peer.holdsDeviceLease = true;
                        return leases.acquire(who.orgId(), who.userId(), deviceId);
                    })
                    .flatMap(ignored -> {
                        connection.stage = "writing the first frame";
                        return catchUp.start(peer, since, step -> connection.stage = step);
                    });
        });
    }

    /** A command, after the open completed; the socket stays paused until it is answered. */
    private void message(Connection connection, String text) {
        Peer peer = connection.peer;
        if (tooLarge(text)) {
            close(connection, 1009, "frame larger than " + config.maxMessageSize() + " bytes");
            return;
        }
        if (peer == null) {
            return;
        }
        connection.socket.pause();
        inOwnContext(connection, () -> commands.handle(peer, text)).subscribe().with(ok -> connection.socket.resume(),
                failure -> {
                    LOG.errorf(failure, "Presence command failed");
                    close(connection, 1011, "unexpected error");
                    connection.socket.resume();
                });
    }

    /**
     * Vert.x refuses a message above quarkus.websockets-next.server.max-message-size (set to
     * switchboard.ws.max-message-size), whether it came as one frame or fragmented, with this
     * exception. It is the client's mistake: 1009, no error log; so is a connection the client
     * dropped.
     */
    private void failed(Connection connection, Throwable failure) {
        if (failure instanceof IllegalStateException && failure.getMessage() != null
                && VERTX_TOO_LARGE.matcher(failure.getMessage()).find()) {
            LOG.debugf("Presence socket message too large: %s", failure.getMessage());
            close(connection, 1009, "message larger than " + config.maxMessageSize() + " bytes");
        } else if (failure instanceof IOException || failure instanceof HttpClosedException) {
            LOG.debugf("Presence socket connection failed: %s", failure);
        } else {
            LOG.errorf(failure, "Presence socket failed");
            close(connection, 1011, "unexpected error");
        }
    }

    private void closed(Connection connection) {
        Peer peer = connection.peer;
        if (peer == null) {
            return;
        }
        inOwnContext(connection, () -> {
            Short code = connection.socket.closeStatusCode();
            LOG.debugf("Presence socket closed: user %s, code %s", peer.userId, code == null ? "none" : code);
            registry.remove(peer);
            delivery.leave(peer);
            if (peer.expiryTimer >= 0) {
                vertx.cancelTimer(peer.expiryTimer);
            }
            return peer.holdsDeviceLease ? leases.release(peer.deviceId) : Uni.createFrom().voidItem();
        }).subscribe().with(ok -> { }, failure -> LOG.warnf("Presence socket clean-up failed: %s", failure.toString()));
    }

    /**
     * SIGTERM with {@code quarkus.shutdown.delay-enabled}: readiness is already DOWN, the load
     * balancers are dropping this pod, and REST keeps answering for the delay. Sockets do not end
     * by themselves, so they are closed now with 1001 (clients resume with {@code since} on another
     * replica) and new ones are refused for the rest of the shutdown.
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        LOG.infof("Shutdown delay started: readiness is DOWN, closing %d presence sockets with 1001", registry.closeAllForShutdown());
    }

    /** Without a delay (or for anything opened despite it) the same happens at shutdown. */
    void onShutdown(@Observes ShutdownEvent event) {
        int closed = registry.closeAllForShutdown();
        if (closed > 0) {
            LOG.infof("Shutting down: closed %d presence sockets with 1001", closed);
        }
    }

    /**
     * Runs a socket callback's work on a fresh safe duplicated context (Hibernate Reactive keeps
     * its session there), with the socket's id in the MDC; nothing of it stays with the socket.
     */
    private <T> Uni<T> inOwnContext(Connection connection, Supplier<Uni<T>> work) {
        return SafeContext.run(vertx, () -> {
            MDC.put(MDC_CONNECTION, Long.toString(connection.id));
            return work.get();
        });
    }

    private void scheduleExpiry(Peer peer, Instant expiresAt) {
        long delay = Math.max(1, Duration.between(Instant.now(), expiresAt).toMillis());
        peer.expiryTimer = vertx.setTimer(delay, id -> peer.close(4401, "token expired"));
    }

    private boolean tooLarge(String text) {
        return tooLarge(text, config.maxMessageSize());
    }

    /** Whether a text message has more than {@code limit} bytes of UTF-8 (cheaply, for the common short one). */
    static boolean tooLarge(String text, int limit) {
        return text.length() > limit || text.length() * 3L > limit && text.getBytes(StandardCharsets.UTF_8).length > limit;
    }

    private static <T> Uni<T> close(Connection connection, int code, String reason) {
        if (!connection.socket.isClosed()) {
            connection.socket.close((short) code, reason);
        }
        return Uni.createFrom().nullItem();
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
