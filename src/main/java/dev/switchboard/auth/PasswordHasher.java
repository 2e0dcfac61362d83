package dev.switchboard.auth;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * bcrypt hashing and checking. bcrypt is deliberately slow, so it runs on a worker thread and the
 * pipeline resumes on the caller's Vert.x context (safe for Hibernate Reactive afterwards).
 */
@ApplicationScoped
public class PasswordHasher {

    private final Vertx vertx;
    private final int cost;
    // A hash of a random string: checking unknown emails against it costs the same time as a real
    // check, so response times do not reveal which emails exist.
    private volatile String dummyHash;

    public PasswordHasher(Vertx vertx, SwitchboardConfig config) {
        this.vertx = vertx;
        this.cost = config.auth().bcryptCost();
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password, cost)));
    }

    /** Checks a password against a hash; a null hash (no password set) never matches. */
    public Uni<Boolean> matches(String password, String hashOrNull) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            boolean ok = safeMatches(password, hashOrNull == null ? dummyHash() : hashOrNull);
            return ok && hashOrNull != null;
        }));
    }

    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            hash = BcryptUtil.bcryptHash(java.util.UUID.randomUUID().toString(), cost);
            dummyHash = hash;
        }
        return hash;
    }

    private static boolean safeMatches(String password, String hash) {
        try {
            return BcryptUtil.matches(password, hash);
        } catch (RuntimeException malformedHash) {
            return false;
        }
    }
}
