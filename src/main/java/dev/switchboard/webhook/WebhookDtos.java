package dev.switchboard.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.switchboard.history.HistoryItem;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request and response bodies of {@code /api/orgs/{orgId}/webhooks}, and what a receiver gets. */
public final class WebhookDtos {

    private WebhookDtos() {
    }

    /** Event types a webhook may subscribe to (docs/api.md "Webhooks"). */
    public static final List<String> EVENT_TYPES = List.of("presence.changed", "status.changed", "call.not_reached",
            "group.availability");

    /** Create (POST) or replace (PUT): {@code userIds} absent or null means every member of the org. */
    public record WebhookRequest(
            @NotBlank @Size(max = 2000) @Schema(description = "https:// URL of a public address") String url,
            @NotNull @Size(min = 1, max = 4) @Schema(description = "presence.changed, status.changed, call.not_reached, group.availability")
            List<@NotNull String> events,
            @Size(max = 200) @Schema(description = "Only events about these members; absent: every member") List<@NotNull UUID> userIds,
            @Schema(description = "Default true") Boolean enabled) {
    }

    /** {@code secret} is only in the answer to the POST that created the webhook. */
    @RegisterForReflection
    public record WebhookView(UUID id, String url, List<String> events, List<UUID> userIds, boolean enabled,
            String disabledReason, Instant disabledAt, Instant failingSince, Instant createdAt, Instant updatedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "whsec_…, shown once, in the answer to the POST only") String secret) {

        WebhookView withSecret(String value) {
            return new WebhookView(id, url, events, userIds, enabled, disabledReason, disabledAt, failingSince, createdAt,
                    updatedAt, value);
        }
    }

    public record WebhookList(List<WebhookView> items) {
    }

    public record ReplayRequest(@Schema(description = "Re-send the stored events with a greater seq") Long since) {
    }

    /** How many stored events a replay queued, and the lowest seq among them (null: none). */
    public record ReplayView(int queued, Long firstSeq) {
    }

    /** One attempt to deliver (or a test ping), as the deliveries log shows it. */
    @RegisterForReflection
    public record AttemptView(Instant at, String messageId, String type, Long seq, int attempt,
            @Schema(enumeration = { "delivered", "retrying", "dead", "ping" }) String outcome,
            Integer statusCode, String error, int durationMs) {
    }

    public record AttemptList(List<AttemptView> items) {
    }

    /** The body every delivery carries (signed as sent). {@code seq} is null on a ping. */
    @RegisterForReflection
    public record Event(String type, Long seq, UUID orgId, Instant occurredAt, Object data) {
    }

    /** {@code status.changed}'s data: the user's effective status, and what it was (null: first publication). */
    @RegisterForReflection
    public record StatusChange(UUID userId, String name, String status, String previousStatus) {
    }

    /**
     * {@code call.not_reached}'s data: who was called, from which number (null when the platform did
     * not say), what became of the call and why, as the user's history tells it.
     */
    @RegisterForReflection
    public record CallNotReached(UUID userId, String name, String from,
            @Schema(enumeration = { "forwarded", "voicemail", "rejected", "skipped_in_group", "no_answer" }) String outcome,
            List<HistoryItem.Why> reasons, String summary,
            @Schema(description = "The ring group whose call skipped the user (skipped_in_group only)") GroupRef group,
            @Schema(description = "The platform's call id (no_answer only)") String callId,
            @Schema(description = "The plan step that rang without an answer, when the platform said") Integer step) {
    }

    @RegisterForReflection
    public record GroupRef(UUID groupId, String name) {
    }

    @RegisterForReflection
    public record Ping(UUID webhookId) {
    }
}
