package dev.switchboard.auth;

import static dev.switchboard.support.Fixtures.usersPath;
import static dev.switchboard.support.Problems.invalid;
import static dev.switchboard.support.Problems.problem;
import static dev.switchboard.support.Problems.unauthorized;
import static dev.switchboard.support.TestApi.PASSWORD;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.login;
import static dev.switchboard.support.TestApi.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.SocketClient;
import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A password change or reset, an email change, a role change and deletion revoke every token and
 * ws ticket issued before them: REST answers 401, a new socket is refused with 401 and open ones
 * close with 4401, while signing in again works at once.
 */
@QuarkusTest
class CredentialRevocationTest {

    private static final String NEW_PASSWORD = "a-brand-new-password";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    /** What Quarkus' bearer authentication verifies tokens with. */
    @Inject
    io.smallrye.jwt.auth.principal.JWTParser bearerTokens;

    private static String path(TestUser user) {
        return usersPath(user.orgId()) + "/" + user.id();
    }

    private static String ticket(String token) {
        return as(token).post("/api/ws-tickets").then().statusCode(200).extract().path("ticket");
    }

    // --- changing one's own password ---------------------------------------------------------------

    @Test
    void changingOnesOwnPasswordNeedsTheCurrentOne() {
        TestUser anna = TestApi.user(createOrg());

        invalid(as(anna.token()).body(Map.of("password", NEW_PASSWORD)).patch(path(anna)), "currentPassword");
        problem(as(anna.token()).body(Map.of("password", NEW_PASSWORD, "currentPassword", "not-the-password"))
                .patch(path(anna)), 403)
                .body("type", endsWith("/wrong-password"))
                .body("errors.field", org.hamcrest.Matchers.hasItem("currentPassword"));
        // Neither attempt changed anything.
        as(anna.token()).get(path(anna)).then().statusCode(200).body("version", equalTo(0));

        as(anna.token()).body(Map.of("password", NEW_PASSWORD, "currentPassword", PASSWORD)).patch(path(anna))
                .then().statusCode(200);
        login(anna.email(), NEW_PASSWORD);
    }

    @Test
    void guessingTheCurrentPasswordWithAStolenTokenIsRateLimitedLikeSigningIn() {
        TestUser anna = TestApi.user(createOrg());
        Map<String, Object> guess = Map.of("password", NEW_PASSWORD, "currentPassword", "guess");
        // Her sign-in counted once; nine more guesses fill the email's budget of ten a minute.
        for (int attempt = 1; attempt <= 9; attempt++) {
            problem(as(anna.token()).body(guess).patch(path(anna)), 403);
        }
        problem(as(anna.token()).body(guess).patch(path(anna)), 429);
        problem(as(anna.token()).body(Map.of("password", NEW_PASSWORD, "currentPassword", PASSWORD)).patch(path(anna)), 429);
    }

    @Test
    void anAdminNeedsTheirOwnCurrentPasswordButResetsOthersWithoutIt() {
        UUID org = createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser bob = TestApi.user(org);

        invalid(as(admin.token()).body(Map.of("password", NEW_PASSWORD)).patch(path(admin)), "currentPassword");
        as(admin.token()).body(Map.of("password", NEW_PASSWORD)).patch(path(bob)).then().statusCode(200);
        login(bob.email(), NEW_PASSWORD);
        as(operator()).body(Map.of("password", PASSWORD)).patch(path(bob)).then().statusCode(200);
        login(bob.email(), PASSWORD);
    }

    // --- what a change revokes -------------------------------------------------------------------

    /** A change to anna's credentials; answers the email and password she signs in with afterwards. */
    interface Change {
        String[] apply(TestUser anna, TestUser admin);
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("her own password change", (Change) (anna, admin) -> {
                    as(anna.token()).body(Map.of("password", NEW_PASSWORD, "currentPassword", PASSWORD))
                            .patch(path(anna)).then().statusCode(200);
                    return new String[] { anna.email(), NEW_PASSWORD };
                }),
                Arguments.of("a password reset by an admin", (Change) (anna, admin) -> {
                    as(admin.token()).body(Map.of("password", NEW_PASSWORD)).patch(path(anna)).then().statusCode(200);
                    return new String[] { anna.email(), NEW_PASSWORD };
                }),
                Arguments.of("an email change", (Change) (anna, admin) -> {
                    String email = Fixtures.newEmail();
                    as(admin.token()).body(Map.of("email", email)).patch(path(anna)).then().statusCode(200);
                    return new String[] { email, PASSWORD };
                }),
                Arguments.of("a role change", (Change) (anna, admin) -> {
                    as(admin.token()).body(Map.of("role", "admin")).patch(path(anna)).then().statusCode(200);
                    return new String[] { anna.email(), PASSWORD };
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void aChangeRevokesEarlierTokensTicketsAndSocketsAndSigningInAgainWorksAtOnce(String label, Change change) {
        UUID org = createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser anna = TestApi.user(org);
        String earlierTicket = ticket(anna.token());
        // Verified once: from here on the token is answered from this replica's verified-token cache.
        as(anna.token()).get(path(anna)).then().statusCode(200);

        try (SocketClient open = SocketClient.connect(base, anna.token(), null)) {
            open.next("snapshot");

            String[] credentials = change.apply(anna, admin);

            unauthorized(as(anna.token()).get(path(anna)));
            unauthorized(as(anna.token()).post("/api/ws-tickets"));
            assertThat(SocketClient.rejectedStatus(base, anna.token(), null)).isEqualTo(401);
            assertThat(SocketClient.rejectedStatus(base, null, "ticket=" + earlierTicket)).isEqualTo(401);
            assertThat(open.awaitClose()).isEqualTo(4401);

            // Signing in again works at once, even within the same second as the change.
            String fresh = login(credentials[0], credentials[1]);
            as(fresh).get(path(anna)).then().statusCode(200);
            try (SocketClient bearer = SocketClient.connect(base, fresh, null);
                    SocketClient ticketed = SocketClient.connect(base, null, "ticket=" + ticket(fresh))) {
                bearer.next("snapshot");
                ticketed.next("snapshot");
            }
        }
        // The admin's own token was not touched.
        as(admin.token()).get(path(anna)).then().statusCode(200);
    }

    @Test
    void theSameClaimsSignedByAnotherKeyAreRefusedWhileTheGenuineTokenIsCached() throws Exception {
        assertThat(bearerTokens).as("bearer tokens go through the cache").isInstanceOf(VerifiedTokens.class);
        TestUser anna = TestApi.user(createOrg());
        as(anna.token()).get(path(anna)).then().statusCode(200);
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String[] parts = anna.token().split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);

        String forged = Jwt.claims(jakarta.json.Json.createReader(new java.io.StringReader(claims)).readObject()).sign(generator.generateKeyPair().getPrivate());
        String pasted = parts[0] + "." + parts[1] + "." + forged.split("\\.")[2];

        unauthorized(as(forged).get(path(anna)));
        unauthorized(as(pasted).get(path(anna)));
        as(anna.token()).get(path(anna)).then().statusCode(200);
    }

    @Test
    void aSocketOpenedWithTheNewTokenSurvivesTheAnnouncementThatClosedTheOldOne() {
        TestUser anna = TestApi.user(createOrg());
        try (SocketClient old = SocketClient.connect(base, anna.token(), null)) {
            old.next("snapshot");
            as(anna.token()).body(Map.of("password", NEW_PASSWORD, "currentPassword", PASSWORD)).patch(path(anna))
                    .then().statusCode(200);
            String fresh = login(anna.email(), NEW_PASSWORD);

            try (SocketClient current = SocketClient.connect(base, fresh, null)) {
                current.next("snapshot");
                assertThat(old.awaitClose()).isEqualTo(4401);

                // The same announcement once more, as a slow replica might deliver it late.
                notify("v:" + anna.id() + ":1");
                Awaitility.await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !current.isClosed());
                as(fresh).get(path(anna)).then().statusCode(200);
            }
        }
    }

    @Test
    void aChangeCommittedByAnotherReplicaRevokesTokensAndSocketsHere() {
        TestUser anna = TestApi.user(createOrg());
        as(anna.token()).get(path(anna)).then().statusCode(200); // this replica now knows version 0

        try (SocketClient open = SocketClient.connect(base, anna.token(), null)) {
            open.next("snapshot");

            // What another replica's change commits: the raised version and its announcement.
            pool.withTransaction(connection -> connection
                    .preparedQuery("UPDATE users SET credentials_version = credentials_version + 1 WHERE id = $1 "
                            + "RETURNING credentials_version")
                    .execute(Tuple.of(anna.id()))
                    .flatMap(rows -> connection.preparedQuery("SELECT pg_notify('switchboard_presence', $1)")
                            .execute(Tuple.of("v:" + anna.id() + ":" + rows.iterator().next().getLong(0)))))
                    .await().atMost(WAIT);

            assertThat(open.awaitClose()).isEqualTo(4401);
            Awaitility.await().atMost(WAIT).until(() -> as(anna.token()).get(path(anna)).statusCode() == 401);
            unauthorized(as(anna.token()).get(path(anna)));
        }
        as(login(anna.email(), PASSWORD)).get(path(anna)).then().statusCode(200);
    }

    @Test
    void changesMissedWhileNotListeningAreCaughtUpWhenListeningAgain() {
        TestUser anna = TestApi.user(createOrg());
        as(anna.token()).get(path(anna)).then().statusCode(200);

        try (SocketClient open = SocketClient.connect(base, anna.token(), null)) {
            open.next("snapshot");

            // A change whose announcement this replica never hears, then the listen connection drops.
            pool.preparedQuery("UPDATE users SET credentials_version = credentials_version + 1 WHERE id = $1")
                    .execute(Tuple.of(anna.id())).await().atMost(WAIT);
            pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()").execute().await().atMost(WAIT);

            assertThat(open.awaitClose()).isEqualTo(4401);
            Awaitility.await().atMost(WAIT).until(() -> as(anna.token()).get(path(anna)).statusCode() == 401);
        }
    }

    @Test
    void aDeletedUsersTokenAndTicketAreRefusedAtTheUpgrade() {
        UUID org = createOrg();
        TestUser admin = TestApi.admin(org);
        TestUser anna = TestApi.user(org);
        String earlierTicket = ticket(anna.token());

        as(admin.token()).delete(path(anna)).then().statusCode(204);

        unauthorized(as(anna.token()).get(path(anna)));
        assertThat(SocketClient.rejectedStatus(base, anna.token(), null)).isEqualTo(401);
        assertThat(SocketClient.rejectedStatus(base, null, "ticket=" + earlierTicket)).isEqualTo(401);
    }

    @Test
    void tokensFromBeforeVersionsCountAsVersionZeroAndKeepTheRoleCheck() {
        UUID org = createOrg();
        TestUser anna = TestApi.user(org);
        String legacyUser = Jwt.subject(anna.id().toString()).upn(anna.email()).groups(Set.of("user"))
                .claim("org", org.toString()).sign();
        String legacyAdmin = Jwt.subject(anna.id().toString()).upn(anna.email()).groups(Set.of("admin"))
                .claim("org", org.toString()).sign();

        as(legacyUser).get(path(anna)).then().statusCode(200);
        unauthorized(as(legacyAdmin).get(path(anna)));

        as(operator()).body(Map.of("password", NEW_PASSWORD)).patch(path(anna)).then().statusCode(200);
        unauthorized(as(legacyUser).get(path(anna)));
    }

    private void notify(String payload) {
        pool.preparedQuery("SELECT pg_notify('switchboard_presence', $1)").execute(Tuple.of(payload)).await().atMost(WAIT);
    }
}
