package dev.switchboard.push;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.availability.PushReachability;
import dev.switchboard.common.NativeSql;
import io.smallrye.mutiny.Uni;

/**
 * Answers the derivation's question "can this app account be woken by push?" from {@code push_devices}:
 * only devices registered by the account's current owner count.
 */
@ApplicationScoped
public class PushDeviceLookup implements PushReachability {

    @Override
    public Uni<Set<UUID>> accountsWithPushDevices(Collection<UUID> voipAccountIds) {
        if (voipAccountIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return NativeSql.column(UUID.class, "SELECT DISTINCT d.voip_account_id FROM " + PushDeviceService.LIVE
                + " WHERE d.voip_account_id = ANY($1)", NativeSql.uuids(voipAccountIds))
                .map(ids -> new HashSet<>(ids));
    }
}
