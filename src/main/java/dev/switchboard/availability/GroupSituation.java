package dev.switchboard.availability;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.switchboard.common.Messages;

/**
 * Everything the derivation needs about one ring group, captured at one moment.
 *
 * @param members  in the group's order, each with their whole situation
 * @param fallback when nobody can take the call, or nobody answers (reject when none)
 * @param rotation round_robin: how many calls the group has had (where the next one starts)
 */
public record GroupSituation(UUID groupId, String name, String internalNumber, RingStrategy strategy,
        int memberRingSeconds, List<Member> members, Fallback fallback, long rotation) {

    /**
     * One member.
     *
     * @param idleSince since when colleagues see the member in their current availability (the
     *                  longest idle is the one available the longest); null when never published
     */
    public record Member(UserSituation situation, String name, Instant idleSince) {
        public Member {
            Objects.requireNonNull(situation, "situation");
        }
    }

    public GroupSituation {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(strategy, "strategy");
        members = List.copyOf(Objects.requireNonNull(members, "members"));
        fallback = fallback == null ? Fallback.REJECT : fallback;
    }

    /** "ring group Sales (300)", in {@code m}'s language. */
    public String label(Messages m) {
        return m.text("group.label", name + (internalNumber == null ? "" : " (" + internalNumber + ")"));
    }
}
