package dev.switchboard.bench;

import io.vertx.core.json.JsonObject;

/** CPU used by the server, the database (postmaster and its backends) and this client, between two snapshots. */
final class Cpu {

    private final long serverPid;
    private final long dbPid;
    private final long clientPid = ProcessHandle.current().pid();

    Cpu(long serverPid, long dbPid) {
        this.serverPid = serverPid;
        this.dbPid = dbPid;
    }

    long serverPid() {
        return serverPid;
    }

    long[] snap() {
        return new long[] {Proc.cpuTicks(serverPid), dbPid > 0 ? treeTicks(dbPid) : 0, Proc.cpuTicks(clientPid), System.nanoTime()};
    }

    static JsonObject between(long[] a, long[] b) {
        double seconds = (b[3] - a[3]) / 1e9;
        return new JsonObject().put("serverCores", cores(a[0], b[0], seconds)).put("dbCores", cores(a[1], b[1], seconds))
                .put("clientCores", cores(a[2], b[2], seconds));
    }

    private static double cores(long t0, long t1, double seconds) {
        return seconds <= 0 ? 0 : Math.round((t1 - t0) / (double) Proc.CLK_TCK / seconds * 100) / 100.0;
    }

    /** The process and its direct children (PostgreSQL backends are children of the postmaster). */
    static long treeTicks(long root) {
        long sum = 0;
        for (long pid : Proc.tree(root, true)) {
            long ticks = Proc.cpuTicks(pid);
            if (ticks > 0) {
                sum += ticks; // -1: the process ended meanwhile
            }
        }
        return sum;
    }
}
