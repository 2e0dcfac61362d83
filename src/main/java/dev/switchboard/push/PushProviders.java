package dev.switchboard.push;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.switchboard.common.SwitchboardConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * The configured push providers. Either may be absent: the service still starts, says so once in
 * the log, and pushes to that provider end as {@link PushResult.NotConfigured}. A provider that is
 * configured halfway (e.g. an APNs key without a team id) or with an unreadable key stops the start,
 * naming what is wrong: a silent misconfiguration would only show as phones that never ring.
 */
@ApplicationScoped
public class PushProviders {

    private static final Logger LOG = Logger.getLogger(PushProviders.class);

    private final SwitchboardConfig.Push config;
    private final Vertx vertx;
    private final MeterRegistry metrics;
    private volatile WebClient client;
    private volatile FcmSender fcm;
    private volatile ApnsSender apns;

    public PushProviders(SwitchboardConfig config, Vertx vertx, MeterRegistry metrics) {
        this.config = config.push();
        this.vertx = vertx;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        client = WebClient.create(vertx, clientOptions());
        fcm = fcm();
        apns = apns();
        List<String> lines = new ArrayList<>();
        lines.add(fcm != null ? "FCM: " + fcm.describe()
                : "FCM: not configured (set SWITCHBOARD_PUSH_FCM_SERVICE_ACCOUNT_FILE)");
        lines.add(apns != null ? "APNs: " + apns.describe()
                : "APNs: not configured (set SWITCHBOARD_PUSH_APNS_TEAM_ID, _KEY_ID and _PRIVATE_KEY_FILE)");
        if (fcm == null && apns == null) {
            lines.add("Without a provider, incoming-call wake-ups answer NAK \"push not configured\" and watch "
                    + "notifications wait in the outbox until they are dead-lettered (docs/push.md)");
        }
        LOG.info("Mobile push delivery:\n  " + String.join("\n  ", lines));
        if (fcm != null) {
            // The first wake-up must not wait for the OAuth exchange; and bad credentials show at once.
            fcm.accessToken().subscribe().with(token -> LOG.debug("FCM access token prefetched"),
                    failure -> LOG.warnf("Could not obtain an FCM access token yet (pushes will retry it): %s", failure.getMessage()));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (client != null) {
            client.close();
        }
    }

    public boolean configured(String platform) {
        return PushTarget.FCM.equals(platform) ? fcm != null : PushTarget.APNS.equals(platform) && apns != null;
    }

    /**
     * Never fails: every outcome, a network error included, is a {@link PushResult}. Counted in
     * {@code switchboard_push_sent_total{platform, kind, result}}.
     */
    Uni<PushResult> send(PushTarget target, PushMessage message) {
        return dispatch(target, message).invoke(result -> metrics.counter("switchboard.push.sent", "platform", target.platform(),
                "kind", message.kind().name().toLowerCase(), "result", result.getClass().getSimpleName().toLowerCase()).increment());
    }

    private Uni<PushResult> dispatch(PushTarget target, PushMessage message) {
        FcmSender fcmSender = fcm;
        ApnsSender apnsSender = apns;
        if (PushTarget.FCM.equals(target.platform()) && fcmSender != null) {
            return fcmSender.send(target, message);
        }
        if (PushTarget.APNS.equals(target.platform()) && apnsSender != null) {
            return apnsSender.send(target, message);
        }
        return Uni.createFrom().item(new PushResult.NotConfigured(target.platform()));
    }

    private WebClientOptions clientOptions() {
        // HTTP/2 negotiated by ALPN over TLS (APNs speaks nothing else; FCM accepts it too), with
        // HTTP/1.1 as the ALPN fallback. One connection multiplexes all concurrent pushes.
        WebClientOptions options = new WebClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setUseAlpn(true)
                .setHttp2ClearTextUpgrade(false)
                .setKeepAlive(true)
                .setConnectTimeout((int) config.sendTimeout().toMillis())
                .setUserAgent("switchboard-push")
                .setFollowRedirects(false);
        config.tls().trustCertificateFile().ifPresent(file -> {
            requireReadable(file, "switchboard.push.tls.trust-certificate-file");
            options.setTrustOptions(new PemTrustOptions().addCertPath(file));
        });
        return options;
    }

    private FcmSender fcm() {
        SwitchboardConfig.Push.Fcm settings = config.fcm();
        Optional<String> json = settings.serviceAccountFile()
                .map(file -> read(file, "switchboard.push.fcm.service-account-file"))
                .or(settings::serviceAccountJson)
                .filter(value -> !value.isBlank());
        if (json.isEmpty()) {
            return null;
        }
        FcmSender.ServiceAccount account;
        try {
            account = FcmSender.ServiceAccount.parse(json.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("switchboard.push.fcm: " + e.getMessage());
        }
        String projectId = settings.projectId().filter(p -> !p.isBlank()).orElse(account.projectId());
        if (projectId == null || projectId.isBlank()) {
            throw new IllegalStateException("switchboard.push.fcm.project-id is required (the service account names no project_id)");
        }
        String tokenUrl = settings.tokenEndpoint().filter(t -> !t.isBlank())
                .orElse(account.tokenUri() != null ? account.tokenUri() : "https://oauth2.googleapis.com/token");
        return new FcmSender(client, account, projectId, settings.endpoint(), tokenUrl, config.sendTimeout());
    }

    private ApnsSender apns() {
        SwitchboardConfig.Push.Apns settings = config.apns();
        Optional<String> teamId = settings.teamId().filter(v -> !v.isBlank());
        Optional<String> keyId = settings.keyId().filter(v -> !v.isBlank());
        Optional<String> pem = settings.privateKeyFile().map(file -> read(file, "switchboard.push.apns.private-key-file"))
                .or(settings::privateKey).filter(v -> !v.isBlank());
        if (teamId.isEmpty() && keyId.isEmpty() && pem.isEmpty()) {
            return null;
        }
        if (teamId.isEmpty() || keyId.isEmpty() || pem.isEmpty()) {
            throw new IllegalStateException("switchboard.push.apns needs team-id, key-id and private-key-file (or private-key) together");
        }
        if (settings.tokenRefresh().compareTo(ApnsSender.MIN_REFRESH) < 0 || settings.tokenRefresh().compareTo(ApnsSender.MAX_REFRESH) >= 0) {
            throw new IllegalStateException("switchboard.push.apns.token-refresh must be at least 20 and under 60 minutes");
        }
        try {
            return new ApnsSender(client, teamId.get(), keyId.get(), Jws.privateKey(pem.get(), "EC"), settings.endpoint(),
                    settings.sandboxEndpoint(), settings.tokenRefresh(), config.sendTimeout());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("switchboard.push.apns private key: " + e.getMessage());
        }
    }

    private static String read(String file, String key) {
        requireReadable(file, key);
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalStateException(key + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void requireReadable(String file, String key) {
        if (!Files.isReadable(Path.of(file))) {
            throw new IllegalStateException(key + ": cannot read " + file);
        }
    }
}
