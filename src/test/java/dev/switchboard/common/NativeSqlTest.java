package dev.switchboard.common;

import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import dev.switchboard.organization.Organization;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** {@link NativeSql} on the session Panache hands out: what Hibernate's native queries did, and the types. */
@QuarkusTest
class NativeSqlTest {

    @Inject
    OrganizationRepository organizations;

    /** Hibernate flushed pending entity changes before a native query in a transaction; so must we. */
    @Test
    void seesTheEntityChangesOfItsTransaction() throws Throwable {
        UUID renamedOrg = createOrg();
        String newName = unique("renamed");
        Organization created = new Organization();
        created.id = UUID.randomUUID();
        created.name = unique("created");
        created.createdAt = Instant.now();

        Object[] seen = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> organizations
                .findById(renamedOrg).invoke(org -> org.name = newName)
                .flatMap(ignored -> organizations.persist(created))
                .flatMap(ignored -> NativeSql.row("SELECT (SELECT name FROM organizations WHERE id = $1), "
                        + "(SELECT count(*) FROM organizations WHERE id = $2)", renamedOrg, created.id))
                .call(() -> Panache.currentTransaction().invoke(Mutiny.Transaction::markForRollback))));

        assertThat(seen).containsExactly(newName, 1L);
    }

    /** Hibernate Reactive's native executeUpdate did not flush; update() keeps that. */
    @Test
    void updateDoesNotFlush() throws Throwable {
        UUID org = createOrg();
        String newName = unique("renamed");

        Integer updated = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> organizations
                .findById(org).invoke(o -> o.name = newName)
                .flatMap(ignored -> NativeSql.update("UPDATE organizations SET name = name WHERE id = $1 AND name = $2", org, newName))
                .call(() -> Panache.currentTransaction().invoke(Mutiny.Transaction::markForRollback))));

        assertThat(updated).isZero();
    }

    @Test
    void passesAndAnswersPostgresTypes() throws Throwable {
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");

        Object[] row = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> NativeSql.row(
                "SELECT $1::uuid, $2::text, $3::bigint, $4::integer, $5::boolean, $6::timestamptz, $7::text IS NULL, "
                        + "$1 = ANY($8), (SELECT count(*) FROM (VALUES (1)) AS one)",
                id, "text", 5L, 7, true, at, null, NativeSql.uuids(List.of(id)))));

        assertThat(row).hasSize(9);
        assertThat(Arrays.asList(row).subList(0, 5)).containsExactly(id, "text", 5L, 7, true);
        assertThat(row[5]).isInstanceOf(OffsetDateTime.class);
        assertThat(NativeSql.instant(row[5])).isEqualTo(at);
        assertThat(Arrays.asList(row).subList(6, 9)).containsExactly(true, true, 1L);
    }
}
