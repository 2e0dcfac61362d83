package dev.switchboard.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import dev.switchboard.account.UserStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Bodies of {@code /api/me/schedules} and {@code /api/orgs/{orgId}/users/{userId}/schedules}. */
public final class ScheduleDtos {

    private ScheduleDtos() {
    }

    /** Repeats every week on {@code weekdays} ("mon" … "sun"), up to and including the date {@code until}. */
    @RegisterForReflection
    public record Repeat(List<String> weekdays, LocalDate until) {
    }

    /**
     * A new scheduled status. {@code from} and {@code until} are local date-times in the user's
     * time zone ("2026-12-11T13:00"); a time with an offset is converted to that zone's wall clock.
     */
    @RegisterForReflection
    public record CreateSchedule(UserStatus status, String note, String from, String until, Repeat repeat) {
    }

    /** The current or next window, as instants. */
    @RegisterForReflection
    public record Window(Instant from, Instant until) {
    }

    /**
     * A stored schedule: what was asked, the zone it is read in, whether its window holds now
     * ({@code active}) and its current or next window ({@code next}, null when none is left).
     */
    @RegisterForReflection
    public record ScheduleView(UUID id, UUID userId, UserStatus status, String note, LocalDateTime from, LocalDateTime until,
            Repeat repeat, String timeZone, boolean active, Window next, Instant createdAt) {
    }
}
