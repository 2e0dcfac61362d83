package dev.switchboard.presence;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.auth.CredentialVersions;
import dev.switchboard.auth.CredentialsBroadcast;
import io.smallrye.mutiny.Uni;

/**
 * {@code v:<userId>:<version>}: the user's credentials changed (version {@link CredentialVersions#DELETED}:
 * the user was deleted). Every replica raises its {@link CredentialVersions} and closes the user's
 * sockets that were opened with an older version; a socket opened after signing in again carries
 * the new version and stays.
 */
@ApplicationScoped
public class CredentialsChannel implements ChannelHandler, CredentialsBroadcast {

    static final String PREFIX = "v";
    private static final Logger LOG = Logger.getLogger(CredentialsChannel.class);

    private final PresencePublisher publisher;
    private final CredentialVersions versions;
    private final PresenceDelivery hub;

    public CredentialsChannel(PresencePublisher publisher, CredentialVersions versions, PresenceDelivery hub) {
        this.publisher = publisher;
        this.versions = versions;
        this.hub = hub;
    }

    @Override
    public Uni<Void> changed(UUID userId, long version) {
        return publisher.publish(PREFIX + ":" + userId + ":" + version);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public void handle(String payload) {
        String[] parts = payload.split(":");
        UUID userId = UUID.fromString(parts[1]);
        long version = Long.parseLong(parts[2]);
        // The table first: a socket admitted after the hub's sweep below finds the new version there.
        versions.advanced(userId, version);
        hub.credentialsChanged(userId, version);
    }

    /** Changes announced while we were not listening are lost: forget them all, re-read those of open sockets. */
    @Override
    public void resync() {
        versions.forgetAll();
        Set<UUID> connected = hub.connectedUsers();
        if (connected.isEmpty()) {
            return;
        }
        versions.reload(connected).subscribe().with(
                current -> current.forEach(hub::credentialsChanged),
                failure -> LOG.warnf("Could not re-read credentials versions after resubscribing: %s", failure.toString()));
    }
}
