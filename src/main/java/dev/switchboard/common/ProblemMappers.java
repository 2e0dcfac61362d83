package dev.switchboard.common;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;

/**
 * Turns every failure into {@code application/problem+json}: client mistakes get a precise 4xx,
 * anything unexpected a 500 that carries an id for the logs and never a stack trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Response.ResponseBuilder builder = respond(e.toProblem(path(uri)));
        if (e.status() == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response rateLimited(RateLimitedException e, UriInfo uri) {
        return respond(ApiException.tooManyRequests(e.getMessage()).toProblem(path(uri)))
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds())).build();
    }

    @ServerExceptionMapper
    public Response busy(ServiceBusyException e, UriInfo uri) {
        return busy(e.getMessage(), uri);
    }

    private Response busy(String detail, UriInfo uri) {
        return respond(new Problem(Problem.typeUri("busy"), "Service busy", 503, detail, path(uri), null))
                .header(HttpHeaders.RETRY_AFTER, "1").build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .collect(Collectors.toList());
        return api(ApiException.validation(errors), uri);
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class, AuthenticationCompletionException.class })
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return api(ApiException.unauthorized("A valid bearer token is required."), uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return api(ApiException.forbidden("Your role does not allow this."), uri);
    }

    /**
     * Every Jackson failure, listed by type: Quarkus ships mappers for some of these subclasses,
     * and the most specific mapper wins, so each must be named here to answer problem+json.
     */
    @ServerExceptionMapper({ JsonProcessingException.class, JsonParseException.class, JsonMappingException.class,
            MismatchedInputException.class, UnrecognizedPropertyException.class, InvalidFormatException.class,
            ValueInstantiationException.class, InvalidTypeIdException.class, InvalidNullException.class })
    public Response json(JsonProcessingException e, UriInfo uri) {
        return api(JsonProblems.fromJson(e), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return api(JsonProblems.fromJson(json), uri);
        }
        // Quarkus REST wraps what fails while a body is read (e.g. the body limit) as a 400.
        if (cause instanceof ApiException api) {
            return api(api, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed here.";
            case 406 -> "This resource answers application/json only.";
            case 415 -> "Send the request body as application/json.";
            default -> title + ".";
        };
        return respond(new Problem(Problem.typeUri(slug(title)), title, status, detail, path(uri), null)).build();
    }

    /** Database-level failures: unique constraints and stale versions are client-visible conflicts. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api(api, uri);
            }
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return api(UniqueConstraints.conflictFor(pg.getConstraint(), pg.getErrorMessage()), uri);
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException violation
                    && "23505".equals(violation.getSQLState())) {
                return api(UniqueConstraints.conflictFor(violation.getConstraintName(), violation.getMessage()), uri);
            }
            if (t instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()))
                    || t instanceof org.hibernate.JDBCException jdbc
                            && ("40P01".equals(jdbc.getSQLState()) || "40001".equals(jdbc.getSQLState()))) {
                return busy("The change collided with a concurrent one and was not applied; retry.", uri);
            }
            if (t instanceof OptimisticLockException || t instanceof StaleStateException) {
                return api(ApiException.staleVersion(), uri);
            }
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure %s on %s", id, path(uri));
        return respond(new Problem(Problem.typeUri("internal"), "Internal error", 500,
                "Something went wrong on our side; quote " + id + " when reporting it.", path(uri), null)).build();
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // Paths look like "create.body.email" or "create.arg1.email": keep what follows the parameter.
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : parts[parts.length - 1];
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }

    private static String path(UriInfo uri) {
        return RequestPaths.of(uri);
    }

    private static Response.ResponseBuilder respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
