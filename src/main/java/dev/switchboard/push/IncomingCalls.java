package dev.switchboard.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.LiveDeviceStates;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.ClusterBus;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.SwitchboardConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The incoming-call wake-up. The platform's request stays open (no thread held) while every push
 * device of the app account gets a high-priority call push, repeated every second, until one of:
 * the app answers {@code POST /api/push/call-responses} (on any replica), the app account registers
 * (platform registration or device socket), every device turns out unreachable, or the deadline.
 *
 * <p>The database is the referee: whoever first sets {@code push_calls.outcome} (… WHERE outcome IS
 * NULL) decides, and a {@link PushMessages.CallDecided} on the cluster bus wakes the replica holding the request. That replica
 * also re-reads the row on every re-push, so a lost notification costs at most a second.
 */
@ApplicationScoped
public class IncomingCalls {

    private static final Logger LOG = Logger.getLogger(IncomingCalls.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    public record IncomingCall(String sipUsername, String callId, String callerId, String callerName) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(String status, String reason) {
        static Outcome ack(String reason) {
            return new Outcome("ACK", reason);
        }

        static Outcome nak(String reason) {
            return new Outcome("NAK", reason);
        }
    }

    /** Either an answer right away, or a stored wake-up to wait for. */
    record Prepared(Outcome immediate, UUID id, List<PushTarget> targets, PushMessage message, Instant deadline) {
        static Prepared now(Outcome outcome) {
            return new Prepared(outcome, null, null, null, null);
        }
    }

    private final VoipAccountRepository accounts;
    private final LiveDeviceStates liveStates;
    private final PushDeviceService devices;
    private final PushProviders providers;
    private final SwitchboardConfig.Push config;
    private final Pool pool;
    private final ClusterBus bus;
    private final Vertx vertx;
    private final MeterRegistry metrics;
    private final Map<UUID, Waiter> waiting = new ConcurrentHashMap<>();

    public IncomingCalls(VoipAccountRepository accounts, LiveDeviceStates liveStates, PushDeviceService devices,
            PushProviders providers, SwitchboardConfig config, Pool pool, ClusterBus bus, Vertx vertx, MeterRegistry metrics) {
        this.metrics = metrics;
        this.accounts = accounts;
        this.liveStates = liveStates;
        this.devices = devices;
        this.providers = providers;
        this.config = config.push();
        this.pool = pool;
        this.bus = bus;
        this.vertx = vertx;
    }

    /** Counted in {@code switchboard_push_wakeups_total{status}}. */
    public Uni<Outcome> wakeUp(IncomingCall call) {
        return Panache.withTransaction(() -> prepare(call)).flatMap(prepared -> prepared.immediate() != null
                ? Uni.createFrom().item(prepared.immediate())
                : Uni.createFrom().<Outcome>emitter(emitter -> new Waiter(prepared, emitter).start()))
                .invoke(outcome -> metrics.counter("switchboard.push.wakeups", "status", outcome.status()).increment());
    }

    /** Checks the account and stores the wake-up with the hash of a fresh callKey (committed before any push). */
    private Uni<Prepared> prepare(IncomingCall call) {
        return accounts.findBySipUsername(call.sipUsername()).flatMap(account -> {
            if (account == null) {
                throw ApiException.notFound("SIP username");
            }
            if (account.kind != DeviceKind.APP) {
                throw ApiException.unprocessable("sipUsername", "only app accounts are woken by push; this is a " + account.kind.label());
            }
            if (account.userId == null) {
                return Uni.createFrom().item(Prepared.now(Outcome.nak("no push device")));
            }
            return liveStates.of(account.id).flatMap(live -> {
                if (live.registered()) {
                    return Uni.createFrom().item(Prepared.now(Outcome.ack("the app is registered")));
                }
                return devices.targets(account.id).flatMap(targets -> {
                    if (targets.isEmpty()) {
                        return Uni.createFrom().item(Prepared.now(Outcome.nak("no push device")));
                    }
                    List<PushTarget> usable = targets.stream().filter(t -> providers.configured(t.platform())).toList();
                    if (usable.isEmpty()) {
                        return Uni.createFrom().item(Prepared.now(Outcome.nak("push not configured")));
                    }
                    UUID id = UUID.randomUUID();
                    String key = newKey();
                    Instant deadline = Instant.now().plus(config.callDeadline());
                    String sql = "INSERT INTO push_calls (id, org_id, voip_account_id, call_id, key_hash, expires_at) "
                            + "VALUES ($1, $2, $3, $4, $5, clock_timestamp() + make_interval(secs => $6))";
                    return NativeSql.update(sql, id, account.orgId, account.id, call.callId(), hash(key),
                            config.callDeadline().toMillis() / 1000.0)
                            .replaceWith(new Prepared(null, id, usable, message(call, key, deadline), deadline));
                });
            });
        });
    }

    private PushMessage message(IncomingCall call, String key, Instant deadline) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("type", "incoming_call");
        data.put("callKey", key);
        data.put("callId", call.callId());
        data.put("callerId", call.callerId());
        if (call.callerName() != null && !call.callerName().isBlank()) {
            data.put("callerName", call.callerName());
        }
        data.put("responseUrl", config.publicBaseUrl().map(FcmSender::trimSlash).orElse("") + CallResponseResource.PATH);
        data.put("expiresAt", deadline.toString());
        String collapse = "call-" + hash(call.callId()).substring(0, 32);
        return new PushMessage(PushMessage.Kind.CALL, Map.copyOf(data), null, null, collapse, deadline);
    }

    /** A decision was announced (any replica): the waiter here, if any, reads it. */
    void wake(UUID id) {
        Waiter waiter = waiting.get(id);
        if (waiter != null) {
            waiter.check();
        }
    }

    /** After the channel was re-subscribed: read every waiting decision again. */
    void recheckAll() {
        waiting.values().forEach(Waiter::check);
    }

    /** One waiting platform request, on this replica. */
    private final class Waiter {
        private final Prepared prepared;
        private final UniEmitter<? super Outcome> emitter;
        private final Set<UUID> alive = ConcurrentHashMap.newKeySet();
        private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicReference<String> lastFailure = new AtomicReference<>("");
        private volatile long repushTimer = -1;
        private volatile long deadlineTimer = -1;

        Waiter(Prepared prepared, UniEmitter<? super Outcome> emitter) {
            this.prepared = prepared;
            this.emitter = emitter;
            prepared.targets().forEach(target -> alive.add(target.deviceId()));
        }

        void start() {
            waiting.put(prepared.id(), this);
            emitter.onTermination(() -> {
                if (done.compareAndSet(false, true)) {
                    // The platform hung up before an answer: close the wake-up for late app replies.
                    cleanup();
                    decide("nak", "the platform cancelled the request").subscribe().with(ignored -> { }, failure -> { });
                }
            });
            long untilDeadline = Math.max(1, Duration.between(Instant.now(), prepared.deadline()).toMillis());
            deadlineTimer = vertx.setTimer(untilDeadline, id -> decideAndComplete("nak",
                    "no answer within " + seconds(config.callDeadline())));
            repushTimer = vertx.setPeriodic(config.callRepushInterval().toMillis(), id -> {
                check();
                pushAll();
            });
            check(); // the answer may have been announced before this waiter was registered
            pushAll();
        }

        private void pushAll() {
            if (done.get()) {
                return;
            }
            for (PushTarget target : prepared.targets()) {
                if (alive.contains(target.deviceId()) && inFlight.add(target.deviceId())) {
                    providers.send(target, prepared.message()).subscribe().with(result -> {
                        inFlight.remove(target.deviceId());
                        onResult(target, result);
                    }, failure -> inFlight.remove(target.deviceId()));
                }
            }
        }

        private void onResult(PushTarget target, PushResult result) {
            if (result instanceof PushResult.Delivered) {
                return;
            }
            LOG.debugf("Call push to device %s: %s", target.deviceId(), result.describe());
            if (result instanceof PushResult.Retry) {
                return;
            }
            alive.remove(target.deviceId());
            lastFailure.set(result.describe());
            if (result instanceof PushResult.Stale stale) {
                devices.removeStale(target, stale.reason()).subscribe().with(ignored -> { },
                        failure -> LOG.warnf("Could not remove stale push device %s: %s", target.deviceId(), failure.toString()));
            }
            if (alive.isEmpty()) {
                decideAndComplete("nak", "no push device could be reached (" + lastFailure.get() + ")");
            }
        }

        /** Reads the stored outcome; completes when someone decided. */
        void check() {
            if (done.get()) {
                return;
            }
            pool.preparedQuery("SELECT outcome, reason FROM push_calls WHERE id = $1").execute(Tuple.of(prepared.id()))
                    .subscribe().with(this::completeFrom,
                            failure -> LOG.debugf("Could not read wake-up %s: %s", prepared.id(), failure.toString()));
        }

        private void decideAndComplete(String outcome, String reason) {
            if (done.get()) {
                return;
            }
            decide(outcome, reason).subscribe().with(rows -> {
                completeFrom(rows);
                check(); // decided concurrently by someone else and not yet visible to that statement
            }, failure -> {
                LOG.warnf("Could not store the outcome of wake-up %s: %s", prepared.id(), failure.toString());
                complete(outcome.equals("ack") ? Outcome.ack(reason) : Outcome.nak(reason));
            });
        }

        /** Sets the outcome unless already decided, and answers the stored row either way. */
        private Uni<RowSet<Row>> decide(String outcome, String reason) {
            String sql = "WITH decided AS (UPDATE push_calls SET outcome = $2, reason = $3, decided_at = clock_timestamp() "
                    + "WHERE id = $1 AND outcome IS NULL RETURNING outcome, reason) "
                    + "SELECT outcome, reason FROM decided UNION ALL "
                    + "SELECT outcome, reason FROM push_calls WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM decided)";
            return pool.preparedQuery(sql).execute(Tuple.of(prepared.id(), outcome, reason));
        }

        private void completeFrom(RowSet<Row> rows) {
            if (rows.size() == 0) {
                complete(Outcome.nak("the wake-up was removed"));
                return;
            }
            Row row = rows.iterator().next();
            String outcome = row.getString("outcome");
            if (outcome != null) {
                String reason = row.getString("reason");
                complete("ack".equals(outcome) ? Outcome.ack(reason) : Outcome.nak(reason));
            }
        }

        private void complete(Outcome outcome) {
            if (done.compareAndSet(false, true)) {
                cleanup();
                emitter.complete(outcome);
            }
        }

        private void cleanup() {
            waiting.remove(prepared.id(), this);
            vertx.cancelTimer(repushTimer);
            vertx.cancelTimer(deadlineTimer);
        }
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- the app's answer ------------------------------------------------------------------------

    /**
     * Settles a wake-up by its callKey (single use, until the deadline) and announces it, in one
     * transaction. Unknown key: 404; already answered, decided or expired: 410.
     */
    public Uni<Void> respond(String callKey, boolean available, String reason) {
        String hash = hash(callKey);
        String decided = available ? "the app answered" : (reason == null || reason.isBlank() ? "the app declined" : reason.trim());
        String settle = "UPDATE push_calls SET outcome = $2, reason = $3, decided_at = clock_timestamp() "
                + "WHERE key_hash = $1 AND outcome IS NULL AND expires_at > clock_timestamp() RETURNING id";
        return pool.withTransaction(connection -> connection.preparedQuery(settle)
                .execute(Tuple.of(hash, available ? "ack" : "nak", decided))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return connection.preparedQuery("SELECT outcome FROM push_calls WHERE key_hash = $1").execute(Tuple.of(hash))
                                .<Void>map(found -> {
                                    if (found.size() == 0) {
                                        throw ApiException.notFound("call key");
                                    }
                                    throw new ApiException(410, "gone", "Gone", found.iterator().next().getString(0) != null
                                            ? "This call key was already used: the call is settled."
                                            : "This call key has expired.", null);
                                });
                    }
                    UUID id = rows.iterator().next().getUUID(0);
                    return bus.publish(connection, new PushMessages.CallDecided(id));
                })).replaceWithVoid();
    }
}
