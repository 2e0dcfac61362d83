package dev.switchboard.presence;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserRepository;
import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.account.DeviceKind;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Whether an authenticated caller may hold a presence socket, read when the socket opens. */
@ApplicationScoped
public class SocketAccess {

    enum Verdict {
        ALLOWED,
        /** The user was deleted or is no longer in the token's organization. */
        NOT_A_MEMBER,
        /** {@code device=} is not the user's own webphone or app account. */
        NOT_OWN_DEVICE
    }

    private final UserRepository users;
    private final VoipAccountRepository accounts;

    public SocketAccess(UserRepository users, VoipAccountRepository accounts) {
        this.users = users;
        this.accounts = accounts;
    }

    /** {@code deviceId} may be null (a socket without a device). */
    @WithSession
    public Uni<Verdict> check(UUID orgId, UUID userId, UUID deviceId) {
        return users.findById(userId).flatMap(user -> {
            if (user == null || !orgId.equals(user.orgId)) {
                return Uni.createFrom().item(Verdict.NOT_A_MEMBER);
            }
            if (deviceId == null) {
                return Uni.createFrom().item(Verdict.ALLOWED);
            }
            return accounts.findById(deviceId).map(account -> account != null && userId.equals(account.userId)
                    && (account.kind == DeviceKind.WEBPHONE || account.kind == DeviceKind.APP)
                            ? Verdict.ALLOWED
                            : Verdict.NOT_OWN_DEVICE);
        });
    }
}
