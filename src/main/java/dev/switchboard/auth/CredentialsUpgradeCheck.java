package dev.switchboard.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * The socket side of {@link AccountStillValidFilter}: an upgrade with a token or ticket issued
 * before the user's last credentials change (or after the account was deleted) is refused with 401.
 * Sockets already open are closed by the presence feature when the change is announced.
 */
@ApplicationScoped
public class CredentialsUpgradeCheck implements HttpUpgradeCheck {

    private final CredentialVersions versions;

    public CredentialsUpgradeCheck(CredentialVersions versions) {
        this.versions = versions;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity().flatMap(identity -> {
            CredentialStamp stamp = CredentialStamp.of(identity);
            if (stamp == null) {
                return CheckResult.permitUpgrade();
            }
            return versions.current(stamp.userId(), stamp.version()).flatMap(current -> current == stamp.version()
                    ? CheckResult.permitUpgrade()
                    : CheckResult.rejectUpgrade(401));
        });
    }
}
