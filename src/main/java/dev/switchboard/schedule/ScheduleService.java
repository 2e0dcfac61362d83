package dev.switchboard.schedule;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.UserStatus;
import dev.switchboard.availability.Notes;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.Problem;
import dev.switchboard.schedule.ScheduleDtos.CreateSchedule;
import dev.switchboard.schedule.ScheduleDtos.Repeat;
import dev.switchboard.schedule.ScheduleDtos.ScheduleView;
import dev.switchboard.schedule.ScheduleWindows.Rule;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Scheduled statuses: stored, listed, deleted, and applied by the presence timers at each
 * window's start and end ({@link #applyDue}). Lock order, as everywhere a schedule is touched:
 * the schedule rows, then the user rows (in id order).
 */
@ApplicationScoped
public class ScheduleService {

    static final int MAX_PER_USER = 50;
    static final Duration MAX_ONE_OFF = Duration.ofDays(31);
    private static final int BATCH = 200;

    private static final String COLUMNS = "s.id, s.user_id, s.status, s.note, s.from_local::text, s.until_local::text, s.weekdays, "
            + "s.repeat_until::text, s.running, s.next_start, s.next_end, s.created_at, coalesce(u.time_zone, o.time_zone), s.org_id";
    private static final String FROM = " FROM schedules s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = s.org_id ";

    /** At a window's start: keep what the user had (unless another window already kept it), then apply. */
    private static final String APPLY = "UPDATE users SET "
            + "restore_status = CASE WHEN schedule_id IS NULL THEN status ELSE restore_status END, "
            + "restore_until = CASE WHEN schedule_id IS NULL THEN status_until ELSE restore_until END, "
            + "restore_note = CASE WHEN schedule_id IS NULL THEN note ELSE restore_note END, "
            + "restore_note_until = CASE WHEN schedule_id IS NULL THEN note_until ELSE restore_note_until END, "
            + "schedule_id = $2, status = $3, status_until = NULL, note = coalesce($4::varchar, note), "
            + "note_until = CASE WHEN $4::varchar IS NULL THEN note_until ELSE NULL END, version = version + 1 WHERE id = $1";
    /** At its end (or deletion): back to what was kept, only while this window still holds. */
    private static final String RESTORE = "UPDATE users SET status = restore_status, status_until = restore_until, "
            + "note = restore_note, note_until = restore_note_until, schedule_id = NULL, restore_status = NULL, "
            + "restore_until = NULL, restore_note = NULL, restore_note_until = NULL, version = version + 1 "
            + "WHERE id = $1 AND schedule_id = $2";
    private static final String ADVANCE = "UPDATE schedules SET running = $2, next_start = $3, next_end = $4, next_at = $5 WHERE id = $1";

    private final PresenceChanges presence;

    public ScheduleService(PresenceChanges presence) {
        this.presence = presence;
    }

    /** A stored schedule as read with {@link #COLUMNS}. */
    private record Stored(UUID id, UUID userId, UserStatus status, String note, Rule rule, boolean running, Instant nextStart,
            Instant nextEnd, Instant createdAt, String zone, UUID orgId) {

        static Stored of(Object[] row) {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            if (row[6] != null) {
                for (String day : ((String) row[6]).split(",")) {
                    days.add(weekday(day));
                }
            }
            Rule rule = new Rule(local((String) row[4]), local((String) row[5]), days,
                    row[7] == null ? null : LocalDate.parse((String) row[7]));
            return new Stored((UUID) row[0], (UUID) row[1], UserStatus.fromWire((String) row[2]), (String) row[3], rule,
                    (Boolean) row[8], NativeSql.instant(row[9]), NativeSql.instant(row[10]), NativeSql.instant(row[11]),
                    (String) row[12], (UUID) row[13]);
        }

        ScheduleView view() {
            Repeat repeat = rule.repeats() ? new Repeat(rule.weekdays().stream().sorted().map(ScheduleService::wire).toList(),
                    rule.repeatUntil()) : null;
            return new ScheduleView(id, userId, status, note, rule.from(), rule.until(), repeat, zone, running,
                    nextStart == null ? null : new ScheduleDtos.Window(nextStart, nextEnd), createdAt);
        }
    }

    @WithTransaction
    public Uni<List<ScheduleView>> list(UUID orgId, UUID userId) {
        return NativeSql.row("SELECT 1 FROM users WHERE id = $1 AND org_id = $2", userId, orgId).flatMap(found -> {
            if (found == null) {
                throw ApiException.notFound("user");
            }
            return NativeSql.rows("SELECT " + COLUMNS + FROM + "WHERE s.user_id = $1 AND s.org_id = $2 ORDER BY s.created_at, s.id",
                    userId, orgId);
        }).map(rows -> rows.stream().map(row -> Stored.of(row).view()).toList());
    }

    @WithTransaction
    public Uni<ScheduleView> create(UUID orgId, UUID userId, CreateSchedule request) {
        if (request == null) {
            throw ApiException.badRequest("A schedule needs a body.");
        }
        // Locks the user: concurrent creations count one after the other.
        String sql = "SELECT coalesce(u.time_zone, o.time_zone), (SELECT count(*) FROM schedules x WHERE x.user_id = u.id) "
                + "FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.id = $1 AND u.org_id = $2 FOR NO KEY UPDATE OF u";
        return NativeSql.row(sql, userId, orgId).flatMap(row -> {
            if (row == null) {
                throw ApiException.notFound("user");
            }
            String zone = (String) row[0];
            Instant now = Instant.now();
            Rule rule = validate(request, ZoneId.of(zone), now);
            if (((Number) row[1]).longValue() >= MAX_PER_USER) {
                throw ApiException.unprocessable("schedules", "a user has at most " + MAX_PER_USER + " schedules; delete one first");
            }
            Optional<ScheduleWindows.Window> first = ScheduleWindows.next(rule, ZoneId.of(zone), now);
            if (first.isEmpty()) {
                throw ApiException.validation(rule.repeats() ? "repeat.until" : "until", "no window of this schedule is still ahead");
            }
            UUID id = UUID.randomUUID();
            String insert = "INSERT INTO schedules (id, org_id, user_id, status, note, from_local, until_local, weekdays, repeat_until, "
                    + "running, next_start, next_end, next_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                    + "false, $10, $11, $10)";
            String days = rule.repeats() ? String.join(",", rule.weekdays().stream().sorted().map(ScheduleService::wire).toList()) : null;
            return NativeSql.update(insert, id, orgId, userId, request.status().wire(), Notes.normalize(request.note()),
                    rule.from(), rule.until(), days, rule.repeatUntil(), first.get().start(), first.get().end())
                    .flatMap(done -> presence.userChanged(orgId, userId))
                    .flatMap(done -> NativeSql.row("SELECT " + COLUMNS + FROM + "WHERE s.id = $1", id))
                    .map(stored -> Stored.of(stored).view());
        });
    }

    /** Deleting a schedule whose window holds now ends that window now: the status returns as at its end. */
    @WithTransaction
    public Uni<Void> delete(UUID orgId, UUID userId, UUID id) {
        return NativeSql.row("SELECT id FROM schedules WHERE id = $1 AND user_id = $2 AND org_id = $3 FOR UPDATE", id, userId, orgId)
                .flatMap(row -> {
                    if (row == null) {
                        throw ApiException.notFound("schedule");
                    }
                    return NativeSql.rows("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE", userId);
                })
                .flatMap(locked -> NativeSql.update(RESTORE, userId, id))
                .flatMap(restored -> NativeSql.update("DELETE FROM schedules WHERE id = $1", id))
                .flatMap(deleted -> presence.userChanged(orgId, userId));
    }

    /**
     * After a time zone change, in the caller's transaction: the waiting windows of user
     * {@code userId} (null: of every member who follows the organization's zone) are computed
     * again in the new zone; a window that holds now keeps its end. Rows a timer is handling right
     * now are skipped (it computes their next window itself), so this never waits for a timer.
     */
    public Uni<Void> rezone(UUID orgId, UUID userId) {
        String sql = "SELECT " + COLUMNS + FROM + "WHERE s.org_id = $1 AND NOT s.running AND s.next_start IS NOT NULL "
                + "AND (s.user_id = $2 OR $2::uuid IS NULL AND u.time_zone IS NULL) FOR UPDATE OF s SKIP LOCKED";
        return NativeSql.rows(sql, orgId, userId).flatMap(rows -> {
            Instant now = Instant.now();
            Map<UUID, UUID> orgByUser = new LinkedHashMap<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Object[] row : rows) {
                Stored schedule = Stored.of(row);
                orgByUser.put(schedule.userId(), orgId);
                Optional<ScheduleWindows.Window> next = ScheduleWindows.next(schedule.rule(), ZoneId.of(schedule.zone()), now);
                chain = chain.flatMap(ignored -> advance(schedule.id(), next));
            }
            return chain.flatMap(ignored -> presence.usersChanged(orgByUser));
        });
    }

    private static Uni<Void> advance(UUID scheduleId, Optional<ScheduleWindows.Window> next) {
        Instant start = next.map(ScheduleWindows.Window::start).orElse(null);
        return NativeSql.update(ADVANCE, scheduleId, false, start, next.map(ScheduleWindows.Window::end).orElse(null), start)
                .replaceWithVoid();
    }

    /**
     * One timer step, in the caller's transaction: claims the schedules due now ({@code FOR UPDATE
     * SKIP LOCKED}, so with several replicas each start and end is handled by exactly one),
     * applies or ends their windows, moves each to its next window and re-publishes the users.
     */
    public Uni<Void> applyDue() {
        String due = "SELECT " + COLUMNS + FROM + "WHERE s.next_at <= statement_timestamp() ORDER BY s.next_at LIMIT " + BATCH
                + " FOR UPDATE OF s SKIP LOCKED";
        return NativeSql.rows(due).flatMap(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Stored> claimed = rows.stream().map(Stored::of).toList();
            Map<UUID, UUID> orgByUser = new LinkedHashMap<>();
            claimed.forEach(s -> orgByUser.put(s.userId(), s.orgId()));
            Instant now = Instant.now();
            Uni<Void> chain = NativeSql.rows("SELECT id FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE",
                    NativeSql.uuids(orgByUser.keySet())).replaceWithVoid();
            for (Stored schedule : claimed) {
                chain = chain.flatMap(ignored -> step(schedule, now));
            }
            return chain.flatMap(ignored -> presence.usersChanged(orgByUser));
        });
    }

    private static Uni<Void> step(Stored schedule, Instant now) {
        if (!schedule.running() && schedule.nextEnd().isAfter(now)) {
            return NativeSql.update(APPLY, schedule.userId(), schedule.id(), schedule.status().wire(), schedule.note())
                    .flatMap(applied -> NativeSql.update(ADVANCE, schedule.id(), true, schedule.nextStart(), schedule.nextEnd(),
                            schedule.nextEnd()))
                    .replaceWithVoid();
        }
        // The window ends (or was missed entirely while no replica ran): restore, then the next one.
        Uni<Integer> restored = schedule.running() ? NativeSql.update(RESTORE, schedule.userId(), schedule.id())
                : Uni.createFrom().item(0);
        Optional<ScheduleWindows.Window> next = ScheduleWindows.next(schedule.rule(), ZoneId.of(schedule.zone()),
                schedule.nextEnd().isAfter(now) ? schedule.nextEnd() : now);
        return restored.flatMap(done -> advance(schedule.id(), next));
    }

    // --- validation -------------------------------------------------------------------------------

    private static Rule validate(CreateSchedule request, ZoneId zone, Instant now) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (request.status() == null) {
            errors.add(new Problem.FieldError("status", "is required"));
        }
        String noteProblem = Notes.problem(Notes.normalize(request.note()));
        if (noteProblem != null) {
            errors.add(new Problem.FieldError("note", noteProblem));
        }
        LocalDateTime from = parse(errors, "from", request.from(), zone);
        LocalDateTime until = parse(errors, "until", request.until(), zone);
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        LocalDate repeatUntil = null;
        if (request.repeat() != null) {
            List<String> weekdays = request.repeat().weekdays();
            if (weekdays == null || weekdays.isEmpty() || weekdays.size() > 7) {
                errors.add(new Problem.FieldError("repeat.weekdays", "must list 1 to 7 days: mon, tue, wed, thu, fri, sat, sun"));
            } else {
                for (String day : weekdays) {
                    DayOfWeek parsed = day == null ? null : weekdayOrNull(day);
                    if (parsed == null || !days.add(parsed)) {
                        errors.add(new Problem.FieldError("repeat.weekdays", "must list distinct days of mon, tue, wed, thu, fri, sat, sun"));
                        break;
                    }
                }
            }
            repeatUntil = request.repeat().until();
        }
        LocalDate today = LocalDateTime.ofInstant(now, zone).toLocalDate();
        if (from != null && until != null) {
            Duration span = Duration.between(from, until);
            if (!until.isAfter(from)) {
                errors.add(new Problem.FieldError("until", "must be after from"));
            } else if (days.isEmpty() && span.compareTo(MAX_ONE_OFF) > 0) {
                errors.add(new Problem.FieldError("until", "must be at most 31 days after from"));
            } else if (!days.isEmpty() && span.compareTo(Duration.ofDays(shortestGap(days))) > 0) {
                errors.add(new Problem.FieldError("until", "a repeated window must end before the next one starts (at most "
                        + shortestGap(days) + " days after from)"));
            }
            if (from.toLocalDate().isAfter(today.plusYears(1))) {
                errors.add(new Problem.FieldError("from", "must be at most one year ahead"));
            }
            if (repeatUntil != null && (repeatUntil.isBefore(from.toLocalDate()) || repeatUntil.isAfter(from.toLocalDate().plusYears(2)))) {
                errors.add(new Problem.FieldError("repeat.until", "must be a date from the date of from to two years after it"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new Rule(from, until, days, repeatUntil);
    }

    /** The fewest days from one listed weekday to the next (7 when only one is listed). */
    static long shortestGap(Set<DayOfWeek> days) {
        List<Integer> sorted = days.stream().map(DayOfWeek::getValue).sorted().toList();
        long gap = 7;
        for (int i = 0; i < sorted.size(); i++) {
            int next = i + 1 < sorted.size() ? sorted.get(i + 1) : sorted.get(0) + 7;
            gap = Math.min(gap, next - sorted.get(i));
        }
        return gap;
    }

    private static LocalDateTime parse(List<Problem.FieldError> errors, String field, String text, ZoneId zone) {
        if (text == null) {
            errors.add(new Problem.FieldError(field, "is required"));
            return null;
        }
        if (text.length() <= 40) {
            try {
                return LocalDateTime.parse(text);
            } catch (DateTimeException local) {
                try {
                    return OffsetDateTime.parse(text).atZoneSameInstant(zone).toLocalDateTime();
                } catch (DateTimeException offset) {
                    // reported below
                }
            }
        }
        errors.add(new Problem.FieldError(field, "must be a local date-time such as 2026-12-11T13:00 (or a time with an offset)"));
        return null;
    }

    static String wire(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT);
    }

    private static DayOfWeek weekdayOrNull(String wire) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (wire(day).equals(wire)) {
                return day;
            }
        }
        return null;
    }

    private static DayOfWeek weekday(String wire) {
        DayOfWeek day = weekdayOrNull(wire);
        if (day == null) {
            throw new IllegalStateException("stored weekday " + wire);
        }
        return day;
    }

    private static LocalDateTime local(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }
}
