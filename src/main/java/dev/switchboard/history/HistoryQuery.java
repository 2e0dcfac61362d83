package dev.switchboard.history;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.switchboard.common.ApiException;

/**
 * The query of a history page: {@code before} (an ISO-8601 time, or the {@code next} cursor of
 * the previous page), {@code limit} 1–200 (default 50) and {@code type} (comma-separated, or
 * repeated). Bad values are 400s naming the parameter.
 *
 * @param beforeAt items strictly older than this… (null: from the newest)
 * @param beforeId …or as old with a smaller id (0 for a plain time: ids start at 1)
 * @param types    wire values, or null for all
 */
record HistoryQuery(Instant beforeAt, long beforeId, String[] types, int limit) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final String CURSOR_SEPARATOR = "|";
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    static HistoryQuery parse(String before, String limit, List<String> type) {
        Instant beforeAt = null;
        long beforeId = 0;
        if (before != null && !before.isBlank()) {
            String raw = before.trim();
            Cursor cursor = Cursor.decode(raw);
            if (cursor != null) {
                beforeAt = cursor.at();
                beforeId = cursor.id();
            } else {
                beforeAt = time(raw);
            }
        }
        return new HistoryQuery(clamped(beforeAt), beforeId, types(type), limit(limit));
    }

    /** The cursor that continues after this item: same time and a smaller id, or older. */
    static String next(Instant at, long id) {
        String plain = at.toString() + CURSOR_SEPARATOR + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    private record Cursor(Instant at, long id) {

        /** Null when {@code raw} is not a cursor this service made. */
        static Cursor decode(String raw) {
            if (raw.contains(":")) {
                return null; // a time: base64url never has ':'
            }
            try {
                String plain = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
                int separator = plain.lastIndexOf(CURSOR_SEPARATOR);
                if (separator < 0) {
                    return null;
                }
                long id = Long.parseLong(plain.substring(separator + 1));
                return id > 0 ? new Cursor(Instant.parse(plain.substring(0, separator)), id) : null;
            } catch (IllegalArgumentException | DateTimeParseException e) {
                return null;
            }
        }
    }

    /**
     * Times far off either way mean the same as the nearest one the database stores (every item is
     * between them), and the database refuses years beyond its range.
     */
    private static Instant clamped(Instant at) {
        if (at == null) {
            return null;
        }
        return at.isBefore(Instant.EPOCH) ? Instant.EPOCH : at.isAfter(LATEST) ? LATEST : at;
    }

    private static Instant time(String raw) {
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.validation("before",
                    "must be an ISO-8601 time with an offset (e.g. 2026-12-07T14:03:00Z) or the 'next' value of a previous page");
        }
    }

    private static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.validation("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static String[] types(List<String> raw) {
        if (raw == null) {
            return null;
        }
        Set<String> types = new LinkedHashSet<>();
        for (String value : raw.stream().flatMap(v -> v == null ? Stream.empty() : Stream.of(v.split(","))).toList()) {
            String wire = value.trim();
            if (wire.isEmpty()) {
                continue;
            }
            if (HistoryItem.Type.fromWire(wire) == null) {
                throw ApiException.validation("type", "must be one or more of "
                        + Stream.of(HistoryItem.Type.values()).map(HistoryItem.Type::wire).collect(Collectors.joining(", "))
                        + ", separated by commas");
            }
            types.add(wire);
        }
        return types.isEmpty() ? null : types.toArray(String[]::new);
    }
}
