package dev.switchboard.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Request and response bodies of {@code /api/orgs/{orgId}/voip-accounts}. */
public final class VoipAccountDtos {

    private VoipAccountDtos() {
    }

    public record CreateVoipAccount(
            @Size(max = 200) String description,
            @NotNull DeviceKind kind,
            @Pattern(regexp = InternalNumbers.PATTERN, message = UserDtos.NUMBER_MESSAGE) String internalNumber,
            UUID userId) {
    }

    /**
     * PATCH body. {@code userId} distinguishes "absent" (keep the owner) from {@code null}
     * (unlink), so it is a tracked setter rather than a record component.
     */
    public static final class UpdateVoipAccount {
        @Size(max = 200)
        public String description;
        public Boolean dnd;
        public Long version;
        private UUID userId;
        @JsonIgnore
        @Schema(hidden = true) // bookkeeping, not a body field
        private boolean userIdPresent;

        @JsonProperty("userId")
        public void setUserId(UUID userId) {
            this.userId = userId;
            this.userIdPresent = true;
        }

        @JsonProperty("userId")
        public UUID getUserId() {
            return userId;
        }

        @JsonIgnore
        public boolean userIdPresent() {
            return userIdPresent;
        }
    }

    /** Live state as the SIP platform (and device connections) report it. */
    public record DeviceStateView(boolean registered, String userAgent, Instant lastSeen, boolean dnd,
            List<CallContext> context) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VoipAccountView(UUID id, UUID orgId, UUID userId, DeviceKind kind, String description,
            String internalNumber, String sipUsername, String sipPassword, DeviceStateView state, long version,
            Instant createdAt) {

        @JsonInclude(JsonInclude.Include.ALWAYS)
        @Override
        public UUID userId() {
            return userId;
        }

        public static VoipAccountView of(VoipAccount account, DeviceStateView state, String sipPasswordOrNull) {
            return new VoipAccountView(account.id, account.orgId, account.userId, account.kind, account.description,
                    account.internalNumber, account.sipUsername, sipPasswordOrNull, state, account.version,
                    account.createdAt);
        }
    }
}
