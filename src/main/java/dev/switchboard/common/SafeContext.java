package dev.switchboard.common;

import java.util.function.Supplier;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;

/**
 * Runs reactive database work from places that have no request context (timers, the LISTEN
 * handler): Hibernate Reactive needs a fresh duplicated Vert.x context marked safe.
 */
public final class SafeContext {

    private SafeContext() {
    }

    /**
     * Continues on the caller's context. Needed after a shared (memoized) Uni: its item arrives
     * on whichever context first subscribed, and Hibernate Reactive keeps its session in the
     * context, so two pipelines would otherwise share one session.
     */
    public static <T> Uni<T> backOnCallerContext(Uni<T> shared) {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return shared;
        }
        return shared.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    public static <T> Uni<T> run(Vertx vertx, Supplier<Uni<T>> work) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> {
            try {
                work.get().subscribe().with(emitter::complete, emitter::fail);
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }));
    }
}
