package dev.switchboard.common;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntConsumer;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A lane for many small requests of one kind: at most {@code concurrency} batches run at once, and
 * the requests that arrive meanwhile wait in arrival order and go together into the next batch (up
 * to {@code maxBatch}; a request whose key is already in the batch waits for the one after, so a
 * batch never holds two requests of one key). Alone, a request is a batch of one at once.
 *
 * <p>A batch runs on the Vert.x context its first request was submitted from (what it runs may
 * belong to a context: a Hibernate Reactive session lives in one), and each answer is delivered on
 * its own request's context. At most {@code maxWaiting} wait; one more is refused at once with
 * {@link ServiceBusyException}.
 *
 * @param <T> a request
 * @param <R> its answer
 */
public final class BatchLane<T, R> {

    /** Runs one batch: an outcome per request, in the batch's order, an answer or the Throwable that request fails with. */
    @FunctionalInterface
    public interface Runner<T> {
        Uni<List<Object>> run(List<T> batch);
    }

    private record Waiting<T, R>(T request, Context context, UniEmitter<? super R> answer) {

        @SuppressWarnings("unchecked")
        void deliver(Object outcome) {
            Runnable deliver = () -> {
                if (outcome instanceof Throwable failure) {
                    answer.fail(failure);
                } else {
                    answer.complete((R) outcome);
                }
            };
            if (context == null) {
                deliver.run();
            } else {
                context.runOnContext(ignored -> deliver.run());
            }
        }
    }

    private final String what;
    private final int concurrency;
    private final int maxBatch;
    private final int maxWaiting;
    private final Function<T, Object> key;
    private final Comparator<T> order;
    private final Runner<T> runner;
    private final IntConsumer batchSizes;
    private final ArrayDeque<Waiting<T, R>> waiting = new ArrayDeque<>();
    private int running;

    /**
     * @param what       how a refusal names the requests ("registration reports")
     * @param order      the order of the requests within a batch (rows locked in one order by every batch)
     * @param batchSizes told the size of every batch started (metrics)
     */
    public BatchLane(String what, int concurrency, int maxBatch, int maxWaiting, Function<T, Object> key, Comparator<T> order,
            Runner<T> runner, IntConsumer batchSizes) {
        if (concurrency < 1 || maxBatch < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("concurrency and maxBatch must be at least 1, maxWaiting not negative");
        }
        this.what = what;
        this.concurrency = concurrency;
        this.maxBatch = maxBatch;
        this.maxWaiting = maxWaiting;
        this.key = key;
        this.order = order;
        this.runner = runner;
        this.batchSizes = batchSizes;
    }

    public Uni<R> submit(T request) {
        return Uni.createFrom().emitter(answer -> {
            boolean start;
            synchronized (this) {
                if (waiting.size() >= maxWaiting) {
                    answer.fail(new ServiceBusyException("More " + what + " are waiting than the service accepts; retry shortly."));
                    return;
                }
                waiting.add(new Waiting<>(request, Vertx.currentContext(), answer));
                start = running < concurrency;
                if (start) {
                    running++;
                }
            }
            if (start) {
                runNext();
            }
        });
    }

    /** Takes what waits into one batch and runs it; gives the place back when nothing waits. */
    private void runNext() {
        List<Waiting<T, R>> batch = new ArrayList<>();
        synchronized (this) {
            Set<Object> keys = new HashSet<>();
            for (Iterator<Waiting<T, R>> it = waiting.iterator(); it.hasNext() && batch.size() < maxBatch;) {
                Waiting<T, R> next = it.next();
                if (keys.add(key.apply(next.request()))) {
                    batch.add(next);
                    it.remove();
                }
            }
            if (batch.isEmpty()) {
                running--;
                return;
            }
        }
        batch.sort(Comparator.comparing(Waiting::request, order));
        batchSizes.accept(batch.size());
        Context context = batch.get(0).context();
        Runnable run = () -> {
            Uni<List<Object>> outcomes;
            try {
                outcomes = runner.run(batch.stream().map(Waiting::request).toList());
            } catch (RuntimeException e) {
                outcomes = Uni.createFrom().failure(e);
            }
            outcomes.subscribe().with(list -> {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).deliver(list.get(i));
                }
                runNext();
            }, failure -> {
                batch.forEach(request -> request.deliver(failure));
                runNext();
            });
        };
        if (context == null) {
            run.run();
        } else {
            context.runOnContext(ignored -> run.run());
        }
    }

    /** Requests waiting now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Batches running now. */
    public synchronized int running() {
        return running;
    }
}
