package dev.switchboard.support;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/**
 * Assertions for RFC 9457 answers: every error of the API is {@code application/problem+json} with
 * {@code type, title, status, detail}; validation errors add {@code errors: [{field, message}]}.
 */
public final class Problems {

    public static final String PROBLEM_JSON = "application/problem+json";

    private Problems() {
    }

    /** A problem answer with this status (and never a stack trace). */
    public static ValidatableResponse problem(Response response, int status) {
        return response.then()
                .statusCode(status)
                .contentType(startsWith(PROBLEM_JSON))
                .body("type", not(emptyOrNullString()))
                .body("title", not(emptyOrNullString()))
                .body("status", equalTo(status))
                .body("detail", not(emptyOrNullString()))
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    /** A 400 validation problem naming at least these fields, each with a message. */
    public static ValidatableResponse invalid(Response response, String... fields) {
        return problem(response, 400)
                .body("errors.field", hasItems(fields))
                .body("errors.message", everyItem(not(emptyOrNullString())));
    }

    /** A problem with this status whose {@code errors} name at least these fields. */
    public static ValidatableResponse problemNaming(Response response, int status, String... fields) {
        return problem(response, status)
                .body("errors.field", hasItems(fields))
                .body("errors.message", everyItem(not(emptyOrNullString())));
    }

    /** 401: problem+json and a {@code WWW-Authenticate: Bearer} challenge. */
    public static ValidatableResponse unauthorized(Response response) {
        return problem(response, 401).header("WWW-Authenticate", startsWith("Bearer"));
    }
}
