package dev.switchboard.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.auth.CredentialVersions;
import dev.switchboard.common.SafeContext;
import io.netty.channel.EventLoop;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * This replica's side of the presence stream: which sockets are open here, per organization, and
 * the fan-out of stored org events to them. Each event frame is read from the outbox once per
 * org and the same text goes to every peer; peers of other organizations never see it.
 */
@ApplicationScoped
public class PresenceHub implements PresenceDelivery {

    private static final Logger LOG = Logger.getLogger(PresenceHub.class);
    private static final int FETCH_BATCH = 500;

    /** An org's peers on this replica and how far its events have been delivered. */
    private final class OrgChannel {
        final UUID orgId;
        final Set<Peer> peers = ConcurrentHashMap.newKeySet();
        final Uni<Void> ready;
        // guarded by this
        long deliveredSeq = -1;
        boolean fetching;
        boolean fetchAgain;

        OrgChannel(UUID orgId) {
            this.orgId = orgId;
            // The baseline is read before any peer joins, so every later event reaches each peer
            // either in its first frame (snapshot/replay) or through its backlog.
            this.ready = store.currentSeq(orgId).invoke(seq -> {
                boolean again;
                synchronized (this) {
                    deliveredSeq = seq;
                    again = fetchAgain;
                    fetchAgain = false;
                }
                if (again) {
                    fetch(this);
                }
            }).replaceWithVoid().memoize().indefinitely();
        }
    }

    private final PresenceStore store;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final PresenceService presence;
    private final Map<UUID, OrgChannel> channels = new ConcurrentHashMap<>();
    private final Map<UUID, Set<Peer>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Peer> byConnection = new ConcurrentHashMap<>();
    private final Map<UUID, SnapshotLoad> snapshots = new ConcurrentHashMap<>();
    private final int maxConnectionsPerUser;
    private final int replayMaxEvents;
    private volatile boolean draining;

    public PresenceHub(PresenceStore store, Vertx vertx, ObjectMapper json, PresenceService presence,
            @ConfigProperty(name = "switchboard.ws.max-connections-per-user", defaultValue = "10") int maxConnectionsPerUser,
            @ConfigProperty(name = "switchboard.presence.replay-max-events", defaultValue = "2000") int replayMaxEvents) {
        this.replayMaxEvents = replayMaxEvents;
        this.store = store;
        this.vertx = vertx;
        this.json = json;
        this.presence = presence;
        this.maxConnectionsPerUser = maxConnectionsPerUser;
    }

    // --- peers -----------------------------------------------------------------------------------

    /** Registers the peer; false when its user already holds the maximum number of sockets. */
    boolean admit(Peer peer) {
        Set<Peer> mine = byUser.computeIfAbsent(peer.userId, id -> ConcurrentHashMap.newKeySet());
        synchronized (mine) {
            if (mine.size() >= maxConnectionsPerUser) {
                return false;
            }
            mine.add(peer);
        }
        byConnection.put(peer.connection.id(), peer);
        return true;
    }

    /** Joins the peer to its org's stream (it holds frames until {@link #start}). */
    Uni<Void> join(Peer peer) {
        OrgChannel channel = channels.computeIfAbsent(peer.orgId, OrgChannel::new);
        return SafeContext.backOnCallerContext(channel.ready).invoke(() -> channel.peers.add(peer));
    }

    Peer peer(String connectionId) {
        return byConnection.get(connectionId);
    }

    void leave(Peer peer) {
        byConnection.remove(peer.connection.id());
        Set<Peer> mine = byUser.get(peer.userId);
        if (mine != null) {
            synchronized (mine) {
                mine.remove(peer);
                if (mine.isEmpty()) {
                    byUser.remove(peer.userId, mine);
                }
            }
        }
        OrgChannel channel = channels.get(peer.orgId);
        if (channel != null) {
            channel.peers.remove(peer);
            if (channel.peers.isEmpty()) {
                snapshots.remove(peer.orgId); // read again by the next socket of the org
            }
        }
    }

    Collection<Peer> allPeers() {
        return List.copyOf(byConnection.values());
    }

    /**
     * This replica is going away: from now on no socket is admitted, and every open one is closed
     * with 1001 so that its client reconnects (with jitter) and lands on another replica.
     */
    int drain() {
        draining = true;
        Collection<Peer> peers = allPeers();
        peers.forEach(peer -> peer.close(1001, "server going away"));
        return peers.size();
    }

    boolean draining() {
        return draining;
    }

    /**
     * Sends a fresh snapshot and puts the peer live. Used on connect, after an overflow, and
     * when the events a peer missed are no longer held.
     */
    Uni<Void> sendSnapshot(Peer peer) {
        return colleagues(peer.orgId).flatMap(org -> presence.self(peer.orgId, peer.userId)
                .map(self -> {
                    // The same text as encoding Frames.Snapshot whole; the colleagues part is shared.
                    peer.sendDirect("{\"type\":\"snapshot\",\"seq\":" + org.seq() + ",\"me\":" + encode(self)
                            + ",\"colleagues\":" + org.colleaguesJson() + "}");
                    if (!peer.goLive(org.seq())) {
                        throw new Resnapshot();
                    }
                    return org.seq();
                }))
                .onFailure(Resnapshot.class).recoverWithUni(() -> sendSnapshot(peer).replaceWith(-1L))
                .flatMap(ignored -> peer.takeOutdatedMe() ? sendMe(List.of(peer)) : Uni.createFrom().voidItem());
    }

    /** The org's colleagues, encoded, at the seq they are current at. */
    private record SharedSnapshot(long seq, String colleaguesJson) {
    }

    /** The latest snapshot read for an org, keyed by the seq that was current when it was asked for. */
    private record SnapshotLoad(long askedAt, Uni<SharedSnapshot> snapshot) {
    }

    /**
     * The colleagues part of a snapshot, read and encoded once per org and seq however many
     * sockets connect meanwhile: the published states of an org change only together with its
     * seq (PresenceRecorder stores both in one transaction), so equal seq means equal colleagues.
     * A cheap seq read decides whether the held one is still current; concurrent connects share
     * one read in flight.
     */
    private Uni<SharedSnapshot> colleagues(UUID orgId) {
        return store.currentSeq(orgId).flatMap(seq -> {
            SnapshotLoad load = snapshots.compute(orgId, (id, held) -> held != null && held.askedAt() == seq ? held
                    // deferred: @WithSession binds its session to the context it is called on,
                    // which must be the one that subscribes (the first connect), not this caller's
                    : new SnapshotLoad(seq, Uni.createFrom().deferred(() -> presence.snapshot(orgId))
                            .map(org -> new SharedSnapshot(org.seq(), encode(org.colleagues())))
                            .memoize().indefinitely()));
            return SafeContext.backOnCallerContext(load.snapshot())
                    .onFailure().invoke(() -> snapshots.remove(orgId, load));
        });
    }

    /**
     * Resumes after {@code since}: {@code resumed} then the missed events in order, or a fresh
     * snapshot when they are no longer all held (or {@code since} is not a seq of this org).
     */
    Uni<Void> resume(Peer peer, long since) {
        return store.resumeWindow(peer.orgId, since).flatMap(window -> {
            long missed = window.missed();
            if (!window.complete() || missed > replayMaxEvents) {
                return sendSnapshot(peer);
            }
            peer.sendDirect("{\"type\":\"resumed\",\"seq\":" + since + "}");
            return store.events(peer.orgId, since, (int) missed).flatMap(frames -> {
                long upTo = since;
                for (Peer.Frame frame : frames) {
                    peer.sendDirect(frame);
                    upTo = frame.seq();
                }
                if (!peer.goLive(upTo)) {
                    return sendSnapshot(peer);
                }
                peer.takeOutdatedMe(); // the 'me' below is read now, so it is current
                return sendMe(List.of(peer));
            });
        });
    }

    // --- events from the listener ----------------------------------------------------------------

    /** Org event {@code seq} was committed (by any replica). */
    @Override
    public void orgEvent(UUID orgId, long seq) {
        OrgChannel channel = channels.get(orgId);
        if (channel == null || channel.peers.isEmpty()) {
            return;
        }
        synchronized (channel) {
            if (channel.deliveredSeq >= seq) {
                return;
            }
        }
        fetch(channel);
    }

    /** What {@code userId} sees of themselves changed: refresh their sockets here, if any. */
    @Override
    public void selfChanged(UUID userId) {
        Set<Peer> mine = byUser.get(userId);
        if (mine != null && !mine.isEmpty()) {
            SafeContext.run(vertx, () -> sendMe(List.copyOf(mine)))
                    .subscribe().with(ok -> { }, failure -> LOG.debugf("me refresh failed: %s", failure));
        }
    }

    /**
     * A frame outside the org sequence for every socket of this user on this replica (e.g.
     * {@code watch_fired}); other replicas do the same for theirs.
     */
    @Override
    public void sendToUser(UUID userId, Frames.ServerFrame frame) {
        Set<Peer> mine = byUser.get(userId);
        if (mine != null && !mine.isEmpty()) {
            String text = encode(frame);
            List.copyOf(mine).forEach(peer -> peer.sendDirect(text));
        }
    }

    /**
     * The user's credentials are now at {@code version}: their sockets opened with an older one
     * close, with 4401 (sign in again), or 4403 when the user was deleted.
     */
    @Override
    public void credentialsChanged(UUID userId, long version) {
        Set<Peer> mine = byUser.get(userId);
        if (mine == null) {
            return;
        }
        boolean deleted = version == CredentialVersions.DELETED;
        for (Peer peer : List.copyOf(mine)) {
            if (peer.credentialsVersion < version) {
                peer.close(deleted ? 4403 : 4401, deleted ? "user deleted" : "credentials changed");
            }
        }
    }

    /** Users with a socket on this replica. */
    @Override
    public Set<UUID> connectedUsers() {
        return Set.copyOf(byUser.keySet());
    }

    /** The organization is gone: its sockets close with 4403. */
    @Override
    public void orgDeleted(UUID orgId) {
        OrgChannel channel = channels.remove(orgId);
        if (channel != null) {
            channel.peers.forEach(peer -> peer.close(4403, "organization deleted"));
        }
    }

    /** After (re)subscribing: notifications sent meanwhile were lost, so catch every org up. */
    @Override
    public void resyncAll() {
        for (OrgChannel channel : channels.values()) {
            if (!channel.peers.isEmpty()) {
                fetch(channel);
            }
        }
        for (Set<Peer> mine : byUser.values()) {
            Peer any = mine.stream().findFirst().orElse(null);
            if (any != null) {
                selfChanged(any.userId);
            }
        }
    }

    /** Single flight per org: reads every stored event after the delivered seq and fans it out. */
    private void fetch(OrgChannel channel) {
        long from;
        synchronized (channel) {
            if (channel.fetching || channel.deliveredSeq < 0) {
                channel.fetchAgain = true;
                return;
            }
            channel.fetching = true;
            from = channel.deliveredSeq;
        }
        store.events(channel.orgId, from, FETCH_BATCH).subscribe().with(frames -> {
            boolean gap = !frames.isEmpty() && frames.get(0).seq() != from + 1;
            if (gap) {
                resnapshotAll(channel);
            }
            deliver(channel, frames);
            long upTo = frames.isEmpty() ? from : frames.get(frames.size() - 1).seq();
            boolean again;
            synchronized (channel) {
                channel.deliveredSeq = Math.max(channel.deliveredSeq, upTo);
                channel.fetching = false;
                again = channel.fetchAgain || frames.size() == FETCH_BATCH;
                channel.fetchAgain = false;
            }
            if (again) {
                fetch(channel);
            }
        }, failure -> {
            synchronized (channel) {
                channel.fetching = false;
            }
            LOG.warnf("Could not read presence events of org %s (retrying on the next notification or resync): %s",
                    channel.orgId, failure.toString());
        });
    }

    /**
     * Hands the frames to every peer of the org, in seq order. Peers are grouped by the event loop
     * that owns their socket and each loop gets one task for all of its peers, so a write never
     * hops threads on its own; on its loop a write goes straight to the socket. Per-loop task
     * order keeps the seq order across fetches.
     */
    private void deliver(OrgChannel channel, List<Peer.Frame> frames) {
        if (frames.isEmpty()) {
            return;
        }
        Map<EventLoop, List<Peer>> byLoop = new HashMap<>(4);
        for (Peer peer : channel.peers) {
            byLoop.computeIfAbsent(peer.wire.loop, loop -> new ArrayList<>()).add(peer);
        }
        byLoop.forEach((loop, peers) -> {
            Runnable offers = () -> {
                for (Peer peer : peers) {
                    for (Peer.Frame frame : frames) {
                        peer.offer(frame);
                    }
                }
            };
            onLoop(loop, offers);
        });
        for (Peer.Frame frame : frames) {
            if (frame.text().startsWith("{\"type\":\"colleague_removed\"")) {
                UUID removed = removedUser(frame.text());
                Set<Peer> theirs = removed == null ? null : byUser.get(removed);
                if (theirs != null) {
                    // after the frame itself, which their sockets' loops have queued already
                    List.copyOf(theirs).forEach(peer -> onLoop(peer.wire.loop, () -> peer.close(4403, "user deleted")));
                }
            }
        }
    }

    private static void onLoop(EventLoop loop, Runnable task) {
        if (loop == null || loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private void resnapshotAll(OrgChannel channel) {
        for (Peer peer : channel.peers) {
            peer.pause();
            SafeContext.run(vertx, () -> sendSnapshot(peer)).subscribe().with(ok -> { }, failure -> peer.close(1011, "resync failed"));
        }
    }

    /** A drained peer that had overflowed gets a fresh snapshot. */
    void drained(Peer peer) {
        if (peer.takeOverflow()) {
            SafeContext.run(vertx, () -> sendSnapshot(peer)).subscribe().with(ok -> { }, failure -> peer.close(1011, "resync failed"));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    Uni<Void> sendMe(List<Peer> peers) {
        if (peers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Peer first = peers.get(0);
        return presence.self(first.orgId, first.userId).invoke(self -> {
            String frame = encode(new Frames.Me(self));
            peers.forEach(peer -> peer.sendMe(frame));
        }).replaceWithVoid();
    }

    private UUID removedUser(String frame) {
        try {
            return UUID.fromString(json.readTree(frame).path("userId").asText());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    String encode(Object frame) {
        try {
            return json.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("frames are plain records", e);
        }
    }

    /** A peer's backlog overflowed while its snapshot was prepared: prepare another. */
    private static final class Resnapshot extends RuntimeException {
        Resnapshot() {
            super(null, null, false, false);
        }
    }
}
