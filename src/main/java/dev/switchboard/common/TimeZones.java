package dev.switchboard.common;

import java.time.ZoneId;
import java.util.Set;

/**
 * Time zones as people pick them: IANA region ids ("Europe/Amsterdam"). Fixed offsets
 * ("+01:00", "UTC+1") are refused, since they do not follow summer time.
 */
public final class TimeZones {

    public static final String DEFAULT = "Europe/Amsterdam";
    public static final String MESSAGE = "must be an IANA time zone such as Europe/Amsterdam";
    private static final Set<String> KNOWN = ZoneId.getAvailableZoneIds();

    private TimeZones() {
    }

    public static boolean valid(String zone) {
        return zone != null && zone.length() <= 64 && KNOWN.contains(zone) && zone.contains("/");
    }

    /** The zone for {@code own} (a user's, may be null) falling back to {@code org}'s, then the default. */
    public static ZoneId effective(String own, String org) {
        return ZoneId.of(own != null ? own : org != null ? org : DEFAULT);
    }
}
