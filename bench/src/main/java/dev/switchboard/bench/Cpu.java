package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(name);
                    long ppid = Long.parseLong(f[1]);
                    if (pid == root || ppid == root) {
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }
}
