package dev.switchboard.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;
import java.util.Set;

/**
 * When a schedule's windows fall, as instants: pure, no I/O, no clock. A window is written in
 * local wall-clock time of the user's zone, because that is what a person means by "Fridays from
 * 13:00 to 17:00", whatever the offset that day.
 *
 * <ul>
 * <li>A local time that does not exist (the hour skipped when summer time starts, 02:00–03:00 in
 * Europe/Amsterdam on the last Sunday of March) is read as the next valid time: the moment the
 * clocks jump, 03:00.</li>
 * <li>A local time that exists twice (02:00–03:00 on the last Sunday of October) is read as the
 * first of the two (still summer time).</li>
 * <li>A repeating window lasts the same wall-clock span as {@code from → until} on every
 * occurrence, so across a change it is an hour shorter or longer in absolute time.</li>
 * </ul>
 */
public final class ScheduleWindows {

    /** At most this many days are looked at to find the next occurrence (every weekday lies within them). */
    private static final int SEARCH_DAYS = 15;

    private ScheduleWindows() {
    }

    /**
     * A schedule's timing.
     *
     * @param from        the (first) window's local start
     * @param until       the (first) window's local end, after {@code from}
     * @param weekdays    empty: one window; else it repeats every week on these days, starting on the
     *                    first of them on or after {@code from}'s date, at {@code from}'s time
     * @param repeatUntil the last local date a repeated window may start on (inclusive); null: no end
     */
    public record Rule(LocalDateTime from, LocalDateTime until, Set<DayOfWeek> weekdays, LocalDate repeatUntil) {
        public Rule {
            weekdays = weekdays == null ? Set.of() : Set.copyOf(weekdays);
        }

        public boolean repeats() {
            return !weekdays.isEmpty();
        }

        /** The wall-clock span of every window. */
        public Duration span() {
            return Duration.between(from, until);
        }
    }

    /** One window: the status holds from {@code start} (inclusive) to {@code end} (exclusive). */
    public record Window(Instant start, Instant end) {
    }

    /** The earliest window of {@code rule} in {@code zone} that has not ended by {@code after} (its end is later). */
    public static Optional<Window> next(Rule rule, ZoneId zone, Instant after) {
        if (!rule.repeats()) {
            Window only = window(rule.from(), rule.until(), zone);
            return only.end().isAfter(after) && !empty(only) ? Optional.of(only) : Optional.empty();
        }
        Duration span = rule.span();
        // Start a little before 'after' (a window that began earlier may still be running), never before 'from'.
        LocalDate day = LocalDateTime.ofInstant(after, zone).toLocalDate().minusDays(span.toDays() + 1);
        if (day.isBefore(rule.from().toLocalDate())) {
            day = rule.from().toLocalDate();
        }
        for (int i = 0; i < SEARCH_DAYS + span.toDays(); i++, day = day.plusDays(1)) {
            if (rule.repeatUntil() != null && day.isAfter(rule.repeatUntil())) {
                return Optional.empty();
            }
            if (!rule.weekdays().contains(day.getDayOfWeek())) {
                continue;
            }
            LocalDateTime start = day.atTime(rule.from().toLocalTime());
            Window window = window(start, start.plus(span), zone);
            if (window.end().isAfter(after) && !empty(window)) {
                return Optional.of(window);
            }
        }
        return Optional.empty();
    }

    /** The instant a person means by {@code local} in {@code zone}: see the class comment for gaps and overlaps. */
    public static Instant instant(LocalDateTime local, ZoneId zone) {
        var rules = zone.getRules();
        if (rules.getValidOffsets(local).isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        return local.atZone(zone).toInstant(); // an overlap: the earlier offset
    }

    /** A window wholly inside a skipped hour holds for no time at all: it is left out. */
    private static boolean empty(Window window) {
        return !window.end().isAfter(window.start());
    }

    private static Window window(LocalDateTime start, LocalDateTime end, ZoneId zone) {
        return new Window(instant(start, zone), instant(end, zone));
    }
}
