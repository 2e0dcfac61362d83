package dev.switchboard.auth;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.arc.ClientProxy;

/**
 * The service's own claims of a token ({@link Caller#ORG_CLAIM}, {@link CredentialVersions#CLAIM}),
 * read once per token. smallrye-jwt's {@code getClaim} looks every name up in its enum of standard
 * claims and throws and catches an IllegalArgumentException for any other, its stack trace filled
 * in: three or four of them per request (organization checks, revocation check; 140 in 40
 * requests measured), 19 % of the service's allocation in a routes-only benchmark. {@link VerifiedTokens} hands out the same
 * principal for a token until it expires, so the values are kept per principal instance, weakly:
 * they leave with it.
 *
 * @param org                the organization claim's value, or null
 * @param credentialsVersion the credentials version claim's value, or null (a token from before versions)
 */
record TokenClaims(Object org, Object credentialsVersion) {

    /** Keyed by identity: principals do not override equals. */
    private static final Map<JsonWebToken, TokenClaims> KNOWN = Collections.synchronizedMap(new WeakHashMap<>());

    static TokenClaims of(JsonWebToken jwt) {
        // The injected JsonWebToken is a client proxy, the same object in every request: never a key.
        JsonWebToken principal = ClientProxy.unwrap(jwt);
        TokenClaims known = KNOWN.get(principal);
        if (known == null) {
            known = new TokenClaims(principal.getClaim(Caller.ORG_CLAIM), principal.getClaim(CredentialVersions.CLAIM));
            KNOWN.put(principal, known);
        }
        return known;
    }
}
