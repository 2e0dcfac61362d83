package dev.switchboard.auth;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Port: announces a user's new credentials version to every replica (this one included), inside
 * the writer's transaction, so that it is delivered if and only if the change commits. Each
 * replica then raises {@link CredentialVersions} and closes the user's sockets opened with an
 * older version (4401; 4403 for {@link CredentialVersions#DELETED}). Implemented by the presence
 * feature, which owns the cross-replica channel and the sockets.
 */
public interface CredentialsBroadcast {

    Uni<Void> changed(UUID userId, long version);
}
