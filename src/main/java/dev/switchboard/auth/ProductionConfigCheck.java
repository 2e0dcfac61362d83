package dev.switchboard.auth;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * Production has no generated keys: without them no token could be issued or checked, so refuse
 * to start and say which settings are missing.
 */
@ApplicationScoped
public class ProductionConfigCheck {

    private final Optional<String> signKey;
    private final Optional<String> verifyKey;

    public ProductionConfigCheck(
            @ConfigProperty(name = "smallrye.jwt.sign.key.location") Optional<String> signKey,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> verifyKey) {
        this.signKey = signKey;
        this.verifyKey = verifyKey;
    }

    void onStart(@Observes StartupEvent event) {
        if (signKey.isEmpty() || verifyKey.isEmpty()) {
            throw new IllegalStateException("JWT keys are not configured: set SMALLRYE_JWT_SIGN_KEY_LOCATION (private key PEM) "
                    + "and MP_JWT_VERIFY_PUBLICKEY_LOCATION (public key PEM), the same on every replica.");
        }
    }
}
