package dev.switchboard.common;

import java.util.List;

/**
 * A client-visible failure: becomes an RFC 9457 problem with the given status. Thrown by services
 * for anything the caller can fix (unknown ids, invalid values, conflicts, stale versions).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<Problem.FieldError> errors;

    public ApiException(int status, String type, String title, String detail, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = errors;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", "Bad request", detail, null);
    }

    public static ApiException validation(String field, String message) {
        return validation(List.of(new Problem.FieldError(field, message)));
    }

    public static ApiException validation(List<Problem.FieldError> errors) {
        return new ApiException(400, "validation", "Invalid request", "The request has invalid fields.", errors);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", "Unauthorized", detail, null);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", "Forbidden", detail, null);
    }

    /** Unknown and foreign ids look the same: nothing tells another organization's ids apart. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not-found", "Not found", "No such " + what + ".", null);
    }

    public static ApiException conflict(String field, String message) {
        return new ApiException(409, "conflict", "Conflict", message,
                field == null ? null : List.of(new Problem.FieldError(field, message)));
    }

    public static ApiException staleVersion() {
        return new ApiException(409, "stale-version", "Conflict",
                "The entity was changed by someone else; read it again and retry.", null);
    }

    public static ApiException preconditionFailed(long currentVersion) {
        return new ApiException(412, "precondition-failed", "Precondition failed",
                "If-Match does not match the current version (ETag \"" + currentVersion + "\").", null);
    }

    public static ApiException unprocessable(String field, String message) {
        return new ApiException(422, "unprocessable", "Unprocessable request", message,
                field == null ? null : List.of(new Problem.FieldError(field, message)));
    }

    public static ApiException payloadTooLarge(long limitBytes) {
        return new ApiException(413, "payload-too-large", "Payload too large",
                "The request body is larger than " + limitBytes + " bytes.", null);
    }

    public static ApiException tooManyRequests(String detail) {
        return new ApiException(429, "rate-limited", "Too many requests", detail, null);
    }

    public int status() {
        return status;
    }

    public Problem toProblem(String instance) {
        return new Problem(Problem.typeUri(type), title, status, getMessage(), instance, errors);
    }
}
