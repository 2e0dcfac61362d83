package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} and {@code --flag} options. */
final class Opts {

    private final Map<String, String> values = new HashMap<>();

    Opts(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            String key = arg.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                values.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(key, args[++i]);
            } else {
                values.put(key, "true");
            }
        }
    }

    String str(String key, String def) {
        return values.getOrDefault(key, def);
    }

    int integer(String key, int def) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key).replace("_", "")) : def;
    }

    double dbl(String key, double def) {
        return values.containsKey(key) ? Double.parseDouble(values.get(key)) : def;
    }

    boolean flag(String key) {
        return Boolean.parseBoolean(values.getOrDefault(key, "false"));
    }

    List<Integer> ints(String key, String def) {
        List<Integer> out = new ArrayList<>();
        for (String part : str(key, def).split(",")) {
            if (!part.isBlank()) {
                out.add(Integer.parseInt(part.trim().replace("_", "")));
            }
        }
        return out;
    }

    List<String> list(String key, String def) {
        List<String> out = new ArrayList<>();
        for (String part : str(key, def).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }
}
