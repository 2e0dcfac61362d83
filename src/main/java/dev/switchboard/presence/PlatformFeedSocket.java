package dev.switchboard.presence;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.auth.CredentialsUpgradeCheck;
import dev.switchboard.auth.Role;
import dev.switchboard.auth.TicketAuthenticationMechanism;
import dev.switchboard.common.ControlCharacters;
import dev.switchboard.common.Messages;
import dev.switchboard.common.SafeContext;
import dev.switchboard.common.SwitchboardConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.runtime.config.WebSocketsServerRuntimeConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /ws/platform}: the platform's line feed (busy lamps and DND keys), for the SIP platform
 * only. A plain Vert.x WebSocket like {@link PresenceSocket}; each subscribed org of a socket is a
 * {@link Peer} of its own (with its own {@link PeerSync} on a {@link SocketWire#sibling} of the
 * socket) in the org's line stream, so ordering, backlog, overflow, snapshot and resume are the
 * presence socket's, per org. The socket is paused while a frame is handled, so frames are
 * answered in order.
 */
@ApplicationScoped
public class PlatformFeedSocket {

    static final String PATH = "/ws/platform";
    /**
     * Org ids one {@code subscribe} may list, and {@code since} entries it may carry: about what a
     * frame within the 16 KiB message limit can hold; more orgs take several subscribe frames.
     */
    static final int MAX_ORG_IDS = 400;
    private static final Logger LOG = Logger.getLogger(PlatformFeedSocket.class);
    private static final Set<String> SUBSCRIBE_FIELDS = Set.of("type", "orgIds", "since");
    /** How many subscribed orgs of one frame read their first frame at once. */
    private static final int CONCURRENT_FIRST_FRAMES = 8;

    private final CredentialsUpgradeCheck credentials;
    private final SocketDelivery delivery;
    private final CatchUp catchUp;
    private final LineStore lines;
    private final FrameEncoder encoder;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final SwitchboardConfig.Ws config;
    private final WebSocketsServerRuntimeConfig server;
    private final Set<Feed> open = ConcurrentHashMap.newKeySet();
    private volatile boolean goingAway;

    public PlatformFeedSocket(CredentialsUpgradeCheck credentials, SocketDelivery delivery, CatchUp catchUp, LineStore lines,
            FrameEncoder encoder, ControlCharacters strictJson, Vertx vertx, SwitchboardConfig config,
            WebSocketsServerRuntimeConfig server) {
        this.credentials = credentials;
        this.delivery = delivery;
        this.catchUp = catchUp;
        this.lines = lines;
        this.encoder = encoder;
        this.json = strictJson.mapper();
        this.vertx = vertx;
        this.config = config.ws();
        this.server = server;
    }

    /** One platform socket and its subscriptions, one per org. */
    private final class Feed {
        final ServerWebSocket socket;
        /** For replies ({@code pong}, {@code error}); each subscription writes through a sibling. */
        final SocketWire wire;
        final Instant expiresAt;
        final CommandRateLimiter commands = new CommandRateLimiter(config.commandsPerSecond(), config.commandBurst());
        final Map<UUID, Peer> subscriptions = new ConcurrentHashMap<>();
        /** Set when subscribed to "all": takes up an org the feed does not have yet. */
        volatile Consumer<UUID> everyOrg;
        volatile boolean closed;
        long expiryTimer = -1;

        Feed(ServerWebSocket socket, Instant expiresAt) {
            this.socket = socket;
            this.wire = SocketWire.of(socket);
            this.expiresAt = expiresAt;
        }

        void reply(Frames.ServerFrame frame) {
            wire.text(encoder.encode(frame));
        }

        void close(int code, String reason) {
            wire.loop().execute(() -> wire.close(code, reason));
        }
    }

    void route(@Observes Router router) {
        router.route(PATH).handler(this::upgrade);
    }

    /** Server pings for every feed socket, from one timer. */
    void startPings(@Observes StartupEvent event) {
        server.autoPingInterval().filter(interval -> !interval.isZero())
                .ifPresent(interval -> vertx.setPeriodic(interval.toMillis(), id -> open.forEach(feed -> feed.wire.ping())));
    }

    /** 401 without valid credentials (as for /ws/presence), 403 for any identity but the platform's. */
    private void upgrade(RoutingContext context) {
        if (!context.request().headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            context.next();
            return;
        }
        PresenceSocket.currentIdentity(context, credentials).subscribe().with(identity -> {
            if (identity == null) {
                context.response().setStatusCode(401).end();
                return;
            }
            Instant expiresAt = expiresAt(identity);
            if (!identity.hasRole(Role.PLATFORM_NAME) || expiresAt == null) {
                context.response().setStatusCode(403).end();
                return;
            }
            context.request().toWebSocket().onComplete(upgraded -> {
                if (upgraded.succeeded()) {
                    opened(upgraded.result(), expiresAt);
                } else {
                    LOG.warnf("Platform feed upgrade failed: %s", upgraded.cause());
                }
            });
        }, context::fail);
    }

    private static Instant expiresAt(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            return Instant.ofEpochSecond(jwt.getExpirationTime());
        }
        return identity.getAttribute(TicketAuthenticationMechanism.EXPIRES_ATTRIBUTE) instanceof Instant at ? at : null;
    }

    /** On the socket's event loop, right after the handshake. */
    private void opened(ServerWebSocket socket, Instant expiresAt) {
        socket.headers().clear();
        Feed feed = new Feed(socket, expiresAt);
        open.add(feed);
        socket.textMessageHandler(text -> message(feed, text));
        socket.exceptionHandler(failure -> failed(feed, failure));
        socket.closeHandler(ignored -> closed(feed));
        if (goingAway) {
            feed.close(1001, "server going away");
            return;
        }
        feed.expiryTimer = vertx.setTimer(Math.max(1, Duration.between(Instant.now(), expiresAt).toMillis()),
                id -> feed.close(4401, "token expired"));
        LOG.debugf("Platform feed socket opened from %s", socket.remoteAddress());
    }

    private void message(Feed feed, String text) {
        if (PresenceSocket.tooLarge(text, config.maxMessageSize())) {
            feed.close(1009, "frame larger than " + config.maxMessageSize() + " bytes");
            return;
        }
        feed.socket.pause();
        SafeContext.run(vertx, () -> handle(feed, text)).subscribe().with(ok -> feed.socket.resume(), failure -> {
            LOG.errorf(failure, "Platform feed frame failed");
            feed.reply(new Frames.Error(null, "internal_error", "the frame could not be handled; try again"));
            feed.socket.resume();
        });
    }

    private Uni<Void> handle(Feed feed, String text) {
        if (!feed.commands.tryAcquire()) {
            return refuse(feed, "rate_limited", "too many frames; slow down");
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JsonProcessingException e) {
            return refuse(feed, "invalid_message", "not valid JSON");
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
            return refuse(feed, "invalid_message", "a frame is a JSON object with a string 'type'");
        }
        return switch (frame.get("type").asText()) {
            case "ping" -> {
                feed.reply(Frames.Pong.INSTANCE);
                yield Uni.createFrom().voidItem();
            }
            case "subscribe" -> subscribe(feed, frame);
            default -> refuse(feed, "invalid_message", "unknown type");
        };
    }

    /**
     * Adds orgs to the feed: each one new to it gets its first frame (snapshot, or resumed with
     * {@code since}), read after this frame is answered; orgs it already has are left as they are.
     * Unknown ids get a {@code not_found} error each, the others are subscribed all the same.
     */
    private Uni<Void> subscribe(Feed feed, JsonNode frame) {
        for (Iterator<String> fields = frame.fieldNames(); fields.hasNext();) {
            String field = fields.next();
            if (!SUBSCRIBE_FIELDS.contains(field)) {
                return refuse(feed, "validation", "unknown field '" + (field.length() > 64 ? field.substring(0, 64) + "…" : field)
                        + "'; a subscribe has orgIds and since");
            }
        }
        JsonNode orgIds = frame.get("orgIds");
        boolean all = orgIds != null && orgIds.isTextual() && "all".equals(orgIds.asText());
        Set<UUID> listed = new LinkedHashSet<>();
        if (!all) {
            if (orgIds == null || !orgIds.isArray() || orgIds.isEmpty() || orgIds.size() > MAX_ORG_IDS) {
                return refuse(feed, "validation", "orgIds must be \"all\" or a list of 1 to " + MAX_ORG_IDS + " organization ids");
            }
            for (JsonNode id : orgIds) {
                UUID orgId = uuid(id);
                if (orgId == null) {
                    return refuse(feed, "validation", "orgIds must hold organization ids (UUIDs)");
                }
                listed.add(orgId);
            }
        }
        Map<UUID, Long> since = new HashMap<>();
        JsonNode sinceNode = frame.get("since");
        if (sinceNode != null && !sinceNode.isNull()) {
            if (!sinceNode.isObject() || sinceNode.size() > MAX_ORG_IDS) {
                return refuse(feed, "validation", "since must be an object of at most " + MAX_ORG_IDS + " orgId: seq entries");
            }
            for (Iterator<Map.Entry<String, JsonNode>> entries = sinceNode.fields(); entries.hasNext();) {
                Map.Entry<String, JsonNode> entry = entries.next();
                UUID orgId = uuid(new com.fasterxml.jackson.databind.node.TextNode(entry.getKey()));
                JsonNode seq = entry.getValue();
                if (orgId == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
                    return refuse(feed, "validation", "since maps organization ids to whole numbers ≥ 0");
                }
                since.put(orgId, seq.asLong());
            }
        }
        if (all && feed.everyOrg == null) {
            // watched before the orgs are listed: an org created meanwhile is taken up either way
            feed.everyOrg = orgId -> takeUp(feed, orgId);
            delivery.watchEveryOrg(feed.everyOrg);
            if (feed.closed) {
                delivery.unwatchEveryOrg(feed.everyOrg);
            }
        }
        return (all ? lines.allOrgs() : lines.existingOrgs(listed)).flatMap(found -> {
            if (!all) {
                listed.removeAll(found);
                listed.forEach(unknown -> feed.reply(new Frames.Error(null, "not_found",
                        "no organization " + unknown + "; it is not subscribed")));
            }
            // The orgs' first frames are read in the background, a few at a time: with "all" they
            // can be thousands, and the socket answers its next frames meanwhile.
            Multi.createFrom().iterable(found)
                    .onItem().transformToUni(orgId -> subscribeOrg(feed, orgId, since.get(orgId))
                            .onFailure().invoke(failure -> unsubscribeFailed(feed, orgId, failure))
                            .onFailure().recoverWithNull())
                    .merge(CONCURRENT_FIRST_FRAMES)
                    .collect().last()
                    .subscribe().with(ignored -> { }, failure -> LOG.warnf("Platform feed subscribe failed: %s", failure.toString()));
            return Uni.createFrom().voidItem();
        });
    }

    /** The org could not be subscribed (its first frame not read): it is dropped again, and the client told so. */
    private void unsubscribeFailed(Feed feed, UUID orgId, Throwable failure) {
        LOG.warnf("Platform feed could not subscribe org %s: %s", orgId, failure.toString());
        Peer peer = feed.subscriptions.remove(orgId);
        if (peer != null && peer.stream != null) {
            peer.stream.remove(peer);
            delivery.leave(peer);
        }
        feed.reply(new Frames.Error(null, "internal_error", "organization " + orgId + " could not be subscribed; subscribe it again"));
    }

    /** An org an "all" feed does not have yet had a line event: its snapshot (which holds that event) follows. */
    private void takeUp(Feed feed, UUID orgId) {
        if (!feed.closed && !feed.subscriptions.containsKey(orgId)) {
            SafeContext.run(vertx, () -> subscribeOrg(feed, orgId, null)).subscribe().with(ok -> { },
                    failure -> LOG.warnf("Platform feed could not take up org %s: %s", orgId, failure.toString()));
        }
    }

    private Uni<Void> subscribeOrg(Feed feed, UUID orgId, Long since) {
        Peer peer = new Peer(feed.wire.sibling(), new SocketIdentity(null, orgId, feed.expiresAt, 0), null, Messages.ENGLISH,
                config.maxQueuedFrames(),
                feed.commands, catchUp::resyncLines);
        if (feed.closed || feed.subscriptions.putIfAbsent(orgId, peer) != null) {
            return Uni.createFrom().voidItem();
        }
        return delivery.joinLines(peer).flatMap(ignored -> {
            if (feed.closed) {
                // the socket closed while it joined: closed() may have run before the peer was in the stream
                peer.stream.remove(peer);
                delivery.leave(peer);
                return Uni.createFrom().voidItem();
            }
            return catchUp.startLines(peer, since);
        });
    }

    private static UUID uuid(JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Uni<Void> refuse(Feed feed, String code, String message) {
        feed.reply(new Frames.Error(null, code, message));
        return Uni.createFrom().voidItem();
    }

    /** As on /ws/presence: a message over the limit is 1009, a dropped connection only a debug line. */
    private void failed(Feed feed, Throwable failure) {
        if (failure instanceof IllegalStateException && failure.getMessage() != null
                && PresenceSocket.VERTX_TOO_LARGE.matcher(failure.getMessage()).find()) {
            feed.close(1009, "message larger than " + config.maxMessageSize() + " bytes");
        } else if (failure instanceof IOException || failure instanceof HttpClosedException) {
            LOG.debugf("Platform feed connection failed: %s", failure);
        } else {
            LOG.errorf(failure, "Platform feed socket failed");
            feed.close(1011, "unexpected error");
        }
    }

    private void closed(Feed feed) {
        feed.closed = true;
        open.remove(feed);
        if (feed.everyOrg != null) {
            delivery.unwatchEveryOrg(feed.everyOrg);
        }
        if (feed.expiryTimer >= 0) {
            vertx.cancelTimer(feed.expiryTimer);
        }
        List<Peer> subscribed = new ArrayList<>(feed.subscriptions.values());
        subscribed.forEach(delivery::leave);
        LOG.debugf("Platform feed socket closed (%d orgs)", subscribed.size());
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        closeAllForShutdown();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        closeAllForShutdown();
    }

    /** Like the presence sockets: 1001, so the platform resumes with {@code since} on another replica. */
    private void closeAllForShutdown() {
        goingAway = true;
        open.forEach(feed -> feed.close(1001, "server going away"));
    }
}
