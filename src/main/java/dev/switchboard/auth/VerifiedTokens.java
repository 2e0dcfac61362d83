package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.switchboard.common.SwitchboardConfig;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The token parser Quarkus' bearer authentication uses ({@code MpJwtValidator} injects a
 * {@link JWTParser}), remembering the tokens it verified until they expire: a client sends the
 * same token with every request for an hour, and checking its RSA signature and parsing its claims
 * each time was an eighth of a REST request's CPU.
 *
 * <p>An entry is keyed by the SHA-256 of the whole token, signature included, and made only after
 * smallrye-jwt verified it: a token with other claims or another signature is another key, and
 * goes through the full verification. At {@code exp} the entry no longer answers, and the token is
 * verified again (and refused as expired, with smallrye-jwt's own clock rules). Revocation is not
 * this class's business: {@link AccountStillValidFilter} checks the credentials version on every
 * request, cached or not.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    private record Verified(JsonWebToken token, long expiresAtSeconds) {
    }

    private final DefaultJWTParser verifier;
    private final int maxEntries;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    /** Marked: with two constructors ArC otherwise finds none to use and drops the bean without a word. */
    @Inject
    public VerifiedTokens(DefaultJWTParser verifier, SwitchboardConfig config) {
        this(verifier, config.auth().tokenCacheSize());
    }

    VerifiedTokens(DefaultJWTParser verifier, int maxEntries) {
        this.verifier = verifier;
        this.maxEntries = maxEntries;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (maxEntries <= 0 || token == null) {
            return verifier.parse(token);
        }
        String key = hash(token);
        Verified known = verified.get(key);
        long now = System.currentTimeMillis() / 1000;
        if (known != null && now < known.expiresAtSeconds()) {
            return known.token();
        }
        JsonWebToken jwt = verifier.parse(token);
        if (jwt.getExpirationTime() > now) {
            makeRoom(now);
            verified.put(key, new Verified(jwt, jwt.getExpirationTime()));
        }
        return jwt;
    }

    /** Bounded: expired entries go first; if that frees too little, an arbitrary tenth goes too. */
    private void makeRoom(long now) {
        if (verified.size() < maxEntries) {
            return;
        }
        verified.values().removeIf(entry -> entry.expiresAtSeconds() <= now);
        int drop = verified.size() - maxEntries + Math.max(1, maxEntries / 10);
        Iterator<String> keys = verified.keySet().iterator();
        while (drop-- > 0 && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    // Everything else is not the bearer path: straight to smallrye-jwt, never cached.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
