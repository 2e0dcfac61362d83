package dev.switchboard.account;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.switchboard.common.ApiException;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class VoipAccountRepository implements PanacheRepositoryBase<VoipAccount, UUID> {

    public Uni<VoipAccount> requireInOrg(UUID orgId, UUID id) {
        return findById(id)
                .map(account -> account != null && orgId.equals(account.orgId) ? account : null)
                .onItem().ifNull().failWith(() -> ApiException.notFound("VoIP account"));
    }

    /** Same, holding the row lock until commit (concurrent writes apply one after the other). */
    public Uni<VoipAccount> requireInOrgForUpdate(UUID orgId, UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE)
                .map(account -> account != null && orgId.equals(account.orgId) ? account : null)
                .onItem().ifNull().failWith(() -> ApiException.notFound("VoIP account"));
    }

    public Uni<List<VoipAccount>> ownedBy(UUID userId) {
        return list("userId", Sort.by("internalNumber"), userId);
    }

    public Uni<VoipAccount> findBySipUsername(String sipUsername) {
        return find("sipUsername", sipUsername).firstResult();
    }
}
