package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;

/**
 * The verified-token cache in front of smallrye-jwt's real verifier (a real key pair, no clock
 * skew, so expiry is exact): it saves the verification of a token seen before, and nothing else.
 * Revocation through the cache is covered over HTTP in {@link CredentialRevocationTest}.
 */
class VerifiedTokensTest {

    private static final String ISSUER = "https://switchboard.dev/issuer";
    private static final KeyPair OURS = rsa();
    private static final KeyPair OTHER = rsa();

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VerifiedTokens tokens(int maxEntries) {
        JWTAuthContextInfo context = new JWTAuthContextInfo(OURS.getPublic(), ISSUER);
        context.setClockSkew(0);
        return new VerifiedTokens(new DefaultJWTParser(context), maxEntries);
    }

    private static String token(String subject, long expiresAt, PrivateKey key) {
        return Jwt.issuer(ISSUER).subject(subject).groups(Set.of("user")).issuedAt(expiresAt - 3600)
                .expiresAt(expiresAt).sign(key);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void aTokenSeenBeforeIsAnsweredWithoutVerifyingItAgain() throws ParseException {
        VerifiedTokens tokens = tokens(100);
        String token = token("anna", now() + 3600, OURS.getPrivate());

        JsonWebToken first = tokens.parse(token);

        assertThat(first.getSubject()).isEqualTo("anna");
        assertThat(tokens.parse(token)).as("the verified token, from the cache").isSameAs(first);
    }

    @Test
    void anExpiredTokenIsRefusedAlthoughItWasCached() throws ParseException {
        VerifiedTokens tokens = tokens(100);
        String token = token("anna", now() + 2, OURS.getPrivate());
        JsonWebToken cached = tokens.parse(token);
        assertThat(tokens.parse(token)).isSameAs(cached);

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThatThrownBy(() -> tokens.parse(token)).isInstanceOf(ParseException.class));
    }

    @Test
    void theSameClaimsSignedByAnotherKeyAreNeverAcceptedFromTheCache() throws ParseException {
        VerifiedTokens tokens = tokens(100);
        long expiresAt = now() + 3600;
        String genuine = token("anna", expiresAt, OURS.getPrivate());
        String forged = token("anna", expiresAt, OTHER.getPrivate());
        tokens.parse(genuine);

        assertThatThrownBy(() -> tokens.parse(forged)).isInstanceOf(ParseException.class);
        // Nor a genuine header and claims with the other key's signature pasted on.
        String pasted = genuine.substring(0, genuine.lastIndexOf('.')) + forged.substring(forged.lastIndexOf('.'));
        assertThatThrownBy(() -> tokens.parse(pasted)).isInstanceOf(ParseException.class);
        assertThat(tokens.parse(genuine).getSubject()).isEqualTo("anna");
    }

    @Test
    void aFullCacheStillVerifiesAndAcceptsEveryValidToken() throws ParseException {
        VerifiedTokens tokens = tokens(5);
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            issued.add(token("user-" + i, now() + 3600, OURS.getPrivate()));
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < issued.size(); i++) {
                assertThat(tokens.parse(issued.get(i)).getSubject()).isEqualTo("user-" + i);
            }
        }
        assertThatThrownBy(() -> tokens.parse(token("mallory", now() + 3600, OTHER.getPrivate())))
                .isInstanceOf(ParseException.class);
    }

    @Test
    void withNoCacheEveryTokenIsVerified() throws ParseException {
        VerifiedTokens tokens = tokens(0);
        String token = token("anna", now() + 3600, OURS.getPrivate());

        assertThat(tokens.parse(token)).isNotSameAs(tokens.parse(token));
    }
}
