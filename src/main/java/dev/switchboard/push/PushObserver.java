package dev.switchboard.push;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.DeviceKind;
import dev.switchboard.availability.DeviceState;
import dev.switchboard.presence.PresenceObserver;
import io.smallrye.mutiny.Uni;

/**
 * Push's part of every recorded presence change, in the writer's transaction: a colleague who
 * became available fires the watches on them; an app account that is registered now settles any
 * incoming-call wake-up still waiting for it (ACK).
 */
@ApplicationScoped
public class PushObserver implements PresenceObserver {

    private final WatchService watches;
    private final CallDecisions decisions;

    public PushObserver(WatchService watches, CallDecisions decisions) {
        this.watches = watches;
        this.decisions = decisions;
    }

    @Override
    public Uni<Void> recorded(Recorded change) {
        Uni<Void> fired = change.becameReachable() ? watches.fire(change.orgId(), change.userId(), change.name())
                : Uni.createFrom().voidItem();
        List<UUID> registeredApps = change.situation().devices().stream()
                .filter(device -> device.kind() == DeviceKind.APP && device.registered())
                .map(DeviceState::voipAccountId).toList();
        return registeredApps.isEmpty() ? fired : fired.flatMap(ignored -> decisions.appRegistered(registeredApps));
    }
}
