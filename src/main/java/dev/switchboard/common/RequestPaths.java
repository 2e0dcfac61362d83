package dev.switchboard.common;

import jakarta.ws.rs.core.UriInfo;

/**
 * The request's path without throwing: RESTEasy decodes the already-decoded path again, so a
 * path such as {@code /api/orgs/%25;x} (decoded once: {@code /api/orgs/%}) fails to decode.
 */
public final class RequestPaths {

    private RequestPaths() {
    }

    /** The decoded path, or the path as sent when it cannot be decoded, or null. */
    public static String of(UriInfo uri) {
        if (uri == null) {
            return null;
        }
        try {
            return uri.getPath();
        } catch (IllegalArgumentException undecodable) {
            try {
                return uri.getRequestUri().getRawPath();
            } catch (IllegalArgumentException unparsable) {
                return null;
            }
        }
    }
}
