package dev.switchboard.account;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class FixedDestinationRepository implements PanacheRepositoryBase<FixedDestination, UUID> {

    public Uni<List<FixedDestination>> ownedBy(UUID userId) {
        return list("userId", Sort.by("createdAt").and("id"), userId);
    }
}
