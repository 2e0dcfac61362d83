package dev.switchboard.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.VoipAccountDtos.CreateVoipAccount;
import dev.switchboard.account.VoipAccountDtos.UpdateVoipAccount;
import dev.switchboard.account.VoipAccountDtos.VoipAccountView;
import dev.switchboard.auth.Caller.CallerView;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.SwitchboardConfig;
import dev.switchboard.common.Versions;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.history.HistoryItem;
import dev.switchboard.organization.Organization;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** VoIP accounts (devices): credentials, ownership and the per-user limits. */
@ApplicationScoped
public class VoipAccountService {

    private final VoipAccountRepository accounts;
    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final InternalNumbers numbers;
    private final LiveDeviceStates liveStates;
    private final PresenceChanges presence;
    private final String realm;
    private final History history;

    public VoipAccountService(VoipAccountRepository accounts, UserRepository users, OrganizationRepository organizations,
            InternalNumbers numbers, LiveDeviceStates liveStates, PresenceChanges presence,
            SwitchboardConfig config, History history) {
        this.history = history;
        this.accounts = accounts;
        this.users = users;
        this.organizations = organizations;
        this.numbers = numbers;
        this.liveStates = liveStates;
        this.presence = presence;
        this.realm = config.sip().realm();
    }

    /** Creates the account; the answer is the only time its SIP password is shown. */
    @WithTransaction
    public Uni<VoipAccountView> create(UUID orgId, CreateVoipAccount request) {
        return SipUsernames.unused(realm).flatMap(credentials -> create(orgId, request, credentials));
    }

    private Uni<VoipAccountView> create(UUID orgId, CreateVoipAccount request, SipCredentials credentials) {
        VoipAccount account = new VoipAccount();
        account.id = UUID.randomUUID();
        account.orgId = orgId;
        account.kind = request.kind();
        account.description = request.description() == null ? "" : request.description().trim();
        account.createdAt = Instant.now();
        applyCredentials(account, credentials);
        return organizations.require(orgId)
                .flatMap(org -> request.userId() == null ? Uni.createFrom().voidItem()
                        : checkCanLink(org, request.userId(), account.kind, null))
                .invoke(() -> account.userId = request.userId())
                .flatMap(ignored -> numbers.claim(orgId, request.internalNumber(), InternalNumbers.DEVICE_BASE, account.id))
                .invoke(number -> account.internalNumber = number)
                .flatMap(ignored -> accounts.persistAndFlush(account))
                .flatMap(saved -> ownerChanged(orgId, saved.userId, saved.id))
                .map(ignored -> VoipAccountView.of(account, LiveDeviceStates.none().view(account.dnd), credentials.password()));
    }

    /** @param onlyOwner when set, only this user's accounts (what a plain user may list) */
    @WithSession
    public Uni<PageResponse<VoipAccountView>> list(UUID orgId, UUID onlyOwner, PageRequest page) {
        var query = onlyOwner == null
                ? accounts.find("orgId = :org", Sort.by("internalNumber").and("id"), Parameters.with("org", orgId))
                : accounts.find("orgId = :org and userId = :user", Sort.by("internalNumber").and("id"),
                        Parameters.with("org", orgId).and("user", onlyOwner));
        return organizations.require(orgId).flatMap(org -> page.fetchAll(query, items -> liveStates
                .of(items.stream().map(a -> a.id).toList())
                .map(states -> items.stream()
                        .map(a -> VoipAccountView.of(a, states.getOrDefault(a.id, LiveDeviceStates.none()).view(a.dnd), null))
                        .toList())));
    }

    @WithSession
    public Uni<VoipAccount> get(UUID orgId, UUID id) {
        return accounts.requireInOrg(orgId, id);
    }

    @WithSession
    public Uni<VoipAccountView> view(VoipAccount account) {
        return liveStates.of(account.id).map(live -> VoipAccountView.of(account, live.view(account.dnd), null));
    }

    /**
     * @param asAdmin admins may change everything; the owner only {@code dnd}
     * @param who     the caller, for the owner's history
     */
    @WithTransaction
    public Uni<VoipAccountView> update(UUID orgId, UUID id, UpdateVoipAccount request, String ifMatch, boolean asAdmin,
            UUID callerUserId, CallerView who) {
        return accounts.requireInOrgForUpdate(orgId, id).flatMap(account -> {
            if (!asAdmin) {
                if (!callerUserId.equals(account.userId)) {
                    throw ApiException.forbidden("Only admins and the device's owner may change it.");
                }
                if (request.description != null || request.userIdPresent()) {
                    throw ApiException.forbidden("Owners may change dnd only.");
                }
            }
            Versions.checkIfMatch(ifMatch, account.version);
            Versions.checkBodyVersion(request.version, account.version);
            UUID previousOwner = account.userId;
            boolean dndBefore = account.dnd;
            if (request.description != null) {
                account.description = request.description.trim();
            }
            if (request.dnd != null) {
                account.dnd = request.dnd;
            }
            boolean relink = request.userIdPresent() && !java.util.Objects.equals(request.getUserId(), previousOwner);
            Uni<Void> linkCheck = relink && request.getUserId() != null
                    ? organizations.require(orgId).flatMap(org -> checkCanLink(org, request.getUserId(), account.kind, account.id))
                    : Uni.createFrom().voidItem();
            return (relink ? lockUsers(previousOwner, request.getUserId()) : Uni.createFrom().voidItem())
                    .flatMap(ignored -> linkCheck)
                    .flatMap(ignored -> relink ? clearDestination(orgId, previousOwner, account.id, who) : Uni.createFrom().voidItem())
                    .invoke(() -> {
                        if (relink) {
                            account.userId = request.getUserId();
                        }
                    })
                    .flatMap(ignored -> accounts.flush())
                    .flatMap(ignored -> relink ? ownerChanged(orgId, previousOwner, account.id) : Uni.createFrom().voidItem())
                    .flatMap(ignored -> relink || dndBefore != account.dnd ? ownerChanged(orgId, account.userId, account.id)
                            : Uni.createFrom().voidItem())
                    .flatMap(ignored -> dndBefore != account.dnd && account.userId != null
                            ? history.write(HistoryItem.deviceDnd(Actor.of(who, account.userId), orgId, account.userId,
                                    new HistoryItem.Device(account.id, account.kind.wire(), account.internalNumber, account.description),
                                    account.dnd))
                            : Uni.createFrom().voidItem())
                    .flatMap(ignored -> liveStates.of(account.id))
                    .map(live -> VoipAccountView.of(account, live.view(account.dnd), null));
        });
    }

    /** @param who the caller, for the owner's history when the account was their destination */
    @WithTransaction
    public Uni<Void> delete(UUID orgId, UUID id, CallerView who) {
        return accounts.requireInOrgForUpdate(orgId, id).flatMap(account -> {
            UUID owner = account.userId;
            return clearDestination(orgId, owner, account.id, who)
                    .flatMap(ignored -> numbers.release(account.id))
                    .flatMap(ignored -> accounts.delete(account))
                    .flatMap(ignored -> accounts.flush())
                    .flatMap(ignored -> ownerChanged(orgId, owner, id));
        });
    }

    /** New SIP password (same username); the old one stops working at once. */
    @WithTransaction
    public Uni<VoipAccountView> rotateCredentials(UUID orgId, UUID id) {
        return accounts.requireInOrgForUpdate(orgId, id).flatMap(account -> {
            SipCredentials credentials = SipCredentials.forUsername(account.sipUsername, realm);
            applyCredentials(account, credentials);
            return accounts.flush().flatMap(ignored -> liveStates.of(account.id))
                    .map(live -> VoipAccountView.of(account, live.view(account.dnd), credentials.password()));
        });
    }

    /**
     * A user may own at most {@code maxVoipAccountsPerUser} accounts and at most one app and one
     * webphone account. The user's row is locked so two concurrent links cannot both pass.
     */
    private Uni<Void> checkCanLink(Organization org, UUID userId, DeviceKind kind, UUID accountId) {
        return users.lockInOrg(org.id, userId).flatMap(user -> {
            if (user == null) {
                return Uni.createFrom().failure(ApiException.unprocessable("userId", "no such user in this organization"));
            }
            return accounts.ownedBy(userId).map(owned -> {
                List<VoipAccount> others = owned.stream().filter(a -> !a.id.equals(accountId)).toList();
                if (others.size() >= org.maxVoipAccountsPerUser) {
                    throw ApiException.unprocessable("userId",
                            "the user already has the maximum of " + org.maxVoipAccountsPerUser + " VoIP accounts");
                }
                if ((kind == DeviceKind.APP || kind == DeviceKind.WEBPHONE) && others.stream().anyMatch(a -> a.kind == kind)) {
                    throw ApiException.unprocessable("userId", "the user already has a " + kind.label() + " account");
                }
                return null;
            });
        }).replaceWithVoid();
    }

    /**
     * A relink changes two users: both rows are locked up front, in one global order (as the
     * presence recorder and push devices lock several users), so two relinks in opposite directions
     * cannot each hold one user and wait for the other. Later locks of them in this transaction
     * (checkCanLink, clearDestination, the presence recorder) find them locked already.
     */
    private Uni<Void> lockUsers(UUID... ids) {
        List<UUID> ordered = java.util.Arrays.stream(ids).filter(java.util.Objects::nonNull).distinct()
                .sorted(java.util.Comparator.comparing(UUID::toString)).toList();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID id : ordered) {
            chain = chain.flatMap(ignored -> users.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).replaceWithVoid());
        }
        return chain;
    }

    /** A device that leaves its owner can no longer be the owner's selected destination (the owner's history says so). */
    private Uni<Void> clearDestination(UUID orgId, UUID ownerId, UUID accountId, CallerView who) {
        if (ownerId == null) {
            return Uni.createFrom().voidItem();
        }
        return users.findById(ownerId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).flatMap(owner -> {
            if (owner != null && owner.destinationType == DestinationType.VOIP_ACCOUNT && accountId.equals(owner.destinationId)) {
                owner.destinationType = null;
                owner.destinationId = null;
                return history.write(HistoryItem.destinationRemoved(Actor.of(who, ownerId), orgId, ownerId,
                        DestinationType.VOIP_ACCOUNT.wire(), accountId));
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** The owner is re-derived (which covers the device's line in the platform feed); a device without one only has its line. */
    private Uni<Void> ownerChanged(UUID orgId, UUID ownerId, UUID accountId) {
        return ownerId == null ? presence.devicesChanged(orgId, java.util.List.of(accountId)) : presence.userChanged(orgId, ownerId);
    }

    private static void applyCredentials(VoipAccount account, SipCredentials credentials) {
        account.sipUsername = credentials.username();
        account.sipRealm = credentials.realm();
        account.sipHa1Md5 = credentials.ha1Md5();
        account.sipHa1Sha256 = credentials.ha1Sha256();
    }
}
