package dev.switchboard.push;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.account.VoipAccountRepository;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.PageResponse;
import dev.switchboard.common.PresenceChanges;
import dev.switchboard.common.SafeContext;
import dev.switchboard.common.SwitchboardConfig;
import dev.switchboard.push.PushDeviceDtos.Platform;
import dev.switchboard.push.PushDeviceDtos.PushDeviceView;
import dev.switchboard.push.PushDeviceDtos.RegisterPushDevice;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Push devices of app accounts. A device counts only while the account's owner is the user who
 * registered it (an account linked to someone else no longer wakes the previous owner's phone).
 * Every change that can alter reachability re-derives presence in the same transaction.
 */
@ApplicationScoped
public class PushDeviceService {

    private static final Logger LOG = Logger.getLogger(PushDeviceService.class);
    static final String COLUMNS = "d.id, d.voip_account_id, d.platform, d.token, d.alert_token, d.app_id, d.name, d.sandbox, "
            + "d.created_at, d.updated_at";
    /** Devices that count: registered by the account's current owner. */
    static final String LIVE = "push_devices d JOIN voip_accounts a ON a.id = d.voip_account_id AND a.user_id = d.user_id";

    public record Registered(PushDeviceView device, boolean created) {
    }

    private final VoipAccountRepository accounts;
    private final PresenceChanges presence;
    private final SwitchboardConfig.Push config;
    private final Vertx vertx;
    private final Pool pool;

    public PushDeviceService(VoipAccountRepository accounts, PresenceChanges presence, SwitchboardConfig config, Vertx vertx, Pool pool) {
        this.pool = pool;
        this.accounts = accounts;
        this.presence = presence;
        this.config = config.push();
        this.vertx = vertx;
    }

    /**
     * Registers a device, or updates it when this (platform, token) is already known in the
     * caller's organization — then it may move from another account or user of the organization
     * (the app was reinstalled or signed in as someone else): the latest registration wins.
     * Registrations are per organization: the same token held in another organization is left
     * alone there, and the caller gets a fresh registration exactly as if the token were new.
     */
    @WithTransaction
    public Uni<Registered> register(UUID orgId, UUID userId, RegisterPushDevice request) {
        if (request.platform() == Platform.APNS && !request.token().matches("^[0-9A-Fa-f]{16,400}$")) {
            throw ApiException.validation("token", "an APNs device token is hexadecimal");
        }
        if (request.platform() == Platform.FCM && Boolean.TRUE.equals(request.sandbox())) {
            throw ApiException.validation("sandbox", "applies to APNs devices only");
        }
        if (request.platform() == Platform.FCM && request.alertToken() != null) {
            throw ApiException.validation("alertToken", "applies to APNs devices only (an FCM token serves both)");
        }
        if (request.alertToken() != null && !request.alertToken().matches("^[0-9A-Fa-f]{16,400}$")) {
            throw ApiException.validation("alertToken", "an APNs device token is hexadecimal");
        }
        return accounts.requireInOrg(orgId, request.voipAccountId()).flatMap(account -> {
            if (!userId.equals(account.userId)) {
                throw ApiException.forbidden("Only the owner of the app account may register push devices for it.");
            }
            if (account.kind != DeviceKind.APP) {
                throw ApiException.unprocessable("voipAccountId", "push devices belong to app accounts; this is a " + account.kind.label());
            }
            String existing = "SELECT user_id, org_id FROM push_devices WHERE org_id = $1 AND platform = $2 AND token = $3 FOR UPDATE";
            String others = "SELECT count(*) FROM push_devices WHERE voip_account_id = $1 AND NOT (platform = $2 AND token = $3)";
            String upsert = "INSERT INTO push_devices AS d (id, org_id, user_id, voip_account_id, platform, token, app_id, name, sandbox, "
                    + "alert_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (org_id, platform, token) DO UPDATE SET "
                    + "user_id = excluded.user_id, voip_account_id = excluded.voip_account_id, "
                    + "app_id = excluded.app_id, name = excluded.name, sandbox = excluded.sandbox, "
                    + "alert_token = excluded.alert_token, updated_at = clock_timestamp() "
                    + "RETURNING " + COLUMNS + ", (xmax = 0)";
            String platform = request.platform().wire();
            return NativeSql.rows(existing, orgId, platform, request.token())
                    .flatMap(previous -> NativeSql.value(Long.class, others, account.id, platform, request.token())
                            .flatMap(count -> {
                                if (count >= config.maxDevicesPerAccount()) {
                                    throw ApiException.unprocessable("voipAccountId",
                                            "the app account already has the maximum of " + config.maxDevicesPerAccount() + " push devices");
                                }
                                return NativeSql.row(upsert, UUID.randomUUID(), orgId, userId, account.id, platform, request.token(),
                                        request.appId(), request.name() == null ? "" : request.name().trim(),
                                        Boolean.TRUE.equals(request.sandbox()), request.alertToken());
                            })
                            .flatMap(row -> {
                                List<Object[]> affected = new ArrayList<>(previous);
                                affected.add(new Object[] { userId, orgId });
                                return usersChanged(affected).replaceWith(new Registered(view(row), (Boolean) row[10]));
                            }));
        });
    }

    @WithSession
    public Uni<PageResponse<PushDeviceView>> list(UUID userId, PageRequest page) {
        String sql = "SELECT " + COLUMNS + " FROM " + LIVE + " WHERE d.user_id = $1 ORDER BY d.created_at, d.id LIMIT $2 OFFSET $3";
        String count = "SELECT count(*) FROM " + LIVE + " WHERE d.user_id = $1";
        return NativeSql.rows(sql, userId, page.size(), page.offset())
                .flatMap(rows -> NativeSql.value(Long.class, count, userId)
                        .map(total -> page.respond(rows.stream().map(PushDeviceService::view).toList(), total)));
    }

    /** Another user's device id answers 404 like an unknown one: under /me nothing else exists. */
    @WithTransaction
    public Uni<Void> delete(UUID orgId, UUID userId, UUID id) {
        String sql = "DELETE FROM push_devices WHERE id = $1 AND user_id = $2 AND org_id = $3 RETURNING user_id, org_id";
        return NativeSql.rows(sql, id, userId, orgId)
                .flatMap(rows -> {
                    if (rows.isEmpty()) {
                        throw ApiException.notFound("push device");
                    }
                    return usersChanged(rows);
                });
    }

    /** The devices a call to this app account wakes. */
    Uni<List<PushTarget>> targets(UUID voipAccountId) {
        String sql = "SELECT d.id, d.platform, d.token, d.app_id, d.sandbox FROM " + LIVE
                + " WHERE d.voip_account_id = $1 ORDER BY d.created_at, d.id";
        return NativeSql.rows(sql, voipAccountId)
                .map(rows -> rows.stream().map(row -> new PushTarget((UUID) row[0], (String) row[1], (String) row[2],
                        (String) row[3], (Boolean) row[4])).toList());
    }

    /**
     * APNs says the alert token is dead: only it goes; the device still wakes for calls through
     * its VoIP token, so reachability does not change.
     */
    Uni<Void> removeStaleAlertToken(PushTarget target, String reason) {
        String sql = "UPDATE push_devices SET alert_token = NULL, updated_at = clock_timestamp() WHERE id = $1 AND alert_token = $2";
        return pool.preparedQuery(sql).execute(Tuple.of(target.deviceId(), target.token()))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        LOG.infof("Removed the alert token of push device %s: APNs reports %s", target.deviceId(), reason);
                    }
                }).replaceWithVoid();
    }

    /**
     * The provider says this token is dead: the device goes (with its queued notifications) and
     * the owner's presence is re-derived, in one transaction. Callable from any thread.
     */
    Uni<Void> removeStale(PushTarget target, String reason) {
        String sql = "DELETE FROM push_devices WHERE id = $1 RETURNING user_id, org_id";
        return SafeContext.run(vertx, () -> Panache.withTransaction(() -> NativeSql.rows(sql, target.deviceId())
                .flatMap(rows -> {
                    if (!rows.isEmpty()) {
                        LOG.infof("Removed push device %s (%s): the provider reports %s", target.deviceId(), target.platform(), reason);
                    }
                    return usersChanged(rows);
                })));
    }

    /**
     * Rows of {@code (user_id, org_id)}. All their user rows are locked together, in id order,
     * before any of them is recorded: recording one takes the org's presence sequence row, and a
     * user row locked after that would break the lock order (user rows, then the sequence).
     */
    private Uni<Void> usersChanged(List<Object[]> rows) {
        Map<UUID, UUID> orgByUser = new HashMap<>();
        rows.forEach(row -> orgByUser.put((UUID) row[0], (UUID) row[1]));
        return presence.usersChanged(orgByUser);
    }

    static PushDeviceView view(Object[] row) {
        return new PushDeviceView((UUID) row[0], (UUID) row[1], (String) row[2], (String) row[3], (String) row[4],
                (String) row[5], (String) row[6], (Boolean) row[7], NativeSql.instant(row[8]), NativeSql.instant(row[9]));
    }
}
