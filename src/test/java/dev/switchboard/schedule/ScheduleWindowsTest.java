package dev.switchboard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.schedule.ScheduleWindows.Rule;
import dev.switchboard.schedule.ScheduleWindows.Window;

/**
 * Window computation, table-driven, in Europe/Amsterdam across both changes of 2026: summer time
 * starts Sunday 29 March (02:00 CET → 03:00 CEST), ends Sunday 25 October (03:00 CEST → 02:00 CET).
 */
class ScheduleWindowsTest {

    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    static Stream<Arguments> windows() {
        return Stream.of(
                // name, rule, after, expected start, expected end (null: none)
                Arguments.of("one-off in winter time (UTC+1)", oneOff("2026-03-20T13:00", "2026-03-20T17:00"), "2026-03-20T00:00:00Z",
                        "2026-03-20T12:00:00Z", "2026-03-20T16:00:00Z"),
                Arguments.of("one-off still running is the answer", oneOff("2026-03-20T13:00", "2026-03-20T17:00"), "2026-03-20T15:00:00Z",
                        "2026-03-20T12:00:00Z", "2026-03-20T16:00:00Z"),
                Arguments.of("one-off that ended: none (the end is exclusive)", oneOff("2026-03-20T13:00", "2026-03-20T17:00"),
                        "2026-03-20T16:00:00Z", null, null),
                Arguments.of("one-off across the March change: 9 h of wall clock are 8 h", oneOff("2026-03-28T23:00", "2026-03-29T08:00"),
                        "2026-03-01T00:00:00Z", "2026-03-28T22:00:00Z", "2026-03-29T06:00:00Z"),
                Arguments.of("one-off across the October change: 9 h of wall clock are 10 h", oneOff("2026-10-24T23:00", "2026-10-25T08:00"),
                        "2026-10-01T00:00:00Z", "2026-10-24T21:00:00Z", "2026-10-25T07:00:00Z"),
                Arguments.of("weekly Friday 13-17, the Friday before the March change", weekly("2026-03-20T13:00", "2026-03-20T17:00", null,
                        DayOfWeek.FRIDAY), "2026-03-21T00:00:00Z", "2026-03-27T12:00:00Z", "2026-03-27T16:00:00Z"),
                Arguments.of("weekly Friday 13-17, the Friday after: same wall clock, UTC+2", weekly("2026-03-20T13:00", "2026-03-20T17:00",
                        null, DayOfWeek.FRIDAY), "2026-03-28T00:00:00Z", "2026-04-03T11:00:00Z", "2026-04-03T15:00:00Z"),
                Arguments.of("weekly Friday 13-17, the Friday after the October change: UTC+1 again", weekly("2026-10-16T13:00",
                        "2026-10-16T17:00", null, DayOfWeek.FRIDAY), "2026-10-24T00:00:00Z", "2026-10-30T12:00:00Z", "2026-10-30T16:00:00Z"),
                Arguments.of("Sunday 02:30 does not exist on 29 March: starts at 03:00 CEST", weekly("2026-03-22T02:30", "2026-03-22T04:00",
                        null, DayOfWeek.SUNDAY), "2026-03-23T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"),
                Arguments.of("Sunday 02:30 the week before exists (CET)", weekly("2026-03-22T02:30", "2026-03-22T04:00", null,
                        DayOfWeek.SUNDAY), "2026-03-22T00:00:00Z", "2026-03-22T01:30:00Z", "2026-03-22T03:00:00Z"),
                Arguments.of("02:00, the very start of the skipped hour, is 03:00 CEST", oneOff("2026-03-29T02:00", "2026-03-29T05:00"),
                        "2026-03-01T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T03:00:00Z"),
                Arguments.of("a window wholly inside the skipped hour holds for no time: the next week's", weekly("2026-03-22T02:10",
                        "2026-03-22T02:50", null, DayOfWeek.SUNDAY), "2026-03-23T00:00:00Z", "2026-04-05T00:10:00Z", "2026-04-05T00:50:00Z"),
                Arguments.of("Sunday 02:30 exists twice on 25 October: the first (CEST); the end 03:30 is CET", weekly("2026-10-18T02:30",
                        "2026-10-18T03:30", null, DayOfWeek.SUNDAY), "2026-10-19T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T02:30:00Z"),
                Arguments.of("weekdays: Monday and Thursday, after Monday's comes Thursday's", weekly("2026-06-01T09:00", "2026-06-01T10:00",
                        null, DayOfWeek.MONDAY, DayOfWeek.THURSDAY), "2026-06-01T08:00:00Z", "2026-06-04T07:00:00Z", "2026-06-04T08:00:00Z"),
                Arguments.of("from on a Wednesday, weekdays Friday: the first is that Friday", weekly("2026-06-03T09:00", "2026-06-03T10:00",
                        null, DayOfWeek.FRIDAY), "2026-06-01T00:00:00Z", "2026-06-05T07:00:00Z", "2026-06-05T08:00:00Z"),
                Arguments.of("nothing before from", weekly("2026-06-05T09:00", "2026-06-05T10:00", null, DayOfWeek.MONDAY),
                        "2026-01-01T00:00:00Z", "2026-06-08T07:00:00Z", "2026-06-08T08:00:00Z"),
                Arguments.of("repeat.until is the last day a window may start (inclusive)", weekly("2026-06-05T09:00", "2026-06-05T10:00",
                        "2026-06-12", DayOfWeek.FRIDAY), "2026-06-06T00:00:00Z", "2026-06-12T07:00:00Z", "2026-06-12T08:00:00Z"),
                Arguments.of("after repeat.until: none", weekly("2026-06-05T09:00", "2026-06-05T10:00", "2026-06-12", DayOfWeek.FRIDAY),
                        "2026-06-12T08:00:00Z", null, null),
                Arguments.of("an overnight weekly window still running on the next day", weekly("2026-06-05T22:00", "2026-06-06T06:00", null,
                        DayOfWeek.FRIDAY), "2026-06-06T02:00:00Z", "2026-06-05T20:00:00Z", "2026-06-06T04:00:00Z"),
                Arguments.of("an overnight weekly window over the March change: 8 h of wall clock are 7 h", weekly("2026-03-21T22:00",
                        "2026-03-22T06:00", null, DayOfWeek.SATURDAY), "2026-03-23T00:00:00Z", "2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void theNextWindow(String name, Rule rule, String after, String start, String end) {
        Optional<Window> window = ScheduleWindows.next(rule, AMSTERDAM, Instant.parse(after));
        if (start == null) {
            assertThat(window).isEmpty();
        } else {
            assertThat(window).contains(new Window(Instant.parse(start), Instant.parse(end)));
        }
    }

    private static Rule oneOff(String from, String until) {
        return new Rule(LocalDateTime.parse(from), LocalDateTime.parse(until), Set.of(), null);
    }

    private static Rule weekly(String from, String until, String repeatUntil, DayOfWeek... days) {
        return new Rule(LocalDateTime.parse(from), LocalDateTime.parse(until), Set.of(days),
                repeatUntil == null ? null : LocalDate.parse(repeatUntil));
    }
}
