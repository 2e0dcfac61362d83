package dev.switchboard.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserDtos.CreateUser;
import dev.switchboard.account.UserDtos.UpdateUser;
import dev.switchboard.account.UserDtos.UserView;
import dev.switchboard.auth.PasswordHasher;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.Versions;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Users of an organization. Callers are authorized by the resource; tenancy is checked here too. */
@ApplicationScoped
public class UserService {

    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final InternalNumbers numbers;
    private final PasswordHasher hasher;
    private final PresenceChanges presence;

    public UserService(UserRepository users, OrganizationRepository organizations, InternalNumbers numbers,
            PasswordHasher hasher, PresenceChanges presence) {
        this.users = users;
        this.organizations = organizations;
        this.numbers = numbers;
        this.hasher = hasher;
        this.presence = presence;
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

    @WithSession
    public Uni<PageResponse<UserView>> list(UUID orgId, PageRequest page) {
        return organizations.require(orgId)
                .flatMap(org -> page.fetch(users.find("orgId", Sort.by("name").and("id"), orgId), UserView::of));
    }

    @WithSession
    public Uni<User> get(UUID orgId, UUID userId) {
        return users.requireInOrg(orgId, userId);
    }

    /** @param asAdmin whether the caller administers the org; plain users may change name and password only */
    @WithTransaction
    public Uni<User> update(UUID orgId, UUID userId, UpdateUser request, String ifMatch, boolean asAdmin) {
        if (!asAdmin && (request.email() != null || request.internalNumber() != null || request.role() != null)) {
            throw ApiException.forbidden("Only admins may change email, internal number or role.");
        }
        return users.requireInOrgForUpdate(orgId, userId).flatMap(user -> {
            Versions.checkIfMatch(ifMatch, user.version);
            Versions.checkBodyVersion(request.version(), user.version);
            String nameBefore = user.name;
            String numberBefore = user.internalNumber;
            if (request.email() != null) {
                user.email = Emails.canonical(request.email());
            }
            if (request.name() != null) {
                user.name = request.name().trim();
            }
            if (request.role() != null) {
                user.role = request.role().toRole();
            }
            return hashOrNull(request.password())
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
                    .replaceWith(user);
        });
    }

    /** Deletes the user: its VoIP accounts stay (unowned), its fixed destinations and push devices go. */
    @WithTransaction
    public Uni<Void> delete(UUID orgId, UUID userId) {
        return users.requireInOrg(orgId, userId)
                .flatMap(user -> numbers.release(user.id)
                        .flatMap(ignored -> users.delete(user))
                        .flatMap(ignored -> users.flush())
                        .flatMap(ignored -> presence.userRemoved(orgId, user.id)));
    }

    private Uni<String> hashOrNull(String password) {
        return password == null ? Uni.createFrom().nullItem() : hasher.hash(password);
    }

}
