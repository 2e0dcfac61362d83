package dev.switchboard.demo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;

import org.jboss.logging.Logger;

import dev.switchboard.account.FixedDestinationService;
import dev.switchboard.account.FixedDestinationService.CreateFixedDestination;
import dev.switchboard.account.User;
import dev.switchboard.account.UserDtos.CreateUser;
import dev.switchboard.account.UserDtos.MemberRole;
import dev.switchboard.account.UserService;
import dev.switchboard.account.VoipAccountDtos.CreateVoipAccount;
import dev.switchboard.account.VoipAccountDtos.VoipAccountView;
import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.account.VoipAccountService;
import dev.switchboard.availability.AvailabilityDtos.SetAvailability;
import dev.switchboard.availability.AvailabilityService;
import dev.switchboard.availability.Destination;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.UserStatus;
import dev.switchboard.common.SwitchboardConfig;
import dev.switchboard.history.Actor;
import dev.switchboard.organization.Organization;
import dev.switchboard.organization.OrganizationDtos.CreateOrganization;
import dev.switchboard.organization.OrganizationRepository;
import dev.switchboard.organization.OrganizationService;
import dev.switchboard.platform.PlatformService;
import dev.switchboard.platform.PlatformService.CallState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * Dev mode only ({@code switchboard.dev-seed.enabled}): a demo organization whose members are in
 * every interesting state, created through the same services as the API, and their logins printed
 * at start-up. A feature package of its own, as it uses every other one: {@code common} stays
 * below the features.
 */
@ApplicationScoped
public class DevDataSeeder {

    public static final String ORG_NAME = "Acme Demo";
    public static final String PASSWORD = "switchboard";
    private static final Logger LOG = Logger.getLogger(DevDataSeeder.class);

    /** A demo member: what they own and how they are set. */
    private record Member(String first, String email, MemberRole role, DeviceKind device, boolean registered,
            UserStatus status, String note) {
    }

    private static final List<Member> MEMBERS = List.of(
            new Member("Anna", "anna@acme.test", MemberRole.ADMIN, DeviceKind.DESK_PHONE, true, UserStatus.AVAILABLE,
                    "admin; desk phone registered → available"),
            new Member("Bob", "bob@acme.test", MemberRole.USER, DeviceKind.DESK_PHONE, true, UserStatus.DO_NOT_DISTURB,
                    "do not disturb for 2 hours"),
            new Member("Carla", "carla@acme.test", MemberRole.USER, DeviceKind.SOFTPHONE, true,
                    UserStatus.AVAILABLE_FOR_COLLEAGUES, "available for colleagues only"),
            new Member("Dave", "dave@acme.test", MemberRole.USER, DeviceKind.APP, false, UserStatus.AVAILABLE,
                    "app without push device → offline (APP_NO_PUSH_DEVICE)"),
            new Member("Eva", "eva@acme.test", MemberRole.USER, null, false, UserStatus.AVAILABLE,
                    "forwards to her mobile +31612345678"),
            new Member("Frank", "frank@acme.test", MemberRole.USER, DeviceKind.DESK_PHONE, false, UserStatus.AVAILABLE,
                    "desk phone not registered → offline (DEVICE_UNREGISTERED)"),
            new Member("Gina", "gina@acme.test", MemberRole.USER, DeviceKind.DESK_PHONE, true, UserStatus.AVAILABLE,
                    "in a call → busy"),
            new Member("Hank", "hank@acme.test", MemberRole.USER, DeviceKind.WEBPHONE, false, UserStatus.OFFLINE,
                    "offline; has a webphone for the presence page"));

    private final boolean enabled;
    private final OrganizationService organizationService;
    private final OrganizationRepository organizations;
    private final UserService users;
    private final VoipAccountService voipAccounts;
    private final VoipAccountRepository voipAccountRepository;
    private final FixedDestinationService fixedDestinations;
    private final AvailabilityService availability;
    private final PlatformService platform;

    public DevDataSeeder(SwitchboardConfig config,
            OrganizationService organizationService, OrganizationRepository organizations, UserService users,
            VoipAccountService voipAccounts, VoipAccountRepository voipAccountRepository,
            FixedDestinationService fixedDestinations, AvailabilityService availability, PlatformService platform) {
        this.enabled = config.devSeed().enabled();
        this.organizationService = organizationService;
        this.organizations = organizations;
        this.users = users;
        this.voipAccounts = voipAccounts;
        this.voipAccountRepository = voipAccountRepository;
        this.fixedDestinations = fixedDestinations;
        this.availability = availability;
        this.platform = platform;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) throws Throwable {
        if (!enabled) {
            return;
        }
        Organization existing = await(() -> Panache.withSession(() -> organizations.find("name", ORG_NAME).firstResult()));
        if (existing == null) {
            seed();
        } else {
            refreshLiveState(existing.id);
        }
        printLogins();
    }

    private void seed() throws Throwable {
        UUID org = await(() -> organizationService.create(new CreateOrganization(ORG_NAME, null))).id;
        for (Member member : MEMBERS) {
            User user = await(() -> users.create(org, new CreateUser(member.email, member.first + " " + surname(member),
                    null, member.role, PASSWORD)));
            Destination destination = null;
            if (member.device != null) {
                VoipAccountView device = await(() -> voipAccounts.create(org,
                        new CreateVoipAccount(member.first + "'s " + member.device.label(), member.device, null, user.id)));
                destination = Destination.voipAccount(device.id());
                if (member.device != DeviceKind.WEBPHONE) {
                    // Everyone gets a webphone too, so the presence page can act as one.
                    await(() -> voipAccounts.create(org, new CreateVoipAccount(member.first + "'s webphone",
                            DeviceKind.WEBPHONE, null, user.id)));
                }
            } else {
                var mobile = await(() -> fixedDestinations.create(org, user.id,
                        new CreateFixedDestination("+31612345678", member.first + "'s mobile")));
                destination = Destination.fixedDestination(mobile.id());
            }
            Instant until = member.status == UserStatus.DO_NOT_DISTURB ? Instant.now().plus(2, ChronoUnit.HOURS) : null;
            SetAvailability choice = new SetAvailability(member.status, destination, until);
            await(() -> availability.set(org, user.id, choice, null, Actor.self(user.id)));
        }
        refreshLiveState(org);
    }

    /** Registrations lapse and calls end; each start brings the demo's devices back to life. */
    private void refreshLiveState(UUID org) throws Throwable {
        for (Member member : MEMBERS) {
            if (!member.registered) {
                continue;
            }
            String description = member.first + "'s " + member.device.label();
            String sip = await(() -> Panache.withSession(() -> voipAccountRepository
                    .find("orgId = ?1 and description = ?2", org, description).firstResult())).sipUsername;
            await(() -> platform.registration(sip, true, 86_400, "Demo " + member.device.label(), null));
            if (member.first.equals("Gina")) {
                await(() -> platform.callEvent(sip, "demo-call-" + System.currentTimeMillis(), CallState.ANSWERED, null));
            }
        }
    }

    private static String surname(Member member) {
        return Map.of("Anna", "Admin", "Bob", "Baker", "Carla", "Cruz", "Dave", "Dekker", "Eva", "Evers",
                "Frank", "Fisher", "Gina", "Gomez", "Hank", "Hill").get(member.first);
    }

    private void printLogins() {
        StringBuilder out = new StringBuilder("\n  Demo organization \"" + ORG_NAME + "\" — every password is \"" + PASSWORD + "\":\n");
        for (Member member : MEMBERS) {
            out.append(String.format("    %-18s %-6s %s%n", member.email, member.role.wire(), member.note));
        }
        // Swagger UI follows OpenAPI onto the management interface (port 9000 in dev).
        out.append("  Presence page: http://localhost:8080/   Swagger UI: http://localhost:9000/q/swagger-ui\n");
        LOG.info(out);
    }

    private static <T> T await(Supplier<Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(work);
    }
}
