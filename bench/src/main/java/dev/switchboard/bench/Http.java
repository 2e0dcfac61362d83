package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** Asynchronous JSON-over-HTTP to one server on 127.0.0.1, plus helpers to await from the driver thread. */
final class Http {

    record Resp(int status, Buffer body) {
        JsonObject json() {
            return body.length() == 0 ? new JsonObject() : new JsonObject(body);
        }
    }

    final Vertx vertx;
    final HttpClient client;
    final int port;

    Http(Vertx vertx, int port, int poolSize, String localAddress) {
        this.vertx = vertx;
        this.port = port;
        HttpClientOptions options = new HttpClientOptions().setMaxPoolSize(poolSize).setKeepAlive(true)
                .setConnectTimeout(10_000).setIdleTimeout(0).setMaxWaitQueueSize(-1);
        if (localAddress != null) {
            options.setLocalAddress(localAddress);
        }
        this.client = vertx.createHttpClient(options);
    }

    Future<Resp> call(HttpMethod method, String uri, String token, String body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
                .setTimeout(30_000);
        if (token != null) {
            options.putHeader("Authorization", "Bearer " + token);
        }
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        options.putHeader("Accept", "application/json");
        return client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), b)));
    }

    Future<JsonObject> expect(int status, HttpMethod method, String uri, String token, String body) {
        return call(method, uri, token, body).compose(r -> r.status() == status ? Future.succeededFuture(r.json())
                : Future.failedFuture(method + " " + uri + " answered " + r.status() + ": " + r.body()));
    }

    /** Runs {@code n} tasks with at most {@code concurrency} in flight, on the event loop. */
    static <T> Future<List<T>> parallel(Vertx vertx, int n, int concurrency, IntFunction<Future<T>> task) {
        Promise<List<T>> done = Promise.promise();
        List<T> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(null);
        }
        if (n == 0) {
            return Future.succeededFuture(results);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        vertx.runOnContext(v -> {
            for (int k = 0; k < Math.min(concurrency, n); k++) {
                launch(next, finished, n, task, results, done);
            }
        });
        return done.future();
    }

    private static <T> void launch(AtomicInteger next, AtomicInteger finished, int n, IntFunction<Future<T>> task,
            List<T> results, Promise<List<T>> done) {
        int i = next.getAndIncrement();
        if (i >= n) {
            return;
        }
        Future<T> f;
        try {
            f = task.apply(i);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
            if (ar.failed()) {
                done.tryFail(ar.cause());
                return;
            }
            results.set(i, ar.result());
            if (finished.incrementAndGet() == n) {
                done.tryComplete(results);
            } else {
                launch(next, finished, n, task, results, done);
            }
        });
    }

    static <T> T await(Future<T> future) {
        return await(future, 600);
    }

    static <T> T await(Future<T> future, int seconds) {
        CompletableFuture<T> cf = future.toCompletionStage().toCompletableFuture();
        try {
            return cf.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.toString(), e);
        }
    }
}
