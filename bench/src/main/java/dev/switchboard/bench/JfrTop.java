package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Hot methods of a JFR recording (jdk.ExecutionSample): the top frames by own samples, and by
 * inclusive samples (any frame of the stack). {@code jfr-top file.jfr [limit] [filter]}.
 */
public final class JfrTop {

    public static void main(String[] args) throws IOException {
        System.out.print(report(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 40,
                args.length > 2 ? args[2] : null));
    }

    static String report(Path file, int limit, String filter) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            total++;
            var thread = e.getThread("sampledThread");
            String tname = thread == null ? "?" : thread.getJavaName();
            threads.merge(tname == null ? "?" : tname.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n) && (filter == null || n.contains(filter))) {
                    inclusive.merge(n, 1, Integer::sum);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("execution samples: ").append(total).append('\n');
        append(sb, "threads", threads, total, limit);
        append(sb, "self (top of stack)", self, total, limit);
        append(sb, "inclusive" + (filter == null ? "" : " (frames containing '" + filter + "')"), inclusive, total, limit);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String title, Map<String, Integer> counts, int total, int limit) {
        sb.append("\n== ").append(title).append('\n');
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(limit)
                .forEach(en -> sb.append(String.format("%6.2f%% %7d  %s%n", 100.0 * en.getValue() / Math.max(1, total), en.getValue(),
                        en.getKey())));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
