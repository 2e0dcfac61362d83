package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.account.Emails;
import dev.switchboard.account.User;
import dev.switchboard.account.UserRepository;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;

/** Exchanges credentials for a signed JWT: users by email and password, the SIP platform by client secret. */
@ApplicationScoped
public class TokenService {

    public record TokenResponse(String accessToken, String tokenType, long expiresIn) {
    }

    private static final String BAD_CREDENTIALS = "Unknown email or wrong password.";

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final LoginRateLimiter limiter;
    private final Duration lifetime;
    private final Optional<String> platformClientId;
    private final Optional<String> platformClientSecret;

    public TokenService(UserRepository users, PasswordHasher hasher, LoginRateLimiter limiter,
            SwitchboardConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.limiter = limiter;
        this.lifetime = config.auth().tokenLifetime();
        this.platformClientId = config.platform().clientId();
        this.platformClientSecret = config.platform().clientSecret();
    }

    /** Counts an attempt from this address; see {@link LoginRateLimiter}. */
    public void attemptFrom(String clientAddress) {
        limiter.attemptFrom(clientAddress);
    }

    /**
     * Same 401 for an unknown email and a wrong password, after the same bcrypt work. The fields
     * are already checked to be of bounded length; the email is counted in its canonical form, so
     * {@code " User@x"} spends the budget of {@code user@x}.
     */
    @WithSession
    public Uni<TokenResponse> forUser(String email, String password) {
        String canonical = Emails.canonical(email);
        limiter.attemptForEmail(canonical);
        return users.findByEmail(canonical).flatMap(user -> hasher
                .matches(password, user == null ? null : user.passwordHash)
                .map(ok -> {
                    if (!ok) {
                        throw ApiException.unauthorized(BAD_CREDENTIALS);
                    }
                    return issue(user);
                }));
    }

    public TokenResponse forPlatform(String clientId, String clientSecret) {
        limiter.attemptForClient(clientId);
        boolean configured = platformClientId.isPresent() && platformClientSecret.isPresent();
        if (!configured || !constantTimeEquals(clientId, platformClientId.get())
                || !constantTimeEquals(clientSecret, platformClientSecret.get())) {
            throw ApiException.unauthorized("Unknown client or wrong secret.");
        }
        String token = Jwt.subject(clientId).upn(clientId).groups(Set.of(Role.PLATFORM_NAME))
                .expiresIn(lifetime).sign();
        return new TokenResponse(token, "Bearer", lifetime.toSeconds());
    }

    public TokenResponse issue(User user) {
        var builder = Jwt.subject(user.id.toString()).upn(user.email).groups(Set.of(user.role.wire()))
                .claim(CredentialVersions.CLAIM, user.credentialsVersion).expiresIn(lifetime);
        if (user.orgId != null) {
            builder.claim(Caller.ORG_CLAIM, user.orgId.toString());
        }
        return new TokenResponse(builder.sign(), "Bearer", lifetime.toSeconds());
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
