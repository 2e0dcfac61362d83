package dev.switchboard.organization;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request and response bodies of {@code /api/orgs}. */
public final class OrganizationDtos {

    private OrganizationDtos() {
    }

    public record Settings(Boolean applyUserStatusToDevices,
            @Min(1) @Max(100) Integer maxVoipAccountsPerUser,
            Boolean showCallContext,
            @Size(max = 64) String timeZone) {
    }

    public record CreateOrganization(@NotBlank @Size(max = 200) String name, @Valid Settings settings) {
    }

    public record UpdateOrganization(
            @Size(max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
            @Valid Settings settings, Long version) {
    }

    public record SettingsView(boolean applyUserStatusToDevices, int maxVoipAccountsPerUser, boolean showCallContext, String timeZone) {
    }

    public record OrganizationView(UUID id, String name, SettingsView settings, long version, Instant createdAt) {
        public static OrganizationView of(Organization org) {
            return new OrganizationView(org.id, org.name,
                    new SettingsView(org.applyUserStatusToDevices, org.maxVoipAccountsPerUser, org.showCallContext, org.timeZone),
                    org.version, org.createdAt);
        }
    }
}
