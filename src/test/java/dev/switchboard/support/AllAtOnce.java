package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Requests a script would send in parallel: each from its own thread, all released at the same moment. */
public final class AllAtOnce {

    private AllAtOnce() {
    }

    /** Runs every call once all threads are ready; the answers in the order of the calls. */
    public static <T> List<T> run(ExecutorService pool, List<? extends Callable<T>> calls) throws Exception {
        CountDownLatch ready = new CountDownLatch(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> call : calls) {
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return call.call();
            }));
        }
        assertThat(ready.await(30, TimeUnit.SECONDS)).as("all request threads started").isTrue();
        go.countDown();
        List<T> answers = new ArrayList<>();
        for (Future<T> future : futures) {
            answers.add(future.get(120, TimeUnit.SECONDS));
        }
        return answers;
    }
}
