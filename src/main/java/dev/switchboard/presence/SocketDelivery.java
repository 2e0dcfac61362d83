package dev.switchboard.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.auth.CredentialVersions;
import dev.switchboard.common.Messages;
import dev.switchboard.common.SafeContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * This replica's end of the presence pipeline: one {@link OrgStream} per organization with
 * sockets here, and what each cross-replica message ({@link PresenceDelivery}) does to the
 * sockets. A socket joins its org's stream once admitted ({@link PeerRegistry}) and leaves it when
 * it closes; the last one to leave ends the stream.
 */
@ApplicationScoped
public class SocketDelivery implements PresenceDelivery {

    private static final Logger LOG = Logger.getLogger(SocketDelivery.class);

    private final PresenceStore store;
    private final PeerRegistry registry;
    private final CatchUp catchUp;
    private final FrameEncoder encoder;
    private final Vertx vertx;
    private final Map<UUID, OrgStream> streams = new ConcurrentHashMap<>();
    /** The line feed's streams ({@code /ws/platform} subscriptions), per org. */
    private final Map<UUID, OrgStream> lineStreams = new ConcurrentHashMap<>();
    /** Feed subscriptions to every org: told of each line event, so they take up orgs they do not have yet. */
    private final Set<Consumer<UUID>> everyOrg = ConcurrentHashMap.newKeySet();

    public SocketDelivery(PresenceStore store, PeerRegistry registry, CatchUp catchUp, FrameEncoder encoder,
            Vertx vertx) {
        this.store = store;
        this.registry = registry;
        this.catchUp = catchUp;
        this.encoder = encoder;
        this.vertx = vertx;
    }

    /** Joins the peer to its org's stream; from then on it is offered every event after its first frame. */
    Uni<Void> join(Peer peer) {
        return join(streams, EventStream.PRESENCE, peer);
    }

    /** Joins a platform feed subscription (one org of a {@code /ws/platform} socket) to the org's line stream. */
    Uni<Void> joinLines(Peer peer) {
        return join(lineStreams, EventStream.LINES, peer);
    }

    private Uni<Void> join(Map<UUID, OrgStream> map, EventStream kind, Peer peer) {
        OrgStream stream = map.compute(peer.orgId, (org, held) -> {
            OrgStream joined = held != null ? held : new OrgStream(org, kind, store, this::memberRemoved, vertx);
            joined.members++;
            return joined;
        });
        peer.stream = stream;
        return SafeContext.backOnCallerContext(stream.ready())
                .invoke(() -> stream.add(peer))
                // a stream that could not even read where it starts is not kept: the next socket tries again
                .onFailure().invoke(() -> map.remove(peer.orgId, stream));
    }

    void leave(Peer peer) {
        OrgStream stream = peer.stream;
        if (stream == null || !peer.left.compareAndSet(false, true)) {
            return;
        }
        stream.remove(peer);
        Map<UUID, OrgStream> map = stream.stream == EventStream.LINES ? lineStreams : streams;
        map.compute(peer.orgId, (org, held) -> --stream.members == 0 && held == stream ? null : held);
    }

    /** A feed subscription to every org: {@code takeUp} is told the org of every line event from now on. */
    void watchEveryOrg(Consumer<UUID> takeUp) {
        everyOrg.add(takeUp);
    }

    void unwatchEveryOrg(Consumer<UUID> takeUp) {
        everyOrg.remove(takeUp);
    }

    // --- PresenceDelivery: what the cross-replica messages ask ---------------------------------

    @Override
    public void orgEvent(PresenceMessages.OrgEvent event) {
        if (event.stream() == EventStream.LINES) {
            // an org new to an "all" subscription is taken up with a snapshot, which holds this event
            everyOrg.forEach(takeUp -> takeUp.accept(event.orgId()));
        }
        OrgStream stream = (event.stream() == EventStream.LINES ? lineStreams : streams).get(event.orgId());
        if (stream != null) {
            stream.eventCommitted(event);
        }
    }

    @Override
    public void selfChanged(PresenceMessages.SelfChanged change) {
        if (change.frame() == null) {
            refreshMe(change.userId());
            return;
        }
        // The frame is in English; sockets in another language read their own view.
        List<Peer> others = new ArrayList<>();
        for (Peer peer : registry.ofUser(change.userId())) {
            if (peer.messages == Messages.ENGLISH) {
                peer.withSync(sync -> sync.me(change.frame()));
            } else {
                others.add(peer);
            }
        }
        refreshMe(others);
    }

    /** A fresh {@code me}, read now, for the user's sockets here. */
    private void refreshMe(UUID userId) {
        refreshMe(registry.ofUser(userId));
    }

    private void refreshMe(List<Peer> theirs) {
        if (!theirs.isEmpty()) {
            SafeContext.run(vertx, () -> catchUp.sendMe(theirs))
                    .subscribe().with(ok -> { }, failure -> LOG.debugf("me refresh failed: %s", failure));
        }
    }

    @Override
    public void sendToUser(UUID userId, Frames.ServerFrame frame) {
        List<Peer> theirs = registry.ofUser(userId);
        if (!theirs.isEmpty()) {
            String text = encoder.encode(frame);
            theirs.forEach(peer -> peer.withSync(sync -> sync.reply(text)));
        }
    }

    @Override
    public void credentialsChanged(UUID userId, long version) {
        boolean deleted = version == CredentialVersions.DELETED;
        for (Peer peer : registry.ofUser(userId)) {
            if (peer.credentialsVersion < version) {
                peer.close(deleted ? 4403 : 4401, deleted ? "user deleted" : "credentials changed");
            }
        }
    }

    @Override
    public Set<UUID> connectedUsers() {
        return registry.users();
    }

    @Override
    public void orgDeleted(UUID orgId) {
        OrgStream stream = streams.remove(orgId);
        if (stream != null) {
            stream.peers().forEach(peer -> peer.close(4403, "organization deleted"));
        }
        // a feed socket carries other orgs too: the deleted org's lines just stop
        lineStreams.remove(orgId);
    }

    @Override
    public void resyncAll() {
        streams.values().forEach(OrgStream::catchUp);
        lineStreams.values().forEach(OrgStream::catchUp);
        registry.users().forEach(this::refreshMe);
    }

    /** A member left the org: their sockets close, after the frame that told them. */
    private void memberRemoved(UUID userId) {
        registry.ofUser(userId).forEach(peer -> peer.close(4403, "user deleted"));
    }
}
