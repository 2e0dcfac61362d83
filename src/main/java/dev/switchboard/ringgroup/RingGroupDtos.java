package dev.switchboard.ringgroup;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Bodies of the ring group resources ({@code /api/orgs/{orgId}/ring-groups}). */
public final class RingGroupDtos {

    private RingGroupDtos() {
    }

    /**
     * A group's one fallback, when nobody can take the call or nobody answers: {@code user} or
     * {@code group} of the org (with id), {@code voicemail} (id: the user whose voicemail) or
     * {@code reject} (no id; also what an absent fallback means).
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupFallback(String type, UUID id) {
        static final GroupFallback REJECT = new GroupFallback("reject", null);
    }

    /**
     * A new group, or (PATCH) the fields to change: absent fields stay as they are; {@code members}
     * replaces the whole list. {@code version}, when sent, must be the current one (409).
     */
    @RegisterForReflection
    public record RingGroupBody(String name, String internalNumber, String strategy, Integer memberRingSeconds,
            List<UUID> members, GroupFallback fallback, Long version) {
    }

    /**
     * A group as stored, with what the presence stream last said of it: {@code available} of the
     * members can take a call now.
     */
    @RegisterForReflection
    public record RingGroupView(UUID id, String name, String internalNumber, String strategy, int memberRingSeconds,
            List<UUID> members, GroupFallback fallback, int available, long version) {
    }
}
