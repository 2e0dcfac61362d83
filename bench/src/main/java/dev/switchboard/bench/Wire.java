package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * Cheap reads of server frames straight from the received bytes: the type, the seq and a
 * presence frame's subject. The load generator must not spend its one core on JSON parsing when
 * it receives hundreds of thousands of frames a second.
 */
final class Wire {

    static final char PRESENCE = 'P', SNAPSHOT = 'S', RESUMED = 'R', ACK = 'A', ERROR = 'E', ME = 'M', COLLEAGUE = 'C',
            PONG = 'O', OTHER = '?';

    private static final byte[] TYPE = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USER_ID = "\"userId\":\"".getBytes(StandardCharsets.US_ASCII);

    private Wire() {
    }

    static char type(Buffer b) {
        int at = indexOf(b, TYPE, 0, Math.min(b.length(), 64));
        if (at < 0 || at + TYPE.length + 2 > b.length()) {
            return OTHER;
        }
        int p = at + TYPE.length;
        byte c0 = b.getByte(p), c1 = b.getByte(p + 1);
        switch (c0) {
            case 'p':
                return c1 == 'r' ? PRESENCE : c1 == 'o' ? PONG : OTHER;
            case 's':
                return SNAPSHOT;
            case 'r':
                return RESUMED;
            case 'a':
                return ACK;
            case 'e':
                return ERROR;
            case 'm':
                return ME;
            case 'c':
                return COLLEAGUE;
            default:
                return OTHER;
        }
    }

    /** The first {@code "seq":N} in the frame, or -1. */
    static long seq(Buffer b) {
        int at = indexOf(b, SEQ, 0, Math.min(b.length(), 96));
        if (at < 0) {
            return -1;
        }
        long v = 0;
        for (int p = at + SEQ.length; p < b.length(); p++) {
            byte c = b.getByte(p);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The first {@code "userId":"…"} value, or null. */
    static String userId(Buffer b) {
        int at = indexOf(b, USER_ID, 0, b.length());
        if (at < 0 || at + USER_ID.length + 36 > b.length()) {
            return null;
        }
        return b.getString(at + USER_ID.length, at + USER_ID.length + 36, "US-ASCII");
    }

    static int indexOf(Buffer b, byte[] pattern, int from, int limit) {
        int last = limit - pattern.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (b.getByte(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
