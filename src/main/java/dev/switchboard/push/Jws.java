package dev.switchboard.push;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import io.vertx.core.json.JsonObject;

/**
 * Compact JWS signing for the two provider tokens, by hand so the header and claims are exactly
 * what the providers ask for (no default {@code exp}/{@code jti}/issuer added by a JWT library):
 * RS256 for Google's service-account assertion, ES256 for the APNs provider token.
 */
final class Jws {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Jws() {
    }

    static String rs256(JsonObject header, JsonObject claims, PrivateKey key) {
        return sign("RS256", "SHA256withRSA", header, claims, key);
    }

    /** ES256 signatures are the raw 64-byte R‖S (JOSE), not DER: the P1363 format gives exactly that. */
    static String es256(JsonObject header, JsonObject claims, PrivateKey key) {
        return sign("ES256", "SHA256withECDSAinP1363Format", header, claims, key);
    }

    private static String sign(String alg, String jcaAlgorithm, JsonObject header, JsonObject claims, PrivateKey key) {
        JsonObject fullHeader = new JsonObject().put("alg", alg).mergeIn(header);
        String input = encode(fullHeader.encode()) + "." + encode(claims.encode());
        try {
            Signature signature = Signature.getInstance(jcaAlgorithm);
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign a " + alg + " token: " + e.getMessage(), e);
        }
    }

    private static String encode(String json) {
        return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}) of the given JCA algorithm ("RSA", "EC"). */
    static PrivateKey privateKey(String pem, String algorithm) {
        String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]*PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 PEM " + algorithm + " private key", e);
        }
    }
}
