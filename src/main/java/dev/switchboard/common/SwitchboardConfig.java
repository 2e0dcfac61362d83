package dev.switchboard.common;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
import jakarta.validation.constraints.Min;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every {@code switchboard.*} setting, with its default, in one place (README.md lists them).
 * Each key can come from the environment the usual way, e.g. {@code switchboard.ws.device-lease}
 * from {@code SWITCHBOARD_WS_DEVICE_LEASE}. Features inject this and read their own group.
 */
@ConfigMapping(prefix = "switchboard")
public interface SwitchboardConfig {

    Auth auth();

    Operator operator();

    Platform platform();

    Sip sip();

    Http http();

    Ws ws();

    Presence presence();

    Timers timers();

    Calls calls();

    @WithName("dev-seed")
    DevSeed devSeed();

    EmbeddedPostgres embeddedPostgres();

    Push push();

    History history();

    Webhooks webhooks();

    /** {@code switchboard.auth.*}: tokens, passwords and the login budget. */
    interface Auth {
        /** How long an access token is valid. */
        @WithDefault("1H")
        Duration tokenLifetime();

        /** bcrypt work factor of stored passwords. */
        @WithDefault("10")
        int bcryptCost();

        /** Users whose credentials version one replica keeps in memory. */
        @WithDefault("100000")
        int credentialsCacheSize();

        /** Verified access tokens one replica remembers until they expire (0: verify every request). */
        @WithDefault("10000")
        int tokenCacheSize();

        Login login();

        interface Login {
            @WithDefault("10")
            int perEmailPerMinute();

            @WithDefault("300")
            int perAddressPerMinute();

            /** Emails and addresses the limiter tracks at most (its memory bound). */
            @WithDefault("100000")
            int maxTrackedKeys();
        }
    }

    /** {@code switchboard.operator.*}: the operator account created at start-up when absent. */
    interface Operator {
        Optional<String> email();

        Optional<String> password();
    }

    /** {@code switchboard.platform.*}: the SIP platform's client credentials, and how its registration reports are taken in. */
    interface Platform {
        Optional<String> clientId();

        Optional<String> clientSecret();

        /**
         * Transactions applying registration changes (a device registering or unregistering: a
         * presence change each) at once; the changes that arrive meanwhile go together into the
         * next one, so a registration storm leaves pooled connections to routing decisions.
         */
        @WithDefault("4")
        @Min(1)
        int registrationChanges();

        /** Registration reports that may wait, of each kind (refreshes, changes); one more is answered 503 with Retry-After. */
        @WithDefault("20000")
        @Min(1)
        int waitingReports();
    }

    /** {@code switchboard.sip.*}. */
    interface Sip {
        /** The digest realm of generated SIP credentials. */
        @WithDefault("switchboard")
        String realm();
    }

    /** {@code switchboard.http.*}. */
    interface Http {
        /** The largest request body (413 problem+json above it). */
        @WithDefault("64K")
        MemorySize maxBodySize();

        /** SO_SNDBUF of accepted connections; unset: the operating system's default. */
        OptionalInt sendBufferBytes();
    }

    /** {@code switchboard.ws.*}: the presence socket. */
    interface Ws {
        @WithDefault("10")
        int maxConnectionsPerUser();

        @WithDefault("20")
        double commandsPerSecond();

        @WithDefault("40")
        int commandBurst();

        /** Frames written but not yet flushed before a socket counts as overflowed. */
        @WithDefault("256")
        int maxQueuedFrames();

        /** The largest message a client may send, in bytes (1009 above it). */
        @WithDefault("16384")
        int maxMessageSize();

        /** How long a device stays "connected" after its last socket closed. */
        @WithDefault("10S")
        Duration deviceGrace();

        /** How long a replica's claim on a device lasts unless renewed. */
        @WithDefault("30S")
        Duration deviceLease();

        /** Lifetime of a single-use socket ticket (at most 30 s). */
        @WithDefault("30S")
        Duration ticketLifetime();
    }

    /** {@code switchboard.presence.*}: the stored event stream. */
    interface Presence {
        /** How long org events are kept for resuming sockets. */
        @WithDefault("10M")
        Duration replayWindow();

        /** A resume missing more events than this gets a fresh snapshot instead. */
        @WithDefault("2000")
        int replayMaxEvents();
    }

    /** {@code switchboard.timers.*}: timed status, registration lapses, stale calls, clean-up. */
    interface Timers {
        @WithDefault("500ms")
        Duration interval();
    }

    /** {@code switchboard.calls.*}. */
    interface Calls {
        /** A call still "in progress" after this long is ended by the timers. */
        @WithDefault("4H")
        Duration maxDuration();

        /** How long ended calls are kept. */
        @WithDefault("1H")
        Duration endedRetention();

        /**
         * Database connections of the routing decisions, apart from the main pool: a call's route
         * never waits for a connection other requests hold, and its statement is planned again
         * after autovacuum on this many connections only (common.DatabasePool).
         */
        @WithDefault("2")
        @Min(1)
        int routeConnections();
    }

    /** {@code switchboard.history.*}: the per-user history (docs/api.md, "History"). */
    interface History {
        /** How long history items are kept. */
        @WithDefault("30D")
        Duration retention();

        /** How often items older than the retention are pruned. */
        @WithDefault("10M")
        Duration pruneInterval();

        /**
         * Items waiting to be written (routing decisions and call outcomes are written in
         * batches, off the answer's path); beyond it new ones are dropped with a warning.
         */
        @WithDefault("10000")
        int maxQueued();
    }

    /** {@code switchboard.dev-seed.*}: demo data in dev mode. */
    interface DevSeed {
        @WithDefault("false")
        boolean enabled();
    }

    /**
     * {@code switchboard.embedded-postgres.*}: the database dev mode starts when none is configured.
     * Read before the application starts, by {@code LocalResourcesConfigSourceFactory} (which uses
     * {@link #DEFAULT_DATA_DIR} when it is unset); declared here so that it is a known key: Quarkus
     * refuses to start on an unknown {@code switchboard.*} key in a file or system property.
     */
    interface EmbeddedPostgres {
        String DEFAULT_DATA_DIR = ".switchboard/dev-postgres";

        /** Where dev mode's embedded database keeps its data (tests use a throw-away one). */
        @WithDefault(DEFAULT_DATA_DIR)
        String dataDir();
    }

    /** {@code switchboard.push.*}: mobile wake-ups, see docs/push.md. */
    interface Push {
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

    /** {@code switchboard.webhooks.*}: an org's signed event deliveries, see docs/api.md and docs/integrations.md. */
    interface Webhooks {
        /**
         * Also allow {@code http://} URLs and loopback, private and link-local addresses: for tests and
         * development only. Off, only {@code https://} to public addresses is accepted and called.
         */
        @WithDefault("false")
        boolean allowInsecure();

        /** Webhooks one organization may have. */
        @WithDefault("10")
        int maxPerOrg();

        /** Per delivery: connecting, sending and the whole response. Keep it below {@code lease}. */
        @WithDefault("10S")
        Duration timeout();

        /** A delivery not accepted within this time of its event is dead-lettered. */
        @WithDefault("24H")
        Duration retryFor();

        /** An endpoint whose every attempt failed for this long is disabled, with the reason. */
        @WithDefault("24H")
        Duration disableAfter();

        @WithDefault("5S")
        Duration initialBackoff();

        @WithDefault("1H")
        Duration maxBackoff();

        /** Whether this replica delivers (all replicas may). */
        @WithDefault("true")
        boolean workerEnabled();

        /** The poll for due retries (a change on this replica starts a round at once). */
        @WithDefault("1S")
        Duration interval();

        @WithDefault("50")
        int batchSize();

        /** How long a claimed delivery stays claimed; a replica dying mid-send frees it after this. */
        @WithDefault("60S")
        Duration lease();

        /** How long delivered and dead deliveries and the attempts log are kept: the replay window. */
        @WithDefault("72H")
        Duration retention();
    }
}
