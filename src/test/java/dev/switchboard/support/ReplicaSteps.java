package dev.switchboard.support;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The ordered steps of a test class on one {@link Replicas} cluster (a per-class test instance):
 * a failed step prints the replicas' log tails and skips every step after it, since each builds
 * on the state the ones before left; at the end the sockets the steps opened are closed and the
 * cluster is stopped. Register it as an instance field with {@code @RegisterExtension}.
 */
public final class ReplicaSteps implements TestWatcher, BeforeEachCallback, AfterAllCallback {

    private static final int LOG_TAIL_LINES = 80;

    private final Supplier<Replicas> cluster;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private volatile boolean failed;

    public ReplicaSteps(Supplier<Replicas> cluster) {
        this.cluster = cluster;
    }

    /** Closed at the end, before the cluster stops. */
    public synchronized <T extends AutoCloseable> T closeAtEnd(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeFalse(failed, "an earlier step failed");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
        Replicas replicas = cluster.get();
        if (replicas != null) {
            replicas.printTails(LOG_TAIL_LINES);
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        for (AutoCloseable resource : opened) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // best effort: the replicas stop next anyway
            }
        }
        Replicas replicas = cluster.get();
        if (replicas != null) {
            replicas.close();
        }
    }
}
