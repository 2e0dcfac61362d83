package dev.switchboard.common;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/**
 * Jackson failures as field errors, for REST bodies and socket commands alike. Jackson's own
 * messages name Java classes; these name the JSON field and what it must be.
 */
public final class JsonProblems {

    /** Jackson's words for a key sent twice (JsonParser.Feature.STRICT_DUPLICATE_DETECTION). */
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.{0,64})'");

    private JsonProblems() {
    }

    /** The field error behind a Jackson failure, or a plain 400 when it has none. */
    public static ApiException fromJson(JsonProcessingException e) {
        // Jackson wraps what fails underneath it, e.g. the body limit while a string is read.
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        if (e instanceof JsonParseException parse && parse.getOriginalMessage() != null) {
            Matcher duplicate = DUPLICATE.matcher(parse.getOriginalMessage());
            if (duplicate.find()) {
                return ApiException.validation(duplicate.group(1), "appears more than once");
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ApiException.validation(pointer(unknown), "unknown field");
        }
        if (e instanceof InvalidFormatException invalid) {
            String allowed = invalid.getTargetType() != null && invalid.getTargetType().isEnum()
                    ? "must be one of " + enumValues(invalid.getTargetType())
                    : "must be a valid " + simpleTypeName(invalid.getTargetType());
            return ApiException.validation(pointer(invalid), allowed);
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getPath().isEmpty()) {
            return ApiException.badRequest("The body must be a JSON object of the expected shape.");
        }
        if (e instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
            return ApiException.validation(pointer(mismatched), "must be a valid " + simpleTypeName(mismatched.getTargetType()));
        }
        if (e instanceof ValueInstantiationException instantiation && !instantiation.getPath().isEmpty()
                && instantiation.getType() != null && instantiation.getType().isEnumType()) {
            return ApiException.validation(pointer(instantiation), "must be one of " + enumValues(instantiation.getType().getRawClass()));
        }
        if (e instanceof ValueInstantiationException instantiation && !instantiation.getPath().isEmpty()
                && instantiation.getCause() instanceof NullPointerException missing) {
            return ApiException.validation(pointer(instantiation), "is missing " + missing.getMessage());
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                && mapping.getCause() instanceof IllegalArgumentException illegal) {
            return ApiException.validation(pointer(mapping), illegal.getMessage());
        }
        return ApiException.badRequest("The body is not valid JSON of the expected shape.");
    }

    private static String pointer(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String enumValues(Class<?> type) {
        List<String> values = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            values.add(JsonEnums.wireName(constant));
        }
        return String.join(", ", values);
    }

    private static String simpleTypeName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == UUID.class) {
            return "UUID";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (type == String.class) {
            return "string";
        }
        if (type.getName().startsWith("java.time")) {
            return "ISO-8601 time";
        }
        return "object";
    }

}
