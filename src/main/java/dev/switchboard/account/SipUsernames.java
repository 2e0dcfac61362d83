package dev.switchboard.account;

import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;

/**
 * Fresh SIP credentials whose username no account has yet. Usernames are random (50 bits), so a
 * clash with an existing one is rare but grows with the number of accounts; without this check it
 * would reach the caller as a 409 on a field they never sent. Two creates drawing the same new
 * name at the same moment is left to the unique constraint (about 2^-50).
 */
final class SipUsernames {

    private static final int ATTEMPTS = 5;

    private SipUsernames() {
    }

    static Uni<SipCredentials> unused(String realm) {
        return unused(realm, 1);
    }

    private static Uni<SipCredentials> unused(String realm, int attempt) {
        SipCredentials candidate = SipCredentials.generate(realm);
        return NativeSql.value(Boolean.class, "SELECT EXISTS (SELECT 1 FROM voip_accounts WHERE sip_username = $1)",
                candidate.username())
                .flatMap(taken -> {
                    if (!taken) {
                        return Uni.createFrom().item(candidate);
                    }
                    if (attempt >= ATTEMPTS) {
                        return Uni.createFrom().failure(new IllegalStateException(
                                "no unused SIP username after " + attempt + " random draws"));
                    }
                    return unused(realm, attempt + 1);
                });
    }
}
