package dev.switchboard.push;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.availability.PushReachability;
import dev.switchboard.common.NativeRows;
import io.quarkus.hibernate.reactive.panache.Panache;
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
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("SELECT DISTINCT d.voip_account_id FROM " + PushDeviceService.LIVE
                        + " WHERE d.voip_account_id IN (?1)")
                .setParameter(1, List.copyOf(voipAccountIds))
                .getResultList())
                .map(ids -> new HashSet<>(NativeRows.column(ids, UUID.class)));
    }
}
