package dev.switchboard.presence;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.auth.CredentialVersions;
import dev.switchboard.auth.CredentialsBroadcast;
import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.ClusterBus.Kind;
import io.smallrye.mutiny.Uni;

/**
 * A user's credentials changed ({@link Changed}, version {@link CredentialVersions#DELETED}: the
 * user was deleted). Sent to every replica over the {@link ClusterBus}; each raises its
 * {@link CredentialVersions} and closes the user's sockets that were opened with an older version.
 * A socket opened after signing in again carries the new version and stays.
 */
@ApplicationScoped
public class CredentialsRelay implements CredentialsBroadcast, ClusterBus.Handler<CredentialsRelay.Changed> {

    private static final Logger LOG = Logger.getLogger(CredentialsRelay.class);

    /** {@code v:<userId>:<version>}. */
    public record Changed(UUID userId, long version) implements ClusterBus.Message {

        public static final Kind<Changed> KIND = new Kind<>("v", body -> {
            String[] fields = ClusterBus.fields(body, 2);
            return new Changed(UUID.fromString(fields[0]), Long.parseLong(fields[1]));
        });

        @Override
        public Kind<Changed> kind() {
            return KIND;
        }

        @Override
        public String body() {
            return userId + ":" + version;
        }
    }

    private final ClusterBus bus;
    private final CredentialVersions versions;
    private final PresenceDelivery delivery;

    public CredentialsRelay(ClusterBus bus, CredentialVersions versions, PresenceDelivery delivery) {
        this.bus = bus;
        this.versions = versions;
        this.delivery = delivery;
    }

    /** In the writer's transaction: delivered if and only if the change commits. */
    @Override
    public Uni<Void> changed(UUID userId, long version) {
        return bus.publish(new Changed(userId, version));
    }

    @Override
    public Kind<Changed> kind() {
        return Changed.KIND;
    }

    @Override
    public void handle(Changed change) {
        // The table first: a socket admitted after the sweep below finds the new version there.
        versions.advanced(change.userId(), change.version());
        delivery.credentialsChanged(change.userId(), change.version());
    }

    /** Changes announced while we were not listening are lost: forget them all, re-read those of open sockets. */
    @Override
    public void resync() {
        versions.forgetAll();
        Set<UUID> connected = delivery.connectedUsers();
        if (connected.isEmpty()) {
            return;
        }
        versions.reload(connected).subscribe().with(
                current -> current.forEach(delivery::credentialsChanged),
                failure -> LOG.warnf("Could not re-read credentials versions after resubscribing: %s", failure.toString()));
    }
}
