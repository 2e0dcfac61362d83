package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonObject;

/**
 * Scenarios 2 and 3 on one set of connections: authenticated upgrades/s (each upgrade waits for
 * its first frame, the snapshot), then the idle cost of holding them (RSS and heap after a full
 * GC, CPU over a window), then a mass disconnect and the time until every socket is back (with
 * {@code since}). The connections come from several worker processes on their own 127.0.0.x.
 */
final class Idle {

    /** One worker process, driven by stdin/stdout lines. */
    static final class WorkerProc {
        final Process process;
        final BufferedReader out;
        final PrintWriter in;

        WorkerProc(List<String> command, Path log) throws IOException {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Proc.CHILDREN.add(process);
            out = new BufferedReader(new InputStreamReader(process.getInputStream()));
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream()), true);
        }

        void send(String line) {
            in.println(line);
        }

        JsonObject read() throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("{")) {
                    return new JsonObject(line);
                }
            }
            throw new IOException("worker exited");
        }

        void quit() {
            send("quit");
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    record Config(int workers, int concurrency, int idleCpuSeconds, int baseCpuSeconds, String clientCpus, String benchJar,
            Path dir, long dbPid) {
    }

    static JsonObject[] run(String targetName, Proc server, LongSupplier heapBytes, List<String> tokens, Config cfg) throws Exception {
        List<WorkerProc> workers = new ArrayList<>();
        int w = Math.max(1, Math.min(cfg.workers(), tokens.size()));
        for (int k = 0; k < w; k++) {
            List<String> mine = new ArrayList<>();
            for (int i = k; i < tokens.size(); i += w) {
                mine.add(tokens.get(i));
            }
            Path file = cfg.dir().resolve(targetName + "-tokens-" + k + ".txt");
            Files.write(file, mine);
            List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cfg.clientCpus(), "java", "-Xmx1g", "-XX:+UseSerialGC",
                    "-cp", cfg.benchJar(), "dev.switchboard.bench.Main", "worker", "--port", Integer.toString(server.port),
                    "--local", "127.0.0." + (20 + k), "--tokens", file.toString()));
            workers.add(new WorkerProc(cmd, cfg.dir().resolve(targetName + "-worker-" + k + ".log")));
        }
        try {
            for (WorkerProc wp : workers) {
                wp.read(); // ready
            }
            int n = tokens.size();
            // baseline: live heap and RSS, idle CPU without connections
            server.gc();
            Thread.sleep(1000);
            long rss0 = server.rssKb();
            long heap0 = heapBytes.getAsLong();
            long c0 = server.cpuTicks();
            Thread.sleep(cfg.baseCpuSeconds() * 1000L);
            double baseCpu = (server.cpuTicks() - c0) / (double) Proc.CLK_TCK / cfg.baseCpuSeconds();

            // connect: upgrades/s including the snapshot
            long cc0 = server.cpuTicks();
            long db0 = cfg.dbPid() > 0 ? Cpu.treeTicks(cfg.dbPid()) : 0;
            JsonObject connect = all(workers, "connect " + cfg.concurrency(), n);
            if (connect.getLong("ok") > 0) {
                // CPU per upgrade: comparable across runs even when the machine is shared
                connect.put("serverCpuMillisPerUpgrade", Math.round((server.cpuTicks() - cc0) * 1000.0 / Proc.CLK_TCK / connect.getLong("ok") * 1000) / 1000.0);
                if (cfg.dbPid() > 0) {
                    connect.put("dbCpuMillisPerUpgrade", Math.round((Cpu.treeTicks(cfg.dbPid()) - db0) * 1000.0 / Proc.CLK_TCK / connect.getLong("ok") * 1000) / 1000.0);
                }
            }
            System.out.printf("    %s: %,d connections in %.2f s = %,.0f upgrades/s (failed %d; server CPU %s ms/upgrade)%n", targetName,
                    connect.getLong("ok"), connect.getDouble("seconds"), connect.getDouble("perSecond"), connect.getLong("failed"),
                    connect.getValue("serverCpuMillisPerUpgrade"));

            // idle cost
            Thread.sleep(5000);
            server.gc();
            Thread.sleep(1000);
            long rss1 = server.rssKb();
            long heap1 = heapBytes.getAsLong();
            long threads = server.threads();
            long c1 = server.cpuTicks();
            Thread.sleep(cfg.idleCpuSeconds() * 1000L);
            double cpu = (server.cpuTicks() - c1) / (double) Proc.CLK_TCK / cfg.idleCpuSeconds();
            long ok = connect.getLong("ok");
            JsonObject idle = new JsonObject().put("connections", ok).put("openFilesLimit", server.openFilesLimit())
                    .put("rssBaselineKb", rss0).put("rssKb", rss1)
                    .put("rssPerConnectionBytes", ok == 0 ? null : Math.round((rss1 - rss0) * 1024.0 / ok))
                    .put("heapBaselineBytes", heap0).put("heapBytes", heap1)
                    .put("heapPerConnectionBytes", ok == 0 ? null : Math.round((heap1 - heap0) / (double) ok))
                    // heap pre-touched: RSS growth is what lives outside the heap; add the live heap growth
                    .put("memoryPerConnectionBytes", ok == 0 ? null
                            : Math.round((Math.max(0, rss1 - rss0) * 1024.0 + Math.max(0, heap1 - heap0)) / ok))
                    .put("cpuBaselineCores", round4(baseCpu)).put("cpuCores", round4(cpu))
                    .put("cpuPerConnectionMicrosPerSec", ok == 0 ? null : round4((cpu - baseCpu) * 1e6 / ok))
                    .put("cpuWindowSeconds", cfg.idleCpuSeconds()).put("threads", threads);
            System.out.printf("    %s idle: %,d B/conn (RSS %+,d KB = %,d B/conn outside the heap, live heap %,d B/conn), CPU %.2f%% of a core%n",
                    targetName, idle.getLong("memoryPerConnectionBytes"), rss1 - rss0, idle.getLong("rssPerConnectionBytes"),
                    idle.getLong("heapPerConnectionBytes"), cpu * 100);

            // mass disconnect, then everyone back with since
            JsonObject closed = all(workers, "close", n);
            JsonObject back = all(workers, "reconnect " + cfg.concurrency(), n);
            double total = (back.getLong("end") - closed.getLong("start")) / 1e9;
            back.put("secondsFromDisconnect", round4(total)).put("closeSeconds", closed.getDouble("seconds"));
            System.out.printf("    %s: mass reconnect of %,d in %.2f s (%d resumed, %d snapshots, %d failed)%n", targetName,
                    back.getLong("ok"), total, back.getLong("resumed"), back.getLong("snapshots"), back.getLong("failed"));
            all(workers, "close", n);
            connect.put("massReconnect", back);
            return new JsonObject[] {idle, connect};
        } finally {
            workers.forEach(WorkerProc::quit);
        }
    }

    /** Sends one command to every worker at once; merges the answers. */
    private static JsonObject all(List<WorkerProc> workers, String command, int n) throws IOException {
        workers.forEach(wp -> wp.send(command));
        long start = Long.MAX_VALUE, end = 0, ok = 0, failed = 0, snapshots = 0, resumed = 0;
        Histogram latency = Fanout.histogram();
        List<String> errors = new ArrayList<>();
        for (WorkerProc wp : workers) {
            JsonObject a = wp.read();
            start = Math.min(start, a.getLong("start", Long.MAX_VALUE));
            end = Math.max(end, a.getLong("end", 0L));
            ok += a.getLong("ok", a.getLong("closed", 0L));
            failed += a.getLong("failed", 0L);
            snapshots += a.getLong("snapshots", 0L);
            resumed += a.getLong("resumed", 0L);
            if (a.getString("latency") != null) {
                latency.add(Worker.decode(a.getString("latency")));
            }
            if (a.getJsonArray("errors") != null) {
                a.getJsonArray("errors").forEach(e -> errors.add(String.valueOf(e)));
            }
        }
        double seconds = end > start ? (end - start) / 1e9 : 0;
        JsonObject o = new JsonObject().put("attempted", n).put("ok", ok).put("failed", failed).put("seconds", round4(seconds))
                .put("perSecond", seconds > 0 ? Math.round(ok / seconds) : 0).put("start", start).put("end", end)
                .put("snapshots", snapshots).put("resumed", resumed);
        if (latency.getTotalCount() > 0) {
            o.put("upgradeLatency", Fanout.summary(latency));
        }
        if (!errors.isEmpty()) {
            o.put("errors", errors.subList(0, Math.min(5, errors.size())));
        }
        return o;
    }

    static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
