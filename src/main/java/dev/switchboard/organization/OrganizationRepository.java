package dev.switchboard.organization;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.switchboard.common.ApiException;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class OrganizationRepository implements PanacheRepositoryBase<Organization, UUID> {

    public Uni<Organization> require(UUID id) {
        return findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("organization"));
    }

    public Uni<Organization> requireForUpdate(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE).onItem().ifNull().failWith(() -> ApiException.notFound("organization"));
    }
}
