package dev.switchboard.common;

import java.util.ArrayDeque;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs at most {@code limit} pieces of work at once; the others wait in arrival order. A waiting
 * piece starts on the Vert.x context it was submitted from, because what it runs may belong to
 * that context (a Hibernate Reactive session lives in its request's context). At most
 * {@code maxWaiting} wait; one more is refused at once with {@link ServiceBusyException}.
 *
 * <p>Why: a burst of one kind of request (every phone of a provider re-registering after an
 * outage) would otherwise hold every pooled database connection, and the requests that cannot
 * wait (a routing decision on a call's setup path) would queue behind all of it for a connection.
 */
public final class Admission {

    private final String what;
    private final int limit;
    private final int maxWaiting;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    /** @param what how a refusal names the work ("registration changes") */
    public Admission(String what, int limit, int maxWaiting) {
        if (limit < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("limit must be at least 1 and maxWaiting not negative");
        }
        this.what = what;
        this.limit = limit;
        this.maxWaiting = maxWaiting;
    }

    /** {@code work} is called when this piece's turn comes; its outcome is the returned Uni's. */
    public <T> Uni<T> submit(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Runnable start = () -> {
                Uni<T> started;
                try {
                    started = work.get();
                } catch (RuntimeException e) {
                    release();
                    emitter.fail(e);
                    return;
                }
                started.subscribe().with(item -> {
                    release();
                    emitter.complete(item);
                }, failure -> {
                    release();
                    emitter.fail(failure);
                });
            };
            boolean now;
            synchronized (this) {
                if (running < limit) {
                    running++;
                    now = true;
                } else if (waiting.size() >= maxWaiting) {
                    emitter.fail(new ServiceBusyException("More " + what + " are waiting than the service accepts; retry shortly."));
                    return;
                } else {
                    Context context = Vertx.currentContext();
                    waiting.add(context == null ? start : () -> context.runOnContext(ignored -> start.run()));
                    now = false;
                }
            }
            if (now) {
                start.run();
            }
        });
    }

    /** A finished piece hands its place to the first waiting one, or gives it back. */
    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
                return;
            }
        }
        next.run();
    }

    /** Pieces running now (for tests and metrics). */
    public synchronized int running() {
        return running;
    }

    /** Pieces waiting now. */
    public synchronized int waiting() {
        return waiting.size();
    }
}
