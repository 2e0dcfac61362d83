package dev.switchboard.availability;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.DestinationType;
import dev.switchboard.account.FixedDestinationRepository;
import dev.switchboard.account.User;
import dev.switchboard.account.UserRepository;
import dev.switchboard.account.UserStatus;
import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.availability.AvailabilityDtos.AvailabilityView;
import dev.switchboard.availability.AvailabilityDtos.SetAvailability;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.Problem;
import dev.switchboard.common.Versions;
import dev.switchboard.common.Messages;
import dev.switchboard.history.Actor;
import dev.switchboard.history.History;
import dev.switchboard.organization.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** A user's chosen availability (status × destination × until) and what it means right now. */
@ApplicationScoped
public class AvailabilityService {

    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final VoipAccountRepository accounts;
    private final FixedDestinationRepository fixedDestinations;
    private final UserSituations situations;
    private final PresenceChanges presence;
    private final Pool pool;
    private final History history;

    public AvailabilityService(UserRepository users, OrganizationRepository organizations, VoipAccountRepository accounts,
            FixedDestinationRepository fixedDestinations, UserSituations situations, PresenceChanges presence, Pool pool,
            History history) {
        this.pool = pool;
        this.history = history;
        this.users = users;
        this.organizations = organizations;
        this.accounts = accounts;
        this.fixedDestinations = fixedDestinations;
        this.situations = situations;
        this.presence = presence;
    }

    private static final String AVAILABILITY_IN_ORG =
            "SELECT status, destination_type, destination_id, status_until, version, note, note_until FROM users WHERE id = $1 AND org_id = $2";

    /** One statement on the pool: a read needs no Hibernate session (a fifth of the REST mix). */
    public Uni<AvailabilityView> get(UUID orgId, UUID userId) {
        return pool.preparedQuery(AVAILABILITY_IN_ORG).execute(Tuple.of(userId, orgId)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiException.notFound("user");
            }
            Row row = rows.iterator().next();
            String destinationType = row.getString(1);
            Destination destination = destinationType == null ? null
                    : new Destination(DestinationType.fromWire(destinationType), row.getUUID(2));
            return new AvailabilityView(UserStatus.fromWire(row.getString(0)), destination, instant(row.getOffsetDateTime(3)),
                    row.getString(5), instant(row.getOffsetDateTime(6)), row.getLong(4));
        });
    }

    /**
     * Applies the change and publishes the resulting presence in the same transaction. A status
     * other than {@code available} may carry {@code until}; when the status changes without one,
     * any previous {@code until} is dropped. What changed goes to the history, with {@code actor}.
     */
    @WithTransaction
    public Uni<AvailabilityView> set(UUID orgId, UUID userId, SetAvailability request, String ifMatch, Actor actor) {
        validate(request);
        return users.requireInOrgForUpdate(orgId, userId).flatMap(user -> {
            Versions.checkIfMatch(ifMatch, user.version);
            Versions.checkBodyVersion(request.version(), user.version);
            return checkOwned(user, request).flatMap(ignored -> {
                AvailabilityView before = AvailabilityView.of(user);
                apply(user, request);
                return users.flush()
                        .flatMap(flushed -> request.destinationPresent() ? selectInPlan(userId, request.destination())
                                : Uni.createFrom().voidItem())
                        .flatMap(planned -> presence.userChanged(orgId, userId))
                        .flatMap(done -> history.write(AvailabilityHistory.changes(actor, orgId, userId, before, AvailabilityView.of(user))))
                        .map(done -> AvailabilityView.of(user));
            });
        });
    }

    /**
     * Selecting a destination makes the call plan that one step, keeping the first step's ring
     * time and every fallback; none: no steps. One statement (the plan's trigger keeps the v1
     * destination columns, just written through the entity, as they are).
     */
    private static final String SELECT_IN_PLAN = "WITH old AS (DELETE FROM call_plan_targets WHERE user_id = $1 RETURNING step, ring_seconds) "
            + "INSERT INTO call_plan_targets (user_id, step, position, ring_seconds, voip_account_id, fixed_destination_id) "
            + "SELECT $1, 1, 1, coalesce((SELECT ring_seconds FROM old ORDER BY step LIMIT 1), " + CallPlan.DEFAULT_RING_SECONDS + "), $2, $3 "
            + "WHERE $2::uuid IS NOT NULL OR $3::uuid IS NOT NULL";

    private static Uni<Void> selectInPlan(UUID userId, Destination destination) {
        UUID voip = destination != null && destination.type() == DestinationType.VOIP_ACCOUNT ? destination.id() : null;
        UUID fixed = destination != null && destination.type() == DestinationType.FIXED_DESTINATION ? destination.id() : null;
        return NativeSql.update(SELECT_IN_PLAN, userId, voip, fixed).replaceWithVoid();
    }

    @WithSession
    public Uni<Reachability> reachability(UUID orgId, UUID userId, Messages m) {
        return users.requireInOrg(orgId, userId)
                .flatMap(user -> organizations.require(orgId).flatMap(org -> situations.load(user, org)))
                .map(loaded -> PresenceDerivation.derive(loaded.situation(), Instant.now(), m).reachability()
                        .withScheduled(loaded.scheduled()));
    }

    private static Instant instant(java.time.OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    static Instant latestUntil(Instant now) {
        return now.atOffset(ZoneOffset.UTC).plusYears(1).toInstant();
    }

    private static void validate(SetAvailability request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (request.statusPresent() && request.status() == null) {
            errors.add(new Problem.FieldError("status", "must not be null"));
        }
        Destination destination = request.destination();
        if (destination != null && (destination.type() == null || destination.id() == null)) {
            errors.add(new Problem.FieldError("destination", "needs both type and id, or null for none"));
        }
        Instant now = Instant.now();
        checkEnd(errors, "until", request.until(), now);
        if (request.until() != null && request.statusPresent() && request.status() == UserStatus.AVAILABLE) {
            errors.add(new Problem.FieldError("until", "applies to a status other than available"));
        }
        String noteProblem = request.notePresent() ? Notes.problem(Notes.normalize(request.note())) : null;
        if (noteProblem != null) {
            errors.add(new Problem.FieldError("note", noteProblem));
        }
        checkEnd(errors, "noteUntil", request.noteUntil(), now);
        if (request.noteUntil() != null && request.notePresent() && Notes.normalize(request.note()) == null) {
            errors.add(new Problem.FieldError("noteUntil", "applies to a note; this change removes it"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }

    /** An end ({@code until}, {@code noteUntil}) must lie ahead, at most a year. */
    private static void checkEnd(List<Problem.FieldError> errors, String field, Instant end, Instant now) {
        if (end == null) {
            return;
        }
        if (!end.isAfter(now)) {
            errors.add(new Problem.FieldError(field, "must be in the future"));
        } else if (end.isAfter(latestUntil(now))) {
            // Far-off times overflow what PostgreSQL stores and flip the status back at once.
            errors.add(new Problem.FieldError(field, "must be at most one year ahead"));
        }
    }

    /** A destination must be one of the user's own devices or fixed destinations (else 422). */
    private Uni<Void> checkOwned(User user, SetAvailability request) {
        Destination destination = request.destination();
        if (!request.destinationPresent() || destination == null) {
            return Uni.createFrom().voidItem();
        }
        Uni<Boolean> owned = destination.type() == DestinationType.VOIP_ACCOUNT
                ? accounts.findById(destination.id()).map(a -> a != null && user.id.equals(a.userId))
                : fixedDestinations.findById(destination.id()).map(f -> f != null && user.id.equals(f.userId));
        return owned.map(ok -> {
            if (!ok) {
                throw ApiException.unprocessable("destination", "is not one of this user's "
                        + (destination.type() == DestinationType.VOIP_ACCOUNT ? "VoIP accounts" : "fixed destinations"));
            }
            return null;
        });
    }

    private static void apply(User user, SetAvailability request) {
        if (request.statusPresent() || request.untilPresent() || request.notePresent() || request.noteUntilPresent()) {
            // A change by hand wins over a scheduled window: its end will not undo this.
            user.scheduleId = null;
        }
        if (request.statusPresent()) {
            if (user.status != request.status() && !request.untilPresent()) {
                user.statusUntil = null;
            }
            user.status = request.status();
        }
        if (request.untilPresent()) {
            user.statusUntil = user.status == UserStatus.AVAILABLE ? null : request.until();
        }
        applyNote(user, request);
        if (request.destinationPresent()) {
            Destination destination = request.destination();
            user.destinationType = destination == null ? null : destination.type();
            user.destinationId = destination == null ? null : destination.id();
        }
    }

    /** Like the status: a new note without {@code noteUntil} drops the old end; no note, no end. */
    private static void applyNote(User user, SetAvailability request) {
        if (request.notePresent()) {
            String note = Notes.normalize(request.note());
            if (!java.util.Objects.equals(note, user.note) && !request.noteUntilPresent()) {
                user.noteUntil = null;
            }
            user.note = note;
        }
        if (request.noteUntilPresent()) {
            user.noteUntil = request.noteUntil();
        }
        if (user.note == null) {
            user.noteUntil = null;
        }
    }
}
