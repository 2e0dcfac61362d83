package dev.switchboard.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The catalogue of bad values both fuzzers draw from. JSON values are raw JSON text, so they can
 * be anything a client can put on the wire: numbers no parser holds, deep nesting, invalid JSON.
 */
final class Malformed {

    /** The size beyond which a JSON body must be refused with 413. */
    static final int BODY_LIMIT = 64 * 1024;
    /** No string of the API is documented longer than this; a longer one must be refused. */
    static final int NO_STRING_THAT_LONG = 10_000;

    private Malformed() {
    }

    /** A raw JSON value and whether the contract says a request carrying it must be refused. */
    record Value(String json, String label, String mustRefuse) {
        static Value of(String json, String label) {
            return new Value(json, label, null);
        }

        static Value refused(String json, String label, String why) {
            return new Value(json, label, why);
        }
    }

    /** A random (version 4) UUID drawn from the case's own generator, so a seed gives the same ids again. */
    static UUID uuid4(Random r) {
        long high = r.nextLong() & ~0xF000L | 0x4000L;
        long low = r.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return new UUID(high, low);
    }

    static <T> T pick(Random r, List<T> options) {
        return options.get(r.nextInt(options.size()));
    }

    @SafeVarargs
    static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validSurrogateAt(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    static String repeat(String unit, int times) {
        return unit.repeat(Math.max(0, times));
    }

    static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static String nestedObjects(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** Values of the wrong JSON type, or no sensible value at all, for a field of any type. */
    static Value anyType(Random r, String type) {
        return switch (r.nextInt(14)) {
            case 0 -> Value.of("null", "null");
            case 1 -> Value.of(type.equals("boolean") ? "\"true\"" : "true", "wrong type (boolean)");
            case 2 -> Value.of(type.equals("string") ? "12345" : "\"12345\"", "wrong type (number/string)");
            case 3 -> Value.of("[]", "empty array");
            case 4 -> Value.of("{}", "empty object");
            case 5 -> Value.of("[" + quote("x") + ",1,null,{}]", "mixed array");
            case 6 -> Value.of("{\"x\":1,\"y\":[true]}", "object of unknown fields");
            case 7 -> {
                int depth = pick(r, 100, 999, 1000, 1001, 2000, 10_000);
                yield Value.of(nestedArrays(depth), depth + " nested arrays");
            }
            case 8 -> {
                int depth = pick(r, 100, 1000, 1001, 3000);
                yield Value.of(nestedObjects(depth), depth + " nested objects");
            }
            case 9 -> Value.of("[" + repeat("1,", pick(r, 1000, 20_000, 40_000)) + "1]", "long array");
            case 10 -> Value.of(pick(r, "NaN", "Infinity", "-Infinity", "undefined", "0x10", "01", "1.", ".5", "+1", "tru",
                    "'single'", "\"unterminated"), "not JSON");
            case 11 -> Value.of(number(r).json(), "number");
            case 12 -> Value.of("{\"$ref\":\"#/x\"}", "reference-like object");
            default -> Value.of("\"" + "\\u0000" + "\"", "NUL string");
        };
    }

    /** Out-of-range or unreadable numbers. */
    static Value number(Random r) {
        String n = pick(r, "2147483648", "-2147483649", "2147483647", "-2147483648", "9223372036854775807",
                "9223372036854775808", "-9223372036854775809", "1e309", "-1e309", "1e-400", "1E400", "-0", "0", "-1",
                "1.5", "1e2", "4.9e-324", "123456789012345678901234567890123456789012345678901234567890",
                "1" + "0".repeat(5000), "0.000000000000000000000000000000000000001", "86401", "100000", "101");
        return Value.of(n, "number " + (n.length() > 24 ? n.substring(0, 12) + "…(" + n.length() + " digits)" : n));
    }

    /** Numbers as text: NaN-like words and the like, for fields that want a number. */
    static Value numberText(Random r) {
        return Value.of(quote(pick(r, "NaN", "Infinity", "1e9", "12", "-1", "", " ", "0x1F", "1,000", "١٢", "12abc")),
                "number as text");
    }

    /**
     * Strings that are too long, empty, or carry control characters, lone surrogates and the like.
     * {@code maxLength} is the documented bound or -1.
     */
    static Value string(Random r, String valid, int maxLength) {
        String base = valid == null || valid.isEmpty() ? "abc" : valid;
        switch (r.nextInt(12)) {
            case 0:
                return Value.of("\"\"", "empty string");
            case 1:
                return Value.of(quote(pick(r, " ", "\t", "   ", "\u00a0", "\u200b", "\u3000")), "blank string");
            case 2:
            case 3: {
                char c = pick(r, '\u0000', '\u0001', '\u0007', '\u0008', '\t', '\n', '\r', '\u001b', '\u001f');
                int at = r.nextInt(base.length() + 1);
                String s = base.substring(0, at) + c + base.substring(at);
                return Value.refused(quote(s), String.format("control character U+%04X in string", (int) c),
                        String.format("control character U+%04X in a string", (int) c));
            }
            case 4: {
                // Raw, unescaped control character inside the JSON string: not valid JSON at all.
                return Value.refused("\"" + base + "\u0001\"", "raw control character (invalid JSON)", "invalid JSON");
            }
            case 5: {
                if (maxLength > 0) {
                    int length = maxLength + 1;
                    return Value.refused(quote(repeat("a", length)), "string of maxLength+1 (" + length + ")",
                            "string longer than its documented maxLength " + maxLength);
                }
                return longString(r);
            }
            case 6:
            case 7:
                return longString(r);
            case 8: {
                String s = pick(r, "\ud800", "\udfff", "a\ud800b", "\ufffe", "\uffff", "\u202e" + base, "😀😀😀",
                        "e\u0301", "\u0000\u0000", "%00", "<script>alert(1)</script>", "'; DROP TABLE users;--",
                        "${jndi:ldap://x/a}", "../../etc/passwd", "\\", "\"", "{}");
                boolean control = s.chars().anyMatch(ch -> ch < 0x20);
                return control ? Value.refused(quote(s), "odd unicode with control characters", "control characters in a string")
                        : Value.of(quote(s), "odd string " + quote(s));
            }
            case 9: {
                if (maxLength > 0) {
                    // Multi-byte characters: maxLength+1 characters, three times as many bytes.
                    return Value.refused(quote(repeat("€", maxLength + 1)), "maxLength+1 multi-byte characters",
                            "string longer than its documented maxLength " + maxLength);
                }
                return Value.of(quote(repeat("€", 2000)), "2000 multi-byte characters");
            }
            case 10:
                return Value.of(quote(base + " "), "trailing space");
            default:
                return anyType(r, "string");
        }
    }

    static Value longString(Random r) {
        int length = pick(r, 255, 256, 1000, 4097, 10_001, 60_000, 100_000, 1_000_000);
        String text = repeat(pick(r, "a", "é", "x "), length);
        String label = "string of " + length + " characters";
        return length >= NO_STRING_THAT_LONG
                ? Value.refused(quote(text), label, "a string of " + length + " characters")
                : Value.of(quote(text), label);
    }

    /** Enum fields: near misses of the allowed values (case, spaces: not judged), unknown values (refused). */
    static Value enumValue(Random r, List<String> allowed) {
        String one = allowed.isEmpty() ? "x" : pick(r, allowed);
        switch (r.nextInt(4)) {
            case 0:
                return Value.of(quote(pick(r, one.toUpperCase(), one + " ", " " + one, one.replace('_', '-'))), "near miss of " + one);
            case 1: {
                String s = pick(r, "unknown", "", "null", "sleeping", one + "x");
                return Value.refused(quote(s), "not one of " + allowed + ": " + quote(s), "an enum value outside " + allowed);
            }
            case 2: {
                String s = pick(r, one + "\\u0000", "\\u0000" + one, one + "\\n", one + "\\t");
                return Value.refused("\"" + s + "\"", "enum value with a control character", "control characters in a string");
            }
            default:
                return pick(r, Value.of(Integer.toString(allowed.size()), "enum index out of range"), Value.of("0", "enum index"),
                        anyType(r, "string"));
        }
    }

    /** UUID fields: malformed ids, nil ids, ids of nothing. */
    static Value uuid(Random r, String valid) {
        String s = pick(r, "not-a-uuid", "", "00000000-0000-0000-0000-000000000000", uuid4(r).toString(),
                uuid4(r).toString().toUpperCase(), uuid4(r) + "x", "{" + uuid4(r) + "}",
                uuid4(r).toString().replace("-", ""), "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "1",
                uuid4(r).toString().substring(0, 35));
        int dice = r.nextInt(6);
        if (dice == 0) {
            return anyType(r, "string");
        }
        if (dice == 1) {
            return Value.refused(quote((valid == null ? uuid4(r).toString() : valid) + pick(r, "\u0000", "\n", "\t")),
                    "real id followed by a control character",
                    "control characters in a string");
        }
        return Value.of(quote(s), "uuid " + quote(s));
    }

    /** Time fields: out of range, malformed, too far ahead. */
    static Value dateTime(Random r) {
        Instant now = Instant.now();
        switch (r.nextInt(6)) {
            case 0: {
                String far = now.plus(Duration.ofDays(pick(r, 367, 400, 3650, 36_500))).toString();
                return Value.refused(quote(far), "date more than a year ahead " + far, "a date beyond one year ahead");
            }
            case 1:
                return Value.refused(quote("+999999999-12-31T23:59:59Z"), "+999999999-12-31T23:59:59Z",
                        "a date beyond one year ahead");
            case 2:
                return Value.of(quote(pick(r, "0000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                        "-0001-01-01T00:00:00Z")), "date in the far past");
            case 3:
                return Value.of(quote(pick(r, "2026-13-45T25:61:61Z", "2026-02-30T00:00:00Z", "yesterday", "", "now",
                        "2026-12-06", "12:00", "2026-12-06T12:00:00", "2026-12-06T12:00:00+25:00", "2026-12-06T12:00:00.1234567890123Z",
                        "9".repeat(40), "2026-12-06T12:00:00Z\u0000")), "malformed date");
            case 4:
                return Value.of(pick(r, "1e20", "253402300800", "-62135596801", "1733500000", "1.5", "9223372036854775807"),
                        "date as a number");
            default:
                return anyType(r, "string");
        }
    }

    static Value integer(Random r, JsonNodeBounds bounds) {
        if (r.nextInt(3) == 0) {
            return numberText(r);
        }
        if (r.nextInt(5) == 0) {
            return anyType(r, "integer");
        }
        if (bounds != null && r.nextBoolean()) {
            if (bounds.max() != null && r.nextBoolean()) {
                long above = bounds.max() + 1;
                return Value.refused(Long.toString(above), "maximum+1 = " + above, "a number above its documented maximum");
            }
            if (bounds.min() != null) {
                long below = bounds.min() - 1;
                return Value.refused(Long.toString(below), "minimum-1 = " + below, "a number below its documented minimum");
            }
        }
        return number(r);
    }

    record JsonNodeBounds(Long min, Long max) {
    }

    static Value bool(Random r) {
        return r.nextBoolean() ? Value.of(pick(r, "\"true\"", "\"yes\"", "1", "0", "\"\"", "\"false\""), "boolean as text/number")
                : anyType(r, "boolean");
    }

    /** Raw bytes that are not UTF-8, spliced into a JSON string. */
    static byte[] invalidUtf8() {
        return new byte[] { '"', 'a', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xC0, (byte) 0xAF, 'b', '"' };
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
