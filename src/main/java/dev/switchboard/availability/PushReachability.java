package dev.switchboard.availability;

import java.util.Collection;
import java.util.Set;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Which app accounts can be woken by a push notification (they have at least one push device).
 * Such an account counts as reachable even while it is not registered.
 */
public interface PushReachability {

    Uni<Set<UUID>> accountsWithPushDevices(Collection<UUID> voipAccountIds);
}
