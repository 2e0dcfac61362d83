package dev.switchboard.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every broken check of a fuzz run, grouped by check and kept (capped) so one run reports all of
 * them instead of stopping at the first. The summary names the seed that reproduces the run.
 */
final class Findings {

    private static final int EXAMPLES_PER_CHECK = 8;
    private static final int MAX_EXAMPLE_CHARS = 600;

    private final long seed;
    private final String reproduce;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> examples = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AtomicInteger>> where = new ConcurrentHashMap<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

    Findings(long seed, String reproduce) {
        this.seed = seed;
        this.reproduce = reproduce;
    }

    /** A broken check at a place (an operation, a frame kind): listed with counts under the check. */
    void add(String check, String place, String example) {
        where.computeIfAbsent(check, k -> new ConcurrentHashMap<>()).computeIfAbsent(place, k -> new AtomicInteger()).incrementAndGet();
        add(check, example);
    }

    /** A broken check: {@code check} names the rule, {@code example} the case and the answer. */
    void add(String check, String example) {
        counts.computeIfAbsent(check, k -> new AtomicInteger()).incrementAndGet();
        all.add(check + " | " + (example.length() > 400 ? example.substring(0, 400) + "…" : example));
        List<String> list = examples.computeIfAbsent(check, k -> new ArrayList<>());
        synchronized (list) {
            if (list.size() < EXAMPLES_PER_CHECK) {
                list.add(example.length() > MAX_EXAMPLE_CHARS ? example.substring(0, MAX_EXAMPLE_CHARS) + "…" : example);
            }
        }
    }

    boolean isEmpty() {
        return counts.isEmpty();
    }

    int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The summary cut at about {@code maxChars} (the whole of it goes to the report file). */
    String summary(int maxChars) {
        String all = summary();
        return all.length() <= maxChars ? all : all.substring(0, maxChars) + "\n… (cut; the full list is in the report file named above)";
    }

    /** The summary, then every broken check one per line (for the report file). */
    String fullReport() {
        StringBuilder out = new StringBuilder(summary()).append("\n\n== every broken check ==\n");
        synchronized (all) {
            all.stream().sorted().forEach(line -> out.append(line.replace("\n", "\\n")).append('\n'));
        }
        return out.toString();
    }

    String summary() {
        StringBuilder out = new StringBuilder();
        out.append(total()).append(" broken checks (seed=").append(seed).append("; reproduce with ")
                .append(reproduce).append(")\n");
        new TreeMap<>(counts).forEach((check, count) -> {
            out.append("\n== ").append(check).append(": ").append(count.get()).append(" ==\n");
            Map<String, AtomicInteger> places = where.get(check);
            if (places != null) {
                out.append("  at: ");
                new TreeMap<>(places).forEach((place, n) -> out.append(place).append(" (").append(n.get()).append("); "));
                out.append('\n');
            }
            for (String example : examples.get(check)) {
                out.append("  - ").append(example.replace("\n", "\\n")).append('\n');
            }
        });
        return out.toString();
    }
}
