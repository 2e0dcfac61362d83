package dev.switchboard.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserDtos.CreateUser;
import dev.switchboard.account.UserDtos.UpdateUser;
import dev.switchboard.account.UserDtos.UserView;
import dev.switchboard.auth.CredentialVersions;
import dev.switchboard.auth.CredentialsBroadcast;
import dev.switchboard.auth.LoginRateLimiter;
import dev.switchboard.auth.PasswordHasher;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.Problem;
import dev.switchboard.common.Versions;
import dev.switchboard.organization.OrganizationRepository;
import dev.switchboard.common.TimeZones;
import dev.switchboard.schedule.ScheduleService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Users of an organization. Callers are authorized by the resource; tenancy is checked here too. */
@ApplicationScoped
public class UserService {

    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final InternalNumbers numbers;
    private final PasswordHasher hasher;
    private final PresenceChanges presence;
    private final CredentialsBroadcast credentials;
    private final CredentialVersions versions;
    private final LoginRateLimiter limiter;

    private final ScheduleService schedules;

    public UserService(UserRepository users, OrganizationRepository organizations, InternalNumbers numbers,
            PasswordHasher hasher, PresenceChanges presence, CredentialsBroadcast credentials,
            CredentialVersions versions, LoginRateLimiter limiter, ScheduleService schedules) {
        this.schedules = schedules;
        this.users = users;
        this.organizations = organizations;
        this.numbers = numbers;
        this.hasher = hasher;
        this.presence = presence;
        this.credentials = credentials;
        this.versions = versions;
        this.limiter = limiter;
    }

    @WithTransaction
    public Uni<User> create(UUID orgId, CreateUser request) {
        User user = new User();
        user.id = UUID.randomUUID();
        user.orgId = orgId;
        user.email = Emails.canonical(request.email());
        user.name = request.name().trim();
        user.role = request.role().toRole();
        user.createdAt = Instant.now();
        return organizations.require(orgId)
                .flatMap(org -> hashOrNull(request.password()))
                .invoke(hash -> user.passwordHash = hash)
                .flatMap(ignored -> numbers.claim(orgId, request.internalNumber(), InternalNumbers.USER_BASE, user.id))
                .invoke(number -> user.internalNumber = number)
                .flatMap(ignored -> users.persistAndFlush(user))
                .flatMap(saved -> presence.userAdded(orgId, saved.id).replaceWith(saved));
    }

    public Uni<PageResponse<UserView>> list(UUID orgId, PageRequest page) {
        return users.page(orgId, page);
    }

    public Uni<UserView> get(UUID orgId, UUID userId) {
        return users.viewInOrg(orgId, userId);
    }

    /**
     * @param asAdmin whether the caller administers the org; plain users may change name and password only
     * @param self    whether the caller is this user: changing one's own password needs the current one
     */
    public Uni<User> update(UUID orgId, UUID userId, UpdateUser request, String ifMatch, boolean asAdmin, boolean self) {
        if (!asAdmin && (request.email() != null || request.internalNumber() != null || request.role() != null)) {
            throw ApiException.forbidden("Only admins may change email, internal number or role.");
        }
        if (request.timeZone() != null && !request.timeZone().isEmpty() && !TimeZones.valid(request.timeZone())) {
            throw ApiException.validation("timeZone", TimeZones.MESSAGE + ", or \"\" for the organization's");
        }
        boolean selfService = self && request.password() != null;
        if (selfService && request.currentPassword() == null) {
            throw ApiException.validation("currentPassword", "is required to change your own password");
        }
        // The version is raised in the transaction and announced to every replica when it commits;
        // this replica also learns it right after the commit, before the caller sees the answer.
        return Panache.withTransaction(() -> users.requireInOrgForUpdate(orgId, userId).flatMap(user -> {
            Versions.checkIfMatch(ifMatch, user.version);
            Versions.checkBodyVersion(request.version(), user.version);
            String nameBefore = user.name;
            String numberBefore = user.internalNumber;
            String zoneBefore = user.timeZone;
            // Checked before anything changes (the limiter counts the email the user has now).
            Uni<Void> currentPasswordOk = selfService ? checkCurrentPassword(user, request.currentPassword())
                    : Uni.createFrom().voidItem();
            String email = Emails.canonical(request.email());
            boolean revoke = request.password() != null
                    || email != null && !email.equals(user.email)
                    || request.role() != null && request.role().toRole() != user.role;
            if (email != null) {
                user.email = email;
            }
            if (request.name() != null) {
                user.name = request.name().trim();
            }
            if (request.timeZone() != null) {
                user.timeZone = request.timeZone().isEmpty() ? null : request.timeZone();
            }
            if (request.role() != null) {
                user.role = request.role().toRole();
            }
            if (revoke) {
                user.credentialsVersion++;
            }
            return currentPasswordOk.flatMap(ignored -> hashOrNull(request.password()))
                    .invoke(hash -> {
                        if (hash != null) {
                            user.passwordHash = hash;
                        }
                    })
                    .flatMap(ignored -> numbers.change(orgId, user.internalNumber, request.internalNumber(), user.id))
                    .invoke(number -> user.internalNumber = number)
                    .flatMap(ignored -> users.flush())
                    .flatMap(ignored -> !user.name.equals(nameBefore) || !user.internalNumber.equals(numberBefore)
                            ? presence.userChanged(orgId, user.id)
                            : Uni.createFrom().voidItem())
                    .flatMap(ignored -> java.util.Objects.equals(zoneBefore, user.timeZone) ? Uni.createFrom().voidItem()
                            : schedules.rezone(orgId, user.id))
                    .flatMap(ignored -> revoke ? credentials.changed(user.id, user.credentialsVersion) : Uni.createFrom().voidItem())
                    .replaceWith(user);
        })).invoke(user -> versions.advanced(user.id, user.credentialsVersion));
    }

    /** Counted like a login attempt for the user's email, so a stolen token cannot guess it quickly. */
    private Uni<Void> checkCurrentPassword(User user, String currentPassword) {
        limiter.attemptForEmail(user.email);
        return hasher.matches(currentPassword, user.passwordHash).invoke(ok -> {
            if (!ok) {
                throw new ApiException(403, "wrong-password", "Wrong password",
                        "currentPassword is not your current password.",
                        List.of(new Problem.FieldError("currentPassword", "is not your current password")));
            }
        }).replaceWithVoid();
    }

    /**
     * Deletes the user: its VoIP accounts stay (unowned), its fixed destinations and push devices go;
     * its tokens, tickets and sockets stop working on every replica.
     *
     * <p>The row is locked before it is read: the delete is version-checked, and a concurrent write
     * committed after an unlocked read would make it fail as stale (409) although no If-Match was sent.
     */
    public Uni<Void> delete(UUID orgId, UUID userId) {
        return Panache.withTransaction(() -> users.requireInOrgForDelete(orgId, userId)
                .flatMap(user -> numbers.release(user.id)
                        .flatMap(ignored -> users.delete(user))
                        .flatMap(ignored -> users.flush())
                        .flatMap(ignored -> presence.userRemoved(orgId, user.id))
                        .flatMap(ignored -> credentials.changed(user.id, CredentialVersions.DELETED))))
                .invoke(() -> versions.advanced(userId, CredentialVersions.DELETED));
    }

    private Uni<String> hashOrNull(String password) {
        return password == null ? Uni.createFrom().nullItem() : hasher.hash(password);
    }

}
