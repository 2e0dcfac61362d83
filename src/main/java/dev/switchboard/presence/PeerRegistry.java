package dev.switchboard.presence;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.SwitchboardConfig;

/**
 * The presence sockets open on this replica, per user: admits them within the per-user limit,
 * finds a user's sockets, and refuses everything once the replica is going away. Only registers:
 * what a socket is sent is {@link OrgStream}'s and {@link PeerSync}'s business. A socket's own
 * callbacks hold their peer themselves ({@link PresenceSocket}).
 */
@ApplicationScoped
public class PeerRegistry {

    private final Map<UUID, Set<Peer>> byUser = new ConcurrentHashMap<>();
    private final int maxPerUser;
    private volatile boolean goingAway;

    public PeerRegistry(SwitchboardConfig config) {
        this.maxPerUser = config.ws().maxConnectionsPerUser();
    }

    /** Registers the peer; false when its user already holds the maximum number of sockets here. */
    boolean admit(Peer peer) {
        boolean[] admitted = { false };
        byUser.compute(peer.userId, (id, mine) -> {
            Set<Peer> peers = mine != null ? mine : ConcurrentHashMap.newKeySet();
            if (peers.size() < maxPerUser) {
                admitted[0] = peers.add(peer);
            }
            return peers.isEmpty() ? null : peers;
        });
        return admitted[0];
    }

    void remove(Peer peer) {
        byUser.computeIfPresent(peer.userId, (id, mine) -> mine.remove(peer) && mine.isEmpty() ? null : mine);
    }

    /** The user's sockets on this replica (a copy). */
    List<Peer> ofUser(UUID userId) {
        Set<Peer> mine = byUser.get(userId);
        return mine == null ? List.of() : List.copyOf(mine);
    }

    /** Users with a socket on this replica. */
    Set<UUID> users() {
        return Set.copyOf(byUser.keySet());
    }

    /**
     * This replica is going away (shutdown): from now on no socket is admitted, and every open one
     * is closed with 1001 so that its client reconnects (with jitter) to another replica. Answers
     * how many were closed.
     */
    int closeAllForShutdown() {
        goingAway = true;
        int closed = 0;
        for (UUID user : users()) {
            for (Peer peer : ofUser(user)) {
                peer.close(1001, "server going away");
                closed++;
            }
        }
        return closed;
    }

    boolean goingAway() {
        return goingAway;
    }

    /** Test seam: what a freshly started replica is, after {@link #closeAllForShutdown} (see ReplicaRestart). */
    void acceptAgain() {
        goingAway = false;
    }
}
