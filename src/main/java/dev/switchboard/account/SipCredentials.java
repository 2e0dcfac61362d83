package dev.switchboard.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Generated SIP credentials. The plaintext password is shown once (create, rotate) and never
 * stored: the registrar needs only the digest HA1 values (RFC 2617 MD5 and RFC 7616 SHA-256) for
 * the configured realm.
 */
public record SipCredentials(String username, String password, String realm, String ha1Md5, String ha1Sha256) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String USERNAME_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    // Letters and digits only: many desk phones' web UIs and provisioning files mangle symbols.
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24; // ~139 bits

    public static SipCredentials generate(String realm) {
        return forUsername("sb" + random(USERNAME_ALPHABET, 10), realm);
    }

    public static SipCredentials forUsername(String username, String realm) {
        String password = random(PASSWORD_ALPHABET, PASSWORD_LENGTH);
        String a1 = username + ":" + realm + ":" + password;
        return new SipCredentials(username, password, realm, digest("MD5", a1), digest("SHA-256", a1));
    }

    private static String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    static String digest(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
