package dev.switchboard.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The socket side of {@link AccountStillValidFilter}: an upgrade with a token or ticket issued
 * before the user's last credentials change (or after the account was deleted) is refused with 401.
 * Sockets already open are closed by the presence feature when the change is announced.
 */
@ApplicationScoped
public class CredentialsUpgradeCheck {

    private final CredentialVersions versions;

    public CredentialsUpgradeCheck(CredentialVersions versions) {
        this.versions = versions;
    }

    /** Whether the identity's credentials are still the user's current ones (true for identities without a stamp). */
    public Uni<Boolean> permits(SecurityIdentity identity) {
        CredentialStamp stamp = CredentialStamp.of(identity);
        if (stamp == null) {
            return Uni.createFrom().item(true);
        }
        return versions.current(stamp.userId(), stamp.version()).map(current -> current == stamp.version());
    }
}
