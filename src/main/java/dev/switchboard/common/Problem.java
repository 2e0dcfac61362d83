package dev.switchboard.common;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** RFC 9457 problem details, as every error of the API is answered. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://switchboard.dev/problems/";

    public record FieldError(String field, String message) {
    }

    static String typeUri(String slug) {
        return TYPE_BASE + slug;
    }
}
