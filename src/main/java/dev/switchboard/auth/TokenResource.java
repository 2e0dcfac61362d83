package dev.switchboard.auth;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.switchboard.auth.TokenService.TokenResponse;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

@Path("/api/auth/token")
@Tag(name = "Authentication")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@PermitAll
public class TokenResource {

    /** Either {@code email} + {@code password} (users) or {@code clientId} + {@code clientSecret} (SIP platform). */
    public record TokenRequest(String email, String password, String clientId, String clientSecret) {
    }

    private final TokenService tokens;

    public TokenResource(TokenService tokens) {
        this.tokens = tokens;
    }

    @POST
    public Uni<TokenResponse> token(@NotNull TokenRequest body, HttpServerRequest request) {
        String address = request.remoteAddress() == null ? null : request.remoteAddress().host();
        boolean user = body.email() != null || body.password() != null;
        boolean client = body.clientId() != null || body.clientSecret() != null;
        if (user == client) {
            throw ApiException.badRequest("Send either email and password, or clientId and clientSecret.");
        }
        if (user) {
            requireBoth("email", body.email(), "password", body.password());
            return tokens.forUser(body.email(), body.password(), address);
        }
        requireBoth("clientId", body.clientId(), "clientSecret", body.clientSecret());
        return Uni.createFrom().item(tokens.forPlatform(body.clientId(), body.clientSecret(), address));
    }

    private static void requireBoth(String firstName, String first, String secondName, String second) {
        java.util.List<Problem.FieldError> errors = new java.util.ArrayList<>();
        if (first == null || first.isBlank()) {
            errors.add(new Problem.FieldError(firstName, "must not be blank"));
        }
        if (second == null || second.isEmpty()) {
            errors.add(new Problem.FieldError(secondName, "must not be blank"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }
}
