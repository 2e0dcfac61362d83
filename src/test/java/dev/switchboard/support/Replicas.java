package dev.switchboard.support;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged service as it runs in production, several replicas sharing one PostgreSQL, for the
 * failsafe tests ({@code *IT}, run after {@code package}): one embedded PostgreSQL and
 * {@code java -jar target/quarkus-app/quarkus-run.jar} child processes, each replica's output in
 * {@code target/<name>-<n>.log}. Not a {@code @QuarkusTest}: replicas are real processes, so a test
 * can kill one.
 */
public final class Replicas implements AutoCloseable {

    public static final String OPERATOR_EMAIL = "operator@multi-replica.test";
    public static final String OPERATOR_PASSWORD = "operator-multi-replica-password";
    public static final String PLATFORM_ID = "sip-platform";
    public static final String PLATFORM_SECRET = "platform-multi-replica-secret";

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path APP = TARGET.resolve("quarkus-app/quarkus-run.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path work;
    private final Path pgData;
    private final int pgPort;
    private final Path privateKey;
    private final Path publicKey;
    private final List<Replica> started = new ArrayList<>();
    private EmbeddedPostgres postgres;

    /** A fresh working directory {@code target/<name>}, a key pair and PostgreSQL's port; nothing started yet. */
    public Replicas(String name) throws Exception {
        if (!Files.exists(APP)) {
            throw new IllegalStateException("the packaged application is missing (mvn package runs before failsafe): " + APP);
        }
        this.name = name;
        this.work = TARGET.resolve(name);
        this.pgData = work.resolve("pg-data");
        deleteRecursively(work);
        Files.createDirectories(work);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        privateKey = work.resolve("private-key.pem");
        publicKey = work.resolve("public-key.pem");
        Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        this.pgPort = freePort();
    }

    /** Starts (or restarts, on the same data) PostgreSQL. */
    public void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setPort(pgPort)
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .start();
        System.out.println("[" + name + "] PostgreSQL on 127.0.0.1:" + pgPort + ", data in " + pgData);
    }

    public void stopPostgres() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.out.println("could not stop PostgreSQL: " + e);
            }
            postgres = null;
        }
    }

    /** What every replica needs (database, operator, platform client, JWT keys), then {@code extra}. */
    public Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + pgPort + "/postgres");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres");
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("SWITCHBOARD_OPERATOR_EMAIL", OPERATOR_EMAIL);
        env.put("SWITCHBOARD_OPERATOR_PASSWORD", OPERATOR_PASSWORD);
        env.put("SWITCHBOARD_PLATFORM_CLIENT_ID", PLATFORM_ID);
        env.put("SWITCHBOARD_PLATFORM_CLIENT_SECRET", PLATFORM_SECRET);
        env.put("SMALLRYE_JWT_SIGN_KEY_LOCATION", privateKey.toUri().toString());
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toUri().toString());
        env.putAll(extra);
        return env;
    }

    /** Starts replica {@code number} (its log: {@code target/<name>-<number>.log}); it is killed on {@link #close}. */
    public Replica start(int number, String replicaName, Map<String, String> env) throws IOException {
        int port = freePort();
        int managementPort = freePort();
        Path log = TARGET.resolve(name + "-" + number + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Small heaps and C1 only: several JVMs (and Maven) share the build machine's cores.
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", APP.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        Process process = builder.start();
        System.out.printf("[%s] replica %s (pid %d) on port %d, management port %d, log %s%n", name, replicaName,
                process.pid(), port, managementPort, log);
        Replica replica = new Replica(replicaName, port, managementPort, log, process);
        started.add(replica);
        return replica;
    }

    /** Prints the last lines of every replica's log (for a failed test). */
    public void printTails(int lines) {
        started.forEach(replica -> replica.printTail(lines));
    }

    /** Kills every replica still running and stops PostgreSQL. */
    @Override
    public void close() {
        for (Replica replica : started) {
            replica.process.destroyForcibly();
        }
        for (Replica replica : started) {
            try {
                replica.process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopPostgres();
    }

    /** One child process running the packaged service. */
    public static final class Replica {
        public final String name;
        public final int port;
        /** Health, metrics and OpenAPI: Quarkus' management interface, a port of its own per replica. */
        public final int managementPort;
        public final Path log;
        public final Process process;

        private Replica(String name, int port, int managementPort, Path log, Process process) {
            this.name = name;
            this.port = port;
            this.managementPort = managementPort;
            this.log = log;
            this.process = process;
        }

        public void awaitReady() {
            long started = System.nanoTime();
            Awaitility.await("replica " + name + " ready").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            printTail(80);
                            throw new AssertionError("replica " + name + " exited with " + process.exitValue());
                        }
                        return readiness() == 200;
                    });
            System.out.printf("[replicas] replica %s ready after %d ms%n", name,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }

        public int readiness() {
            return status(management("/q/health/ready"));
        }

        public URI main(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        public URI management(String path) {
            return URI.create("http://127.0.0.1:" + managementPort + path);
        }

        /** A REST request to this replica, with {@code token} as bearer when not null. */
        public RequestSpecification api(String token) {
            RequestSpecification spec = given().baseUri("http://127.0.0.1").port(port)
                    .contentType(ContentType.JSON).accept(ContentType.JSON);
            return token == null ? spec : spec.auth().oauth2(token);
        }

        public String login(String email, String password) {
            return api(null).body(Map.of("email", email, "password", password)).post("/api/auth/token")
                    .then().statusCode(200).extract().path("accessToken");
        }

        public List<String> logLines() throws IOException {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        }

        public void printTail(int lines) {
            try {
                List<String> all = logLines();
                System.out.printf("%n===== replica %s (%s), last %d lines of %s =====%n", name,
                        process.isAlive() ? "running" : "exited " + process.exitValue(), lines, log);
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
                System.out.println("===== end of " + log.getFileName() + " =====");
            } catch (IOException | UncheckedIOException e) {
                System.out.println("could not read " + log + ": " + e);
            }
        }
    }

    /** The status code of a GET, or -1 when none came. */
    public static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
