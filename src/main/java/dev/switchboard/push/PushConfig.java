package dev.switchboard.push;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code switchboard.push.*}: every key can come from the environment the usual way, e.g.
 * {@code SWITCHBOARD_PUSH_FCM_SERVICE_ACCOUNT_FILE}. See docs/push.md.
 */
@ConfigMapping(prefix = "switchboard.push")
public interface PushConfig {

    /** How long an incoming-call wake-up waits for the app before answering NAK. */
    @WithDefault("4S")
    Duration callDeadline();

    /** How often the call push is repeated while waiting. */
    @WithDefault("1S")
    Duration callRepushInterval();

    /**
     * Public base URL of this service (e.g. {@code https://switchboard.example.com}); the call
     * push then carries an absolute response URL. Without it the URL is the path alone.
     */
    Optional<String> publicBaseUrl();

    @WithDefault("20")
    int maxDevicesPerAccount();

    @WithDefault("100")
    int maxWatchesPerUser();

    /** Per HTTP request to a provider (connect + response). */
    @WithDefault("5S")
    Duration sendTimeout();

    Tls tls();

    Fcm fcm();

    Apns apns();

    Outbox outbox();

    interface Tls {
        /**
         * A PEM file of CA certificates to trust instead of the JVM's default trust store: for a
         * test provider or an intercepting corporate proxy. Leave unset in production.
         */
        Optional<String> trustCertificateFile();
    }

    interface Fcm {
        /** The Firebase service-account key file (JSON, as downloaded from the console). */
        Optional<String> serviceAccountFile();

        /** The same JSON inline (e.g. from a Kubernetes secret); used when no file is set. */
        Optional<String> serviceAccountJson();

        /** Defaults to the service account's {@code project_id}. */
        Optional<String> projectId();

        @WithDefault("https://fcm.googleapis.com")
        String endpoint();

        /** Defaults to the service account's {@code token_uri}, else https://oauth2.googleapis.com/token. */
        Optional<String> tokenEndpoint();
    }

    interface Apns {
        /** The 10-character Team ID: the provider token's {@code iss}. */
        Optional<String> teamId();

        /** The 10-character Key ID of the .p8 key: the provider token's {@code kid}. */
        Optional<String> keyId();

        /** The .p8 signing key file (PKCS#8 PEM, EC P-256). */
        Optional<String> privateKeyFile();

        /** The same PEM inline; used when no file is set. */
        Optional<String> privateKey();

        @WithDefault("https://api.push.apple.com")
        String endpoint();

        /** For devices registered with {@code sandbox: true} (development builds). */
        @WithDefault("https://api.sandbox.push.apple.com")
        String sandboxEndpoint();

        /** Apple wants a new provider token at most every 20 and at least every 60 minutes. */
        @WithDefault("50M")
        Duration tokenRefresh();
    }

    interface Outbox {
        /** Whether this replica delivers queued notifications (all replicas may). */
        @WithDefault("true")
        boolean workerEnabled();

        @WithDefault("1S")
        Duration interval();

        @WithDefault("50")
        int batchSize();

        /** After this many failed attempts a notification is dead-lettered. */
        @WithDefault("12")
        int maxAttempts();

        @WithDefault("2S")
        Duration initialBackoff();

        @WithDefault("10M")
        Duration maxBackoff();

        /** A notification not delivered within this time is dead-lettered as expired. */
        @WithDefault("1H")
        Duration maxAge();

        /** How long a claimed row stays claimed; a replica dying mid-send frees it after this. */
        @WithDefault("60S")
        Duration lease();

        @WithDefault("24H")
        Duration deliveredRetention();

        @WithDefault("168H")
        Duration deadRetention();
    }
}
