package dev.switchboard.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.switchboard.account.Emails;
import dev.switchboard.account.User;
import dev.switchboard.account.UserRepository;
import dev.switchboard.common.NativeSql;
import dev.switchboard.common.SwitchboardConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * Makes sure the operator account from {@code SWITCHBOARD_OPERATOR_EMAIL}/{@code _PASSWORD} exists
 * after start-up: created when missing, its password updated when the configured one changed.
 */
@ApplicationScoped
public class OperatorBootstrap {

    private static final Logger LOG = Logger.getLogger(OperatorBootstrap.class);
    /** Advisory lock key: replicas starting together ensure the operator one after the other. */
    private static final long BOOTSTRAP_LOCK = 0x5357_4F50L; // "SWOP"

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final CredentialsBroadcast credentials;
    private final Optional<String> email;
    private final Optional<String> password;

    public OperatorBootstrap(UserRepository users, PasswordHasher hasher, CredentialsBroadcast credentials,
            SwitchboardConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.credentials = credentials;
        this.email = config.operator().email();
        this.password = config.operator().password();
    }

    void onStart(@Observes StartupEvent event) throws Throwable {
        if (email.isEmpty() || password.isEmpty()) {
            LOG.info("No SWITCHBOARD_OPERATOR_EMAIL/SWITCHBOARD_OPERATOR_PASSWORD set: no operator account is ensured.");
            return;
        }
        if (!Passwords.fitsBcrypt(password.get())) {
            LOG.errorf("SWITCHBOARD_OPERATOR_PASSWORD is longer than %d bytes (bcrypt would ignore the rest): no operator account is ensured.",
                    Passwords.MAX_BYTES);
            return;
        }
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::ensureOperator));
        } catch (Throwable failure) {
            if (!isDuplicateEmail(failure)) {
                throw failure;
            }
            // Several replicas starting at once on a fresh database: another one created the
            // account between our check and our insert. Check again; it exists now.
            LOG.debug("Another replica created the operator account concurrently; checking it again");
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::ensureOperator));
        }
    }

    private static boolean isDuplicateEmail(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException violation
                    && "uq_users_email".equals(violation.getConstraintName())) {
                return true;
            }
            if (t instanceof io.vertx.pgclient.PgException pg && "uq_users_email".equals(pg.getConstraint())) {
                return true;
            }
        }
        return false;
    }

    private Uni<Void> ensureOperator() {
        String address = Emails.canonical(email.get());
        // Without the lock, replicas that start at the same time (a fresh Deployment) all find no
        // operator, all insert one, and all but one fail to start on uq_users_email.
        return NativeSql.rows("SELECT count(*) FROM (SELECT pg_advisory_xact_lock($1)) AS held", BOOTSTRAP_LOCK)
                .flatMap(held -> users.findByEmail(address)).flatMap(existing -> {
            if (existing != null && existing.role != Role.OPERATOR) {
                LOG.errorf("SWITCHBOARD_OPERATOR_EMAIL %s belongs to a member of an organization; not making it an operator.", address);
                return Uni.createFrom().voidItem();
            }
            if (existing != null) {
                // A new configured password is a password reset: the operator's earlier tokens stop working.
                return hasher.matches(password.get(), existing.passwordHash).flatMap(same -> same
                        ? Uni.createFrom().voidItem()
                        : hasher.hash(password.get()).invoke(hash -> {
                            existing.passwordHash = hash;
                            existing.credentialsVersion++;
                        }).flatMap(ignored -> users.flush())
                                .flatMap(ignored -> credentials.changed(existing.id, existing.credentialsVersion)));
            }
            User operator = new User();
            operator.id = UUID.randomUUID();
            operator.email = address;
            operator.name = "Operator";
            operator.role = Role.OPERATOR;
            operator.createdAt = Instant.now();
            return hasher.hash(password.get())
                    .invoke(hash -> operator.passwordHash = hash)
                    .flatMap(ignored -> users.persist(operator))
                    .invoke(() -> LOG.infof("Created operator account %s", address))
                    .replaceWithVoid();
        });
    }
}
