package dev.switchboard.availability;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.FixedDestination;
import dev.switchboard.account.FixedDestinationRepository;
import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.account.User;
import dev.switchboard.account.VoipAccount;
import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.organization.Organization;
import io.smallrye.mutiny.Uni;

/** Gathers, from the database, everything the pure derivation needs to know about one user. */
@ApplicationScoped
public class UserSituations {

    /** The user, the accounts they own, and the situation built from them. */
    public record Loaded(User user, Organization org, List<VoipAccount> devices, UserSituation situation) {
    }

    private final VoipAccountRepository accounts;
    private final FixedDestinationRepository fixedDestinations;
    private final LiveDeviceStates liveStates;
    private final PushReachability push;

    public UserSituations(VoipAccountRepository accounts, FixedDestinationRepository fixedDestinations,
            LiveDeviceStates liveStates, PushReachability push) {
        this.accounts = accounts;
        this.fixedDestinations = fixedDestinations;
        this.liveStates = liveStates;
        this.push = push;
    }

    public Uni<Loaded> load(User user, Organization org) {
        return accounts.ownedBy(user.id).flatMap(devices -> {
            List<UUID> ids = devices.stream().map(d -> d.id).toList();
            return liveStates.of(ids)
                    .flatMap(live -> push.accountsWithPushDevices(ids)
                            .flatMap(pushable -> fixedDestinations.ownedBy(user.id)
                                    .map(fixed -> new Loaded(user, org, devices,
                                            situation(user, org, devices, live, pushable, fixed)))));
        });
    }

    static UserSituation situation(User user, Organization org, List<VoipAccount> devices,
            Map<UUID, LiveDeviceStates.Live> live, java.util.Set<UUID> pushable, List<FixedDestination> fixed) {
        List<DeviceState> states = devices.stream().map(d -> deviceState(d,
                live.getOrDefault(d.id, LiveDeviceStates.none()), pushable.contains(d.id))).toList();
        Destination destination = user.destinationType == null ? null : new Destination(user.destinationType, user.destinationId);
        return new UserSituation(user.id, user.status, user.statusUntil, destination, states,
                fixed.stream().map(f -> new FixedDestinationInfo(f.id, f.number, f.description)).toList(),
                rules(org));
    }

    public static DeviceState deviceState(VoipAccount account, LiveDeviceStates.Live live, boolean hasPushDevice) {
        return new DeviceState(account.id, account.sipUsername, account.kind, account.internalNumber,
                account.description, live.registered(), account.dnd, hasPushDevice, live.ringing(), live.inCall());
    }

    public static OrgRules rules(Organization org) {
        return new OrgRules(org.applyUserStatusToDevices, org.showCallContext);
    }
}
