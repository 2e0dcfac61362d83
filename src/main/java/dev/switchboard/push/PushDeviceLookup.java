package dev.switchboard.push;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.availability.PushReachability;

/**
 * Answers the derivation's question "can this app account be woken by push?" from {@code push_devices}:
 * only devices registered by the account's current owner count.
 */
@ApplicationScoped
public class PushDeviceLookup implements PushReachability {

    @Override
    public String wakeableSql() {
        // The condition of PushDeviceService.LIVE, for one account.
        return "EXISTS (SELECT 1 FROM push_devices d WHERE d.voip_account_id = a.id AND d.user_id = a.user_id)";
    }
}
