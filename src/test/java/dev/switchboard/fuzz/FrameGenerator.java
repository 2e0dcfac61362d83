package dev.switchboard.fuzz;

import static dev.switchboard.fuzz.Malformed.pick;
import static dev.switchboard.fuzz.Malformed.quote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.switchboard.fuzz.Malformed.Value;

/**
 * Malformed client frames for {@code /ws/presence}, one per case number, each from its own seeded
 * {@link Random} (see {@link RequestGenerator#randomFor}).
 */
final class FrameGenerator {

    /** The socket's frame limit: a message over it must close the socket with 1009. */
    static final int FRAME_LIMIT = 16 * 1024;

    enum Kind { TEXT, FRAGMENTED, BINARY }

    /**
     * One frame. {@code correlationId} is the string id of a set_availability whose answer (ack or
     * error) is awaited; {@code mustError} says why an ack would be wrong; {@code oversize} frames
     * must close the socket with 1009.
     */
    record Frame(int index, Kind kind, String text, byte[] bytes, String label, String correlationId, String mustError,
            boolean oversize) {

        String describe() {
            String shown = text == null ? "<" + bytes.length + " binary bytes>" : RequestGenerator.abbreviate(text, 200);
            int size = text == null ? bytes.length : text.getBytes(StandardCharsets.UTF_8).length;
            return "#" + index + " " + kind + " " + size + " bytes [" + label + "] " + shown;
        }
    }

    /** Ids the frames may name: the caller's own devices and someone else's. */
    record Targets(String ownVoipAccount, String ownFixedDestination, String foreignVoipAccount) {
    }

    private final long seed;
    private final Targets targets;

    FrameGenerator(long seed, Targets targets) {
        this.seed = seed;
        this.targets = targets;
    }

    /** The frame of case {@code index}; any text frame that came out over the limit is marked as such. */
    Frame generate(int index) {
        Frame frame = generateRaw(index);
        if (frame.text() != null && !frame.oversize() && frame.text().getBytes(StandardCharsets.UTF_8).length > FRAME_LIMIT) {
            return new Frame(index, frame.kind(), frame.text(), null, frame.label() + ", over the limit", null, null, true);
        }
        return frame;
    }

    private Frame generateRaw(int index) {
        Random r = RequestGenerator.randomFor(seed, index);
        int dice = r.nextInt(100);
        if (dice < 6) {
            return text(index, pick(r, "", " ", "{", "}", "{\"type\":", "nul", "[", "\"unterminated", "{'type':'ping'}", "{type:ping}",
                    "{\"type\":\"ping\",}", "{\"type\":\"ping\"}}", "{\"type\":\"ping\"} {\"type\":\"ping\"}", "\u0000", "\u0001\u0002",
                    "{\"type\":\"ping\"\u0000}", "\uFEFF{\"type\":\"ping\"}", "/**/{\"type\":\"ping\"}", "NaN", "{\"type\":NaN}",
                    "{\"type\":\"\\ud800\"}", "{\"type\":\"\\u00\"}"), "invalid JSON");
        }
        if (dice < 11) {
            return text(index, pick(r, "1", "\"ping\"", "true", "null", "[]", "[{\"type\":\"ping\"}]", "1e309", "-0", "\"\"",
                    "123456789012345678901234567890", "[null]", "{}"), "not an object");
        }
        if (dice < 16) {
            Value type = Malformed.anyType(r, "string");
            return text(index, "{\"type\":" + type.json() + ",\"id\":\"f" + index + "\"}", "type " + type.label());
        }
        if (dice < 21) {
            String type = pick(r, "PING", "ping ", " ping", "", "set-availability", "setAvailability", "snapshot", "ack", "error",
                    "pong", "__proto__", "subscribe", "x".repeat(pick(r, 100, 15_000)), "ping\u0000", "\u0000", "set_availability\n",
                    "😀", "\ud800");
            return text(index, "{\"type\":" + quote(type) + ",\"id\":\"f" + index + "\"}", "unknown type");
        }
        if (dice < 26) {
            Value id = Malformed.anyType(r, "string");
            String extra = pick(r, ",\"extra\":1", ",\"id\":" + id.json(), ",\"type\":\"pong\"", ",\"seq\":-1", ",\"\":null",
                    ",\"x\":" + Malformed.nestedArrays(pick(r, 100, 1000, 5000)));
            return text(index, "{\"type\":\"ping\"" + extra + "}", "ping with " + RequestGenerator.abbreviate(extra, 40));
        }
        if (dice < 70) {
            return setAvailability(index, r);
        }
        if (dice < 76) {
            int depth = pick(r, 500, 999, 1000, 1001, 2000, 5000);
            boolean arrays = r.nextBoolean();
            String nested = arrays ? Malformed.nestedArrays(depth) : Malformed.nestedObjects(Math.min(depth, 2500));
            return text(index, pick(r, nested, "{\"type\":\"set_availability\",\"id\":\"f" + index + "\",\"status\":" + nested + "}"),
                    depth + " nested " + (arrays ? "arrays" : "objects"));
        }
        if (dice < 81) {
            int length = pick(r, 1000, 8000, 15_000, 16_000);
            String huge = pick(r, "a", "x ").repeat(length / 2);
            return text(index, pick(r, "{\"type\":" + quote(huge) + "}", "{\"type\":\"ping\",\"id\":" + quote(huge) + "}",
                    "{\"type\":\"set_availability\",\"id\":\"f" + index + "\",\"status\":" + quote(huge) + "}"),
                    "string of " + huge.length() + " characters, frame under the limit");
        }
        if (dice < 86) {
            byte[] bytes = new byte[pick(r, 0, 1, 16, 1000, 20_000)];
            r.nextBytes(bytes);
            if (r.nextBoolean()) {
                bytes = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
            }
            return new Frame(index, Kind.BINARY, null, bytes, "binary frame", null, null, bytes.length > FRAME_LIMIT);
        }
        if (dice < 89) {
            // Exactly at the limit: allowed, must be answered and must not close.
            String head = "{\"type\":\"ping\",\"pad\":\"";
            String tail = "\"}";
            String frame = head + "p".repeat(FRAME_LIMIT - head.length() - tail.length()) + tail;
            return text(index, frame, "ping of exactly " + FRAME_LIMIT + " bytes");
        }
        return oversize(index, r);
    }

    private Frame oversize(int index, Random r) {
        int choice = r.nextInt(10);
        if (choice < 2) {
            // Multi-byte: fewer characters than the limit, more bytes.
            int chars = FRAME_LIMIT / 3 + 1 + r.nextInt(10);
            String text = "{\"type\":\"ping\",\"pad\":\"" + "€".repeat(chars) + "\"}";
            return new Frame(index, Kind.TEXT, text, null, "over the limit in bytes (" + chars + " × '€')", null, null, true);
        }
        if (choice < 4) {
            String text = "{\"type\":\"set_availability\",\"id\":\"f" + index + "\",\"status\":\"" + "a".repeat(FRAME_LIMIT) + "\"}";
            return new Frame(index, Kind.FRAGMENTED, text, null, "fragmented message over the limit", null, null, true);
        }
        int size = choice < 7 ? FRAME_LIMIT + 1 : pick(r, 65_536, 100_000, 1_048_576, 2_621_440);
        String head = "{\"type\":\"ping\",\"pad\":\"";
        String tail = "\"}";
        String text = head + "o".repeat(size - head.length() - tail.length()) + tail;
        return new Frame(index, Kind.TEXT, text, null, "one frame of " + size + " bytes", null, null, true);
    }

    private Frame setAvailability(int index, Random r) {
        String id = "f" + index;
        List<String> fields = new ArrayList<>();
        String label;
        String mustError = null;
        String idJson = quote(id);
        switch (r.nextInt(9)) {
            case 0, 1 -> {
                Value v = Malformed.enumValue(r, List.of("available", "available_for_colleagues", "do_not_disturb", "offline"));
                fields.add("\"status\":" + v.json());
                label = "status " + v.label();
                mustError = v.mustRefuse();
            }
            case 2, 3 -> {
                String d = pick(r, "\"voip_account\"", "1", "[]", "{}", "{\"type\":\"voip_account\"}",
                        "{\"type\":\"voip_account\",\"id\":\"not-a-uuid\"}",
                        "{\"type\":\"voip_account\",\"id\":" + quote(Malformed.uuid4(r).toString()) + "}",
                        "{\"type\":\"voip_account\",\"id\":" + quote(targets.foreignVoipAccount()) + "}",
                        "{\"type\":\"fixed_destination\",\"id\":" + quote(targets.ownVoipAccount()) + "}",
                        "{\"type\":\"phone\",\"id\":" + quote(targets.ownVoipAccount()) + "}",
                        "{\"type\":null,\"id\":null}",
                        "{\"type\":\"voip_account\\u0000\",\"id\":" + quote(targets.ownVoipAccount()) + "}",
                        "{\"type\":\"voip_account\",\"id\":" + quote(targets.ownVoipAccount() + "\u0000") + "}",
                        "{\"id\":" + quote(targets.ownFixedDestination()) + "}");
                fields.add("\"destination\":" + d);
                label = "destination " + RequestGenerator.abbreviate(d, 80);
                mustError = "an invalid destination";
            }
            case 4, 5 -> {
                Value v = Malformed.dateTime(r);
                fields.add("\"until\":" + v.json());
                if (r.nextBoolean()) {
                    fields.add("\"status\":\"do_not_disturb\"");
                }
                label = "until " + v.label();
                mustError = v.mustRefuse();
            }
            case 6 -> {
                Value v = Malformed.integer(r, null);
                fields.add("\"version\":" + v.json());
                label = "version " + v.label();
            }
            case 7 -> {
                Value v = Malformed.anyType(r, "string");
                idJson = v.json();
                id = null;
                fields.add("\"status\":\"available\"");
                label = "id " + v.label();
            }
            default -> {
                String f = pick(r, "\"extra\":1", "\"statusPresent\":true", "\"Status\":\"available\"", "\"status\":\"available\",\"status\":\"offline\"",
                        "\"until\":" + quote(Instant.now().plus(Duration.ofHours(1)).toString()) + ",\"note\":" + quote("n".repeat(81)),
                        "\"destination\":{\"type\":\"voip_account\",\"id\":" + quote(targets.ownVoipAccount()) + "},\"x\":" + Malformed.nestedObjects(200));
                fields.add(f);
                label = "extra fields " + RequestGenerator.abbreviate(f, 60);
            }
        }
        StringBuilder frame = new StringBuilder("{\"type\":\"set_availability\",\"id\":").append(idJson);
        for (String field : fields) {
            frame.append(',').append(field);
        }
        frame.append('}');
        return new Frame(index, Kind.TEXT, frame.toString(), null, "set_availability " + label, id, mustError, false);
    }

    private static Frame text(int index, String text, String label) {
        return new Frame(index, Kind.TEXT, text, null, label, null, null, false);
    }
}
