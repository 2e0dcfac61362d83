package dev.switchboard.auth;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.account.Emails;
import dev.switchboard.auth.TokenService.TokenResponse;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.resteasy.reactive.server.Cancellable;

@Path("/api/auth/token")
@Tag(name = "Authentication")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@PermitAll
// A write the service has begun is finished even if the client hangs up (docs/api.md, "Requests a client abandons").
@Cancellable(false)
public class TokenResource {

    /** Either {@code email} + {@code password} (users) or {@code clientId} + {@code clientSecret} (SIP platform). */
    public record TokenRequest(String email, String password, String clientId, String clientSecret) {
    }

    private final TokenService tokens;

    public TokenResource(TokenService tokens) {
        this.tokens = tokens;
    }

    /** Longest clientId and clientSecret looked at: anything longer is refused before it is counted or compared. */
    static final int MAX_CLIENT_ID = 200;
    static final int MAX_CLIENT_SECRET = 512;

    @POST
    public Uni<TokenResponse> token(@NotNull TokenRequest body, HttpServerRequest request) {
        // The address key is bounded, so it is counted first: floods of invalid bodies spend it too.
        tokens.attemptFrom(request.remoteAddress() == null ? null : request.remoteAddress().host());
        boolean user = body.email() != null || body.password() != null;
        boolean client = body.clientId() != null || body.clientSecret() != null;
        if (user == client) {
            throw ApiException.badRequest("Send either email and password, or clientId and clientSecret.");
        }
        // Every field is bounded before anything about it is stored (the rate limiter) or hashed.
        List<Problem.FieldError> errors = new ArrayList<>();
        if (user) {
            requireText(errors, "email", body.email(), Emails.MAX_LENGTH + " characters", body.email() == null
                    || body.email().length() <= Emails.MAX_LENGTH);
            requireText(errors, "password", body.password(), Passwords.MAX_BYTES + " bytes of UTF-8",
                    Passwords.fitsBcrypt(body.password()));
            failIfAny(errors);
            return tokens.forUser(body.email(), body.password());
        }
        requireText(errors, "clientId", body.clientId(), MAX_CLIENT_ID + " characters",
                body.clientId() == null || body.clientId().length() <= MAX_CLIENT_ID);
        requireText(errors, "clientSecret", body.clientSecret(), MAX_CLIENT_SECRET + " characters",
                body.clientSecret() == null || body.clientSecret().length() <= MAX_CLIENT_SECRET);
        failIfAny(errors);
        return Uni.createFrom().item(tokens.forPlatform(body.clientId(), body.clientSecret()));
    }

    private static void requireText(List<Problem.FieldError> errors, String field, String value, String limit,
            boolean withinLimit) {
        // Secrets may be all spaces; names may not.
        boolean secret = field.equals("password") || field.equals("clientSecret");
        if (value == null || (secret ? value.isEmpty() : value.isBlank())) {
            errors.add(new Problem.FieldError(field, "must not be blank"));
        } else if (!withinLimit) {
            errors.add(new Problem.FieldError(field, "must be at most " + limit));
        }
    }

    private static void failIfAny(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }
}
