package dev.switchboard.organization;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.presence.PresencePublisher;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.Versions;
import dev.switchboard.organization.OrganizationDtos.CreateOrganization;
import dev.switchboard.organization.OrganizationDtos.OrganizationView;
import dev.switchboard.organization.OrganizationDtos.Settings;
import dev.switchboard.organization.OrganizationDtos.UpdateOrganization;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.TimeZones;
import dev.switchboard.schedule.ScheduleService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Organizations and their settings. Authorization is the resource's job; this owns the data. */
@ApplicationScoped
public class OrganizationService {

    private final OrganizationRepository organizations;
    private final PresenceChanges presence;
    private final PresencePublisher publisher;

    public OrganizationService(OrganizationRepository organizations, PresenceChanges presence, PresencePublisher publisher,
            ScheduleService schedules) {
        this.schedules = schedules;
        this.publisher = publisher;
        this.organizations = organizations;
        this.presence = presence;
    }

    private final ScheduleService schedules;

    @WithTransaction
    public Uni<Organization> create(CreateOrganization request) {
        Organization org = new Organization();
        org.id = UUID.randomUUID();
        org.name = request.name().trim();
        org.createdAt = Instant.now();
        applySettings(org, request.settings());
        return organizations.persistAndFlush(org);
    }

    @WithSession
    public Uni<PageResponse<OrganizationView>> list(PageRequest page) {
        return page.fetch(organizations.findAll(Sort.by("name").and("id")), OrganizationView::of);
    }

    @WithSession
    public Uni<Organization> get(UUID id) {
        return organizations.require(id);
    }

    @WithTransaction
    public Uni<Organization> update(UUID id, UpdateOrganization request, String ifMatch) {
        return organizations.requireForUpdate(id).flatMap(org -> {
            Versions.checkIfMatch(ifMatch, org.version);
            Versions.checkBodyVersion(request.version(), org.version);
            boolean rulesBefore = org.applyUserStatusToDevices;
            boolean contextBefore = org.showCallContext;
            String zoneBefore = org.timeZone;
            if (request.name() != null) {
                org.name = request.name().trim();
            }
            applySettings(org, request.settings());
            boolean presenceRulesChanged = rulesBefore != org.applyUserStatusToDevices || contextBefore != org.showCallContext;
            return organizations.flush()
                    .flatMap(ignored -> presenceRulesChanged ? presence.orgChanged(org.id) : Uni.createFrom().voidItem())
                    .flatMap(ignored -> zoneBefore.equals(org.timeZone) ? Uni.createFrom().voidItem() : schedules.rezone(org.id, null))
                    .replaceWith(org);
        });
    }

    /** Locked when loaded: the delete is version-checked (see UserService.delete). */
    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return organizations.requireForUpdate(id)
                .flatMap(org -> publisher.orgDeleted(org.id).flatMap(ignored -> organizations.delete(org)))
                .replaceWithVoid();
    }

    private static void applySettings(Organization org, Settings settings) {
        if (settings == null) {
            return;
        }
        if (settings.applyUserStatusToDevices() != null) {
            org.applyUserStatusToDevices = settings.applyUserStatusToDevices();
        }
        if (settings.maxVoipAccountsPerUser() != null) {
            org.maxVoipAccountsPerUser = settings.maxVoipAccountsPerUser();
        }
        if (settings.timeZone() != null) {
            if (!TimeZones.valid(settings.timeZone())) {
                throw ApiException.validation("settings.timeZone", TimeZones.MESSAGE);
            }
            org.timeZone = settings.timeZone();
        }
        if (settings.showCallContext() != null) {
            org.showCallContext = settings.showCallContext();
        }
    }
}
