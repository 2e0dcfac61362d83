package dev.switchboard.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A server process the driver started: its pid, memory and CPU from /proc, readiness, stop. */
final class Proc {

    static final long CLK_TCK = clockTicks();

    /** Every child process this JVM started; a shutdown hook ends the ones still running. */
    static final java.util.Set<Process> CHILDREN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        // SIGTERM first and a moment to act on it: Kamailio's main process ends its forked
        // workers on SIGTERM, while SIGKILL would leave them running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            CHILDREN.forEach(Process::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            for (Process p : CHILDREN) {
                try {
                    p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }));
    }

    final String name;
    final Process process;
    final long pid;
    final long startNanos;
    final Path log;
    final int port;
    /** Where health and metrics answer: the service's management port, the floor's own port. */
    final int managementPort;

    private Proc(String name, Process process, long startNanos, Path log, int port, int managementPort) {
        this.name = name;
        this.process = process;
        this.pid = process.pid();
        this.startNanos = startNanos;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts {@code command} pinned to {@code cpus} (taskset), output to {@code log}. */
    static Proc start(String name, String cpus, List<String> command, Map<String, String> env, Path log, int port,
            int managementPort) throws IOException {
        return start(name, cpus, command, env, log, port, managementPort, null);
    }

    /** As above, in the working directory {@code dir} (null: this process's). */
    static Proc start(String name, String cpus, List<String> command, Map<String, String> env, Path log, int port,
            int managementPort, Path dir) throws IOException {
        List<String> full = new ArrayList<>();
        if (cpus != null && !cpus.isBlank()) {
            full.add("taskset");
            full.add("-c");
            full.add(cpus);
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        long t0 = System.nanoTime();
        Process process = builder.start();
        CHILDREN.add(process);
        return new Proc(name, process, t0, log, port, managementPort);
    }

    /** Polls {@code path} on the management port until it answers 200; returns nanoTime of the first 200. */
    long awaitHttp200(String path, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (get200(managementPort, path)) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        throw new IOException(name + " not ready after " + timeout + "; see " + log);
    }

    static boolean get200(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(2000);
            int code = c.getResponseCode();
            c.getInputStream().readAllBytes();
            c.disconnect();
            return code == 200;
        } catch (IOException e) {
            return false;
        }
    }

    static String get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes());
        }
    }

    long rssKb() {
        return statusField(pid, "VmRSS");
    }

    long threads() {
        return statusField(pid, "Threads");
    }

    static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** utime + stime of the whole process, in clock ticks. */
    long cpuTicks() {
        return cpuTicks(pid);
    }

    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of the JVM's JIT compiler threads ("C1/C2 CompilerThreadN"), in clock ticks; -1 if unreadable. */
    static long compilerTicks(long pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.contains("CompilerThre")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                if (line.startsWith("Max open files")) {
                    return Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** {@code root} and, with {@code children}, its direct child processes (PostgreSQL: the postmaster and its backends). */
    static List<Long> tree(long root, boolean children) {
        List<Long> pids = new ArrayList<>(List.of(root));
        if (!children) {
            return pids;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]) == root) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            // /proc unreadable: the root alone
        }
        return pids;
    }

    /**
     * Sets the CPU affinity of every thread of {@code root} (and, with {@code children}, of its
     * direct child processes) to {@code cpus} with taskset, and reads it back from /proc until every
     * thread has it: a thread started by a thread not yet moved would otherwise keep the old set.
     */
    static void pin(long root, boolean children, String cpus) {
        BitSet want = cpuSet(cpus);
        for (int attempt = 0; attempt < 5; attempt++) {
            List<Long> off = new ArrayList<>();
            for (long pid : tree(root, children)) {
                try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                    for (Path task : (Iterable<Path>) tasks::iterator) {
                        BitSet allowed = cpusAllowed(task);
                        if (allowed != null && !allowed.equals(want) && !off.contains(pid)) {
                            off.add(pid);
                        }
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
            if (off.isEmpty()) {
                return;
            }
            for (long pid : off) {
                try {
                    // -a: every thread of the process
                    new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
                } catch (IOException e) {
                    throw new IllegalStateException("taskset failed: " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("could not set the CPU affinity of process " + root + " to " + cpus);
    }

    /** A thread's allowed CPUs ({@code /proc/<pid>/task/<tid>/status}); null when it ended meanwhile. */
    private static BitSet cpusAllowed(Path task) {
        try {
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return cpuSet(line.substring(18).trim());
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the thread ended meanwhile
        }
        return null;
    }

    /** The CPUs of a list like {@code 0}, {@code 0,1} or {@code 0-3,6}. */
    static BitSet cpuSet(String list) {
        BitSet set = new BitSet();
        for (String part : list.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] range = part.trim().split("-");
            int from = Integer.parseInt(range[0].trim());
            set.set(from, (range.length > 1 ? Integer.parseInt(range[1].trim()) : from) + 1);
        }
        return set;
    }

    /** Full GC in the target JVM (jcmd), so heap and RSS readings are of live data. */
    void gc() {
        jcmd("GC.run");
    }

    String jcmd(String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    /** Heap in use from {@code jcmd GC.heap_info}: the "used NK" of every generation (not Metaspace), in bytes. */
    long heapUsedBytesJcmd() {
        long sum = 0;
        boolean found = false;
        for (String line : jcmd("GC.heap_info").split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                sum += Long.parseLong(m.group(1)) * 1024;
                found = true;
            }
        }
        return found ? sum : -1;
    }

    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        } catch (IOException | RuntimeException e) {
            return 100;
        }
    }
}
