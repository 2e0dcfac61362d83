package dev.switchboard.presence;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.inject.Instance;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * The cross-replica event channel: one dedicated LISTEN connection per replica. NOTIFY is not
 * durable, so after every (re)subscribe the hub re-reads the outbox; the first connect is retried
 * here because the client's reconnect policy only covers connections that were established.
 * Readiness is DOWN while not listening.
 */
@ApplicationScoped
@Readiness
public class PresenceListener implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(PresenceListener.class);

    private final Vertx vertx;
    private final PresenceDelivery hub;
    private final Map<String, ChannelHandler> handlers;
    private final Optional<String> url;
    private final Optional<String> user;
    private final Optional<String> password;
    private volatile PgSubscriber subscriber;
    private volatile boolean listening;
    private volatile boolean stopping;

    public PresenceListener(Vertx vertx, PresenceDelivery hub, Instance<ChannelHandler> handlers,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.hub = hub;
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(ChannelHandler::prefix, Function.identity()));
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        if (url.isEmpty()) {
            return; // SwitchboardMain has already refused to start
        }
        PgConnectOptions options = PgConnectOptions.fromUri(url.get().replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> stopping ? -1L : Math.min(5_000L, 250L * (retries + 1)));
        subscriber.closeHandler(ignored -> {
            listening = false;
            if (!stopping) {
                LOG.warn("Presence event channel lost; reconnecting");
                connectWithRetry(0);
            }
        });
        subscriber.channel(PresencePublisher.CHANNEL)
                .subscribeHandler(ignored -> {
                    listening = true;
                    LOG.debug("Listening for presence events; resynchronizing");
                    hub.resyncAll();
                    handlers.values().forEach(ChannelHandler::resync);
                })
                .handler(this::dispatch);
        connectWithRetry(0);
    }

    private void connectWithRetry(int attempt) {
        if (stopping) {
            return;
        }
        subscriber.connect().onFailure(failure -> {
            listening = false;
            long delay = Math.min(5_000L, 250L * (attempt + 1));
            LOG.warnf("Cannot listen for presence events yet (%s); retrying in %d ms", failure.getMessage(), delay);
            vertx.setTimer(delay, id -> connectWithRetry(attempt + 1));
        });
    }

    /** Payloads: {@code e:<org>:<seq>}, {@code m:<org>:<user>}, {@code d:<org>}; other prefixes go to their {@link ChannelHandler}. */
    void dispatch(String payload) {
        try {
            String[] parts = payload.split(":");
            switch (parts[0]) {
                case "e" -> hub.orgEvent(UUID.fromString(parts[1]), Long.parseLong(parts[2]));
                case "m" -> hub.selfChanged(UUID.fromString(parts[2]));
                case "d" -> hub.orgDeleted(UUID.fromString(parts[1]));
                default -> {
                    ChannelHandler handler = handlers.get(parts[0]);
                    if (handler != null) {
                        handler.handle(payload);
                    } else {
                        LOG.debugf("Ignoring unknown presence notification %s", payload);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("Ignoring malformed presence notification %s", payload);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        listening = false;
        if (subscriber != null) {
            subscriber.close();
        }
    }

    public boolean listening() {
        PgSubscriber current = subscriber;
        return listening && current != null && current.actualConnection() != null;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Presence event channel").status(listening()).build();
    }
}
