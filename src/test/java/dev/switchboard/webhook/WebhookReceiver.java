package dev.switchboard.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * A real HTTP receiver on loopback: records every request it accepts and answers with whatever
 * status it is told to ({@link #answer}); 0 closes the connection unanswered, {@link #HOLD} never
 * answers (a receiver that hangs). {@link #stop} takes it down altogether (connecting is refused)
 * and {@link #start} brings it back on the same port. Signatures are checked
 * by the tests with the published Standard Webhooks library, not with the service's own code.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received: its path, the headers that matter and the exact body. */
    record Received(String path, String id, String timestamp, String signature, String body, int answeredWith,
            int senderPort) {

        JsonObject json() {
            return new JsonObject(body);
        }

        String type() {
            return json().getString("type");
        }

        Long seq() {
            return json().getLong("seq");
        }

        /** Throws unless the published library accepts the signature. */
        void verify(String secret) throws WebhookVerificationException {
            new Webhook(secret).verify(body, Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(timestamp),
                    "webhook-signature", List.of(signature)));
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final int port;
    private volatile HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final List<HttpServerRequest> held = new ArrayList<>();
    private volatile int status = 204;

    /** An {@link #answer} that leaves the request unanswered and the connection open. */
    static final int HOLD = -1;

    WebhookReceiver() throws Exception {
        server = listen(0);
        port = server.actualPort();
    }

    private HttpServer listen(int onPort) throws Exception {
        return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            int answer = status;
            synchronized (received) {
                received.add(new Received(request.path(), request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                        request.getHeader("webhook-signature"), body.toString(), answer, request.remoteAddress().port()));
            }
            if (answer == HOLD) {
                synchronized (held) {
                    held.add(request);
                }
                return;
            }
            if (answer == 0) {
                request.connection().close();
            } else {
                request.response().setStatusCode(answer).end();
            }
        })).listen(onPort, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Closes the server socket and every connection to it: from now on connecting is refused. */
    void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Listens again, on the port it had ({@link #url} stays valid). */
    void start() throws Exception {
        server = listen(port);
    }

    /** From now on answer every request with this status (0: close the connection without answering; {@link #HOLD}). */
    void answer(int statusCode) {
        status = statusCode;
    }

    /** What was answered with a 2xx, in arrival order. */
    List<Received> accepted() {
        synchronized (received) {
            return received.stream().filter(r -> r.answeredWith() >= 200 && r.answeredWith() < 300).toList();
        }
    }

    /** Answers every request held so far with {@code statusCode}, late (they stay {@link #HOLD} in {@link #all}). */
    void release(int statusCode) {
        synchronized (held) {
            held.forEach(request -> request.response().setStatusCode(statusCode).end());
            held.clear();
        }
    }

    /** What was answered with a 2xx at {@code path}, in arrival order. */
    List<Received> accepted(String path) {
        return accepted().stream().filter(r -> r.path().equals(path)).toList();
    }

    List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() throws Exception {
        CompletableFuture<Void> closed = vertx.close().toCompletionStage().toCompletableFuture();
        closed.get(10, TimeUnit.SECONDS);
    }
}
