package dev.switchboard.common;

import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;

/** Optimistic concurrency over HTTP: entity versions as strong ETags, checked against If-Match. */
public final class Versions {

    private Versions() {
    }

    public static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    public static Response ok(Object body, long version) {
        return Response.ok(body).tag(etag(version)).build();
    }

    /**
     * Fails with 412 unless {@code ifMatch} is absent, {@code *}, or lists the current version
     * (weak or strong form).
     */
    public static void checkIfMatch(String ifMatch, long currentVersion) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return;
        }
        String expected = Long.toString(currentVersion);
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                tag = tag.substring(1, tag.length() - 1);
            }
            if (tag.equals(expected)) {
                return;
            }
        }
        throw ApiException.preconditionFailed(currentVersion);
    }

    /** A {@code version} sent in a body must be the current one: otherwise the write is stale (409). */
    public static void checkBodyVersion(Long bodyVersion, long currentVersion) {
        if (bodyVersion != null && bodyVersion != currentVersion) {
            throw ApiException.staleVersion();
        }
    }
}
