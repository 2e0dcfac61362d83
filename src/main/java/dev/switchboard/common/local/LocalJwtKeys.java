package dev.switchboard.common.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * An RSA key pair for signing and verifying JWTs in dev mode and tests. Dev keeps it in a
 * directory so tokens survive a restart; tests use a throw-away one. Production never gets here.
 */
final class LocalJwtKeys {

    /** A system property, named outside {@code switchboard.*} like {@link EmbeddedDatabase#PORT_PROPERTY}. */
    static final String DIR_PROPERTY = "dev.switchboard.local.jwt-keys-dir";

    private LocalJwtKeys() {
    }

    static synchronized Map<String, String> ensure(String keyDir) {
        try {
            String known = System.getProperty(DIR_PROPERTY);
            Path dir = keyDir != null ? Path.of(keyDir).toAbsolutePath()
                    : known != null ? Path.of(known) : Files.createTempDirectory("switchboard-jwt");
            System.setProperty(DIR_PROPERTY, dir.toString());
            Path privateKey = dir.resolve("private-key.pem");
            Path publicKey = dir.resolve("public-key.pem");
            if (!Files.exists(privateKey) || !Files.exists(publicKey)) {
                Files.createDirectories(dir);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
                Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            }
            return Map.of(
                    "smallrye.jwt.sign.key.location", privateKey.toUri().toString(),
                    "mp.jwt.verify.publickey.location", publicKey.toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the local JWT key pair", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
