package dev.switchboard.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.VoipAccountDtos.DeviceStateView;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.BatchLane;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.SwitchboardConfig;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.history.HistoryItem;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Registration changes (a device registering or unregistering: a presence change each), applied
 * in at most {@code switchboard.platform.registration-changes} transactions at once. The changes
 * that arrive while those run wait in arrival order and go together into the next transaction (up
 * to {@value #MAX_BATCH}, each device at most once): every device's registration is written and
 * answered on its own, and then each owner is re-derived once, however many of their phones
 * changed. After an outage a user's phones re-register within milliseconds of each other; one by
 * one, each would re-derive the owner, publish an event to every colleague and queue on the
 * owner's row lock behind the others (docs/architecture.md, "Registration reports in a storm").
 *
 * <p>A batch records its owners organization by organization ({@link PresenceChanges#usersChanged}),
 * so two batches take the organizations' sequence rows in one order. A deadlock with another
 * writer is tried once more; anything else fails the batch's reports, a SIP username that matches
 * nothing only its own (404).
 */
@ApplicationScoped
public class RegistrationChanges {

    static final int MAX_BATCH = 64;

    private record Change(String sipUsername, boolean registered, double expiresIn, String userAgent, String contact) {
    }

    private final PresenceChanges presence;
    private final History history;
    private final BatchLane<Change, DeviceStateView> lane;

    public RegistrationChanges(PresenceChanges presence, History history, SwitchboardConfig config, MeterRegistry metrics) {
        this.presence = presence;
        this.history = history;
        DistributionSummary perTransaction = DistributionSummary.builder("switchboard.registrations.changes.per.transaction")
                .description("Registration changes applied by one transaction").register(metrics);
        // registration rows are locked in SIP username order, in every batch
        this.lane = new BatchLane<>("registration reports", config.platform().registrationChanges(), MAX_BATCH,
                config.platform().waitingReports(), Change::sipUsername, Comparator.comparing(Change::sipUsername),
                batch -> transaction(batch, true), perTransaction::record);
        Gauge.builder("switchboard.registrations.changes.waiting", lane, BatchLane::waiting)
                .description("Registration changes waiting for a transaction").register(metrics);
    }

    /** The device's state after the change, answered on the caller's context; 404 for an unknown SIP username. */
    public Uni<DeviceStateView> apply(String sipUsername, boolean registered, double expiresIn, String userAgent, String contact) {
        return lane.submit(new Change(sipUsername, registered, expiresIn, userAgent, contact));
    }

    /** One transaction: every registration written, then each owner re-derived once, the history written; an outcome per report. */
    private Uni<List<Object>> transaction(List<Change> batch, boolean again) {
        return Panache.withTransaction(() -> {
            List<Object[]> rows = new ArrayList<>(batch.size());
            Uni<Void> written = Uni.createFrom().voidItem();
            for (Change change : batch) {
                written = written.flatMap(ignored -> NativeSql.row(PlatformService.REGISTER, change.sipUsername(),
                        change.registered() ? change.expiresIn() : 0d, !change.registered(), change.userAgent(), change.contact()))
                        .invoke(rows::add).replaceWithVoid();
            }
            return written.flatMap(ignored -> recorded(batch, rows)).map(ignored -> outcomes(rows));
        }).onFailure(failure -> again && deadlock(failure)).recoverWithUni(() -> transaction(batch, false));
    }

    /**
     * Owners re-derived once each and devices without owner re-lined, one organization after the
     * other in id order (each takes its organization's sequence rows, so every batch takes them in
     * one order); then the history.
     */
    private Uni<Void> recorded(List<Change> batch, List<Object[]> rows) {
        Map<UUID, Map<UUID, UUID>> ownersByOrg = new TreeMap<>();
        Map<UUID, Set<UUID>> unownedByOrg = new TreeMap<>();
        Set<UUID> orgs = new TreeSet<>();
        List<HistoryItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            if (row == null || (Boolean) row[4] == batch.get(i).registered()) {
                continue; // unknown, or already as reported
            }
            UUID org = (UUID) row[1];
            UUID owner = (UUID) row[2];
            orgs.add(org);
            if (owner == null) {
                unownedByOrg.computeIfAbsent(org, key -> new TreeSet<>()).add((UUID) row[0]);
            } else {
                ownersByOrg.computeIfAbsent(org, key -> new TreeMap<>()).put(owner, org);
                items.add(HistoryItem.registration(Actor.PLATFORM, org, owner, PlatformService.device(row), batch.get(i).registered(), false));
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID org : orgs) {
            Map<UUID, UUID> owners = ownersByOrg.getOrDefault(org, Map.of());
            Set<UUID> unowned = unownedByOrg.getOrDefault(org, Set.of());
            chain = chain.flatMap(ignored -> presence.usersChanged(owners))
                    .flatMap(ignored -> unowned.isEmpty() ? Uni.createFrom().voidItem() : presence.devicesChanged(org, unowned));
        }
        return chain.flatMap(ignored -> history.write(items));
    }

    private static List<Object> outcomes(List<Object[]> rows) {
        List<Object> outcomes = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            outcomes.add(row == null ? ApiException.notFound("SIP username") : PlatformService.view(row));
        }
        return outcomes;
    }

    private static boolean deadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }
}
