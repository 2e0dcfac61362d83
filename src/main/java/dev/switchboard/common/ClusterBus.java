package dev.switchboard.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.hibernate.reactive.engine.ReactiveAfterTransactionCompletionProcess;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.session.ReactiveSession;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * Messages between replicas, over PostgreSQL NOTIFY on one channel: the only class that sends
 * NOTIFY and the only one that LISTENs. Features define their messages ({@link Message}, each a
 * record with a {@link Kind}) and provide a {@link Handler} bean per kind (a class, or a producer of
 * {@link Handler#of}); the bus knows none of them.
 *
 * <p>Sending: {@link #publish(Message)} inside the current Hibernate Reactive transaction,
 * {@link #publish(SqlClient, Message)} on a Vert.x connection (inside its transaction) or a pool (at
 * once). A notification sent in a transaction is delivered if and only if it commits, in commit
 * order; {@link #publishWith} sends them in the same statement as the writes they announce (one
 * round trip), and {@link #deliverHereOnCommit} hands a message to this replica right after the
 * commit. Payloads are {@code <prefix>:<fields>}: ids and numbers, and a message may carry data
 * (an org event its encoded frame) as long as the payload stays within NOTIFY's 7,999 bytes;
 * beyond that its {@link Message#fallback} (the key alone) is sent and receivers read the data.
 *
 * <p>Receiving: one dedicated LISTEN connection per replica. NOTIFY is not durable, so after every
 * (re)subscribe, once LISTEN is in place, every handler's {@link Handler#resync} runs and reads what
 * it may have missed. The first connect is retried here because the client's reconnect policy only
 * covers connections that were established. Readiness is DOWN while not listening ({@link Listening}).
 */
@ApplicationScoped
public class ClusterBus {

    /** The PostgreSQL channel (tests send to it by hand). */
    public static final String CHANNEL = "switchboard_presence";

    /** NOTIFY refuses 8000 bytes and more, aborting the sender's transaction. */
    static final int MAX_PAYLOAD_BYTES = 7999;

    private static final Logger LOG = Logger.getLogger(ClusterBus.class);

    /** A message between replicas: a record whose fields are ids and numbers, and at most one text last. */
    public interface Message {

        Kind<?> kind();

        /** The fields, joined with {@code :}; {@link Kind#decoder} reads them back. */
        String body();

        /**
         * What is sent instead when this message exceeds NOTIFY's limit (e.g. the same key without
         * the data it carries, for the receivers to read). By default there is nothing smaller.
         */
        default Message fallback() {
            return this;
        }
    }

    /**
     * A kind of message: its prefix on the wire (lower-case letters) and how its body is read back.
     * Each message record holds its kind as a constant.
     */
    public record Kind<M extends Message>(String prefix, Function<String, M> decoder) {

        public Kind {
            if (!prefix.matches("[a-z]+")) {
                throw new IllegalArgumentException("A message prefix is lower-case letters: " + prefix);
            }
        }
    }

    /**
     * What this replica does on one kind of message. Runs on the listening connection's event loop:
     * decode and hand off, no blocking or Hibernate work here.
     */
    public interface Handler<M extends Message> {

        Kind<M> kind();

        void handle(M message);

        /** The bus (re)subscribed: messages sent meanwhile may have been lost. */
        default void resync() {
        }

        /** A handler made of what it does on each message and after a resubscribe. */
        static <M extends Message> Handler<M> of(Kind<M> kind, Consumer<M> handle, Runnable resync) {
            return new Route<>(kind, handle, resync);
        }

        static <M extends Message> Handler<M> of(Kind<M> kind, Consumer<M> handle) {
            return new Route<>(kind, handle, () -> { });
        }
    }

    private record Route<M extends Message>(Kind<M> kind, Consumer<M> handle, Runnable onResync) implements Handler<M> {

        @Override
        public void handle(M message) {
            handle.accept(message);
        }

        @Override
        public void resync() {
            onResync.run();
        }
    }

    /** Splits a message body into exactly {@code count} fields (for {@link Kind#decoder}s). */
    public static String[] fields(String body, int count) {
        String[] fields = body.split(":", -1);
        if (fields.length != count) {
            throw new IllegalArgumentException("Expected " + count + " fields in " + body);
        }
        return fields;
    }

    /** Splits a body into at most {@code count} fields, the last one keeping any {@code :} (a text field). */
    public static String[] leadingFields(String body, int count) {
        return body.split(":", count);
    }

    /**
     * {@code <prefix>:<body>}, or its {@link Message#fallback} when NOTIFY would refuse it (it
     * counts UTF-8 bytes, and an oversize NOTIFY aborts the sender's transaction); refused when
     * that is still too long.
     */
    static String payload(Message message) {
        String payload = message.kind().prefix() + ":" + message.body();
        if (fits(payload)) {
            return payload;
        }
        Message smaller = message.fallback();
        if (smaller != message) {
            return payload(smaller);
        }
        throw new IllegalArgumentException("A cluster message is limited to " + MAX_PAYLOAD_BYTES + " bytes: "
                + payload.substring(0, 80) + "…");
    }

    /** A UTF-8 character is at most 3 bytes per UTF-16 unit: most payloads need no encoding to tell. */
    private static boolean fits(String payload) {
        return payload.length() * 3 <= MAX_PAYLOAD_BYTES || payload.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES;
    }

    private static final String NOTIFY = "SELECT pg_notify($1, $2)";

    private final Vertx vertx;
    private final Instance<Handler<?>> handlerBeans;
    private final Optional<String> url;
    private final Optional<String> user;
    private final Optional<String> password;
    private volatile Map<String, Handler<?>> handlers = Map.of();
    private volatile PgSubscriber subscriber;
    private volatile boolean listening;
    private volatile boolean stopping;

    public ClusterBus(Vertx vertx, Instance<Handler<?>> handlers,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.handlerBeans = handlers;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    // --- sending ---------------------------------------------------------------------------------

    /** To every replica (this one included) if and only if the current Hibernate Reactive transaction commits. */
    public Uni<Void> publish(Message message) {
        return publishWith(List.of(), List.of(), List.of(message));
    }

    /**
     * Runs {@code statements} and sends {@code messages} in one SQL statement (one round trip),
     * in the current Hibernate Reactive transaction: the messages are delivered if and only if it
     * commits, with what the statements wrote. Each statement is an INSERT, UPDATE or DELETE
     * without RETURNING whose placeholders ($1, $2, …) are {@code params}; they run as
     * data-modifying {@code WITH} queries, all on one snapshot, so none sees another's rows.
     */
    public Uni<Void> publishWith(List<String> statements, List<Object> params, List<? extends Message> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("Nothing to publish");
        }
        StringBuilder sql = new StringBuilder(256);
        for (int i = 0; i < statements.size(); i++) {
            sql.append(i == 0 ? "WITH " : ", ").append('w').append(i).append(" AS (").append(statements.get(i)).append(')');
        }
        List<Object> values = new ArrayList<>(params);
        values.add(CHANNEL);
        int channel = values.size();
        sql.append(statements.isEmpty() ? "SELECT " : " SELECT ");
        for (int i = 0; i < messages.size(); i++) {
            values.add(payload(messages.get(i)));
            sql.append(i == 0 ? "" : ", ").append("pg_notify($").append(channel).append(", $").append(values.size()).append(')');
        }
        return NativeSql.rows(sql.toString(), values.toArray()).replaceWithVoid();
    }

    /**
     * Hands {@code message} to this replica's own handler as soon as the current Hibernate Reactive
     * transaction has committed (nothing when it rolls back), without waiting for its NOTIFY to come
     * back. That NOTIFY, sent as usual, then arrives as a duplicate: only for messages whose handler
     * ignores what it already has. Runs on the writer's context, after the commit.
     */
    public Uni<Void> deliverHereOnCommit(Message message) {
        return Panache.getSession().invoke(session -> ((MutinySessionImpl) session).unwrap(ReactiveSession.class).getReactiveActionQueue()
                .registerProcess((ReactiveAfterTransactionCompletionProcess) (committed, ignored) -> {
                    if (committed) {
                        deliverHere(message);
                    }
                    return CompletableFuture.completedFuture(null);
                })).replaceWithVoid();
    }

    private void deliverHere(Message message) {
        Handler<?> handler = handlers.get(message.kind().prefix());
        if (handler == null) {
            return;
        }
        try {
            handleTyped(handler, message);
        } catch (RuntimeException e) {
            // the commit has happened: its NOTIFY still brings the message here
            LOG.warnf("Local delivery of %s failed (%s)", message, e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> void handleTyped(Handler<M> handler, Message message) {
        handler.handle((M) message);
    }

    /** On {@code client}: a connection in a transaction (delivered if it commits) or a pool (at once). */
    public Uni<Void> publish(SqlClient client, Message message) {
        return client.preparedQuery(NOTIFY).execute(Tuple.of(CHANNEL, payload(message))).replaceWithVoid();
    }

    // --- receiving -------------------------------------------------------------------------------

    void start(@Observes StartupEvent event) {
        handlers = routes(handlerBeans.stream().toList());
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
                LOG.warn("Cluster bus connection lost; reconnecting");
                connectWithRetry(0);
            }
        });
        subscriber.channel(CHANNEL)
                .subscribeHandler(ignored -> {
                    listening = true;
                    LOG.debug("Listening on the cluster bus; resynchronizing");
                    handlers.values().forEach(Handler::resync);
                })
                .handler(payload -> dispatch(handlers, payload));
        connectWithRetry(0);
    }

    /** Handlers by prefix; two for one prefix is a programming error. */
    static Map<String, Handler<?>> routes(Collection<Handler<?>> handlers) {
        Map<String, Handler<?>> routes = new TreeMap<>();
        for (Handler<?> handler : handlers) {
            Handler<?> clash = routes.put(handler.kind().prefix(), handler);
            if (clash != null) {
                throw new IllegalStateException("Two cluster bus handlers for prefix " + handler.kind().prefix() + ": "
                        + clash.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
        return Map.copyOf(routes);
    }

    /** Decodes the payload with its kind and hands it to its handler; unknown and malformed payloads are logged and dropped. */
    static void dispatch(Map<String, Handler<?>> handlers, String payload) {
        int colon = payload.indexOf(':');
        Handler<?> handler = colon < 0 ? null : handlers.get(payload.substring(0, colon));
        if (handler == null) {
            LOG.debugf("Ignoring unknown cluster message %s", payload);
            return;
        }
        try {
            deliver(handler, payload.substring(colon + 1));
        } catch (RuntimeException e) {
            LOG.warnf("Ignoring malformed cluster message %s (%s)", payload, e.toString());
        }
    }

    private static <M extends Message> void deliver(Handler<M> handler, String body) {
        handler.handle(handler.kind().decoder().apply(body));
    }

    private void connectWithRetry(int attempt) {
        if (stopping) {
            return;
        }
        subscriber.connect().onFailure(failure -> {
            listening = false;
            long delay = Math.min(5_000L, 250L * (attempt + 1));
            LOG.warnf("Cannot listen on the cluster bus yet (%s); retrying in %d ms", failure.getMessage(), delay);
            vertx.setTimer(delay, id -> connectWithRetry(attempt + 1));
        });
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

    /** Readiness: DOWN while not listening. Named as before the bus existed, for the probes and dashboards that look for it. */
    @Readiness
    @ApplicationScoped
    static class Listening implements HealthCheck {

        private final ClusterBus bus;

        Listening(ClusterBus bus) {
            this.bus = bus;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("Presence event channel").status(bus.listening()).build();
        }
    }
}
