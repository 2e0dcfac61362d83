package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import io.kubernetes.client.custom.Quantity;
import io.smallrye.config.WithName;
import io.smallrye.jwt.build.impl.JwtBuildUtils;
import io.smallrye.jwt.config.JWTAuthContextInfoProvider;

/**
 * The Kubernetes manifests under {@code k8s/}, as {@code kubectl apply -k k8s/overlays/<env>} would
 * send them: each overlay is rendered by kustomize ({@code kubectl kustomize}), every object is
 * validated against the Kubernetes API schema, and the objects are checked against each other and
 * against the application (ports, health paths, configuration properties, drain timing, images).
 * Starts nothing; plain JUnit.
 *
 * <p>Schema validation uses the official Kubernetes Java client's models, generated from the
 * Kubernetes OpenAPI document: their {@code validateJsonElement} rejects unknown fields (a typo is
 * an error, as with {@code kubectl apply --validate=strict}) and missing required ones, and
 * deserializing through the models checks value types, quantities and int-or-string ports.
 * CloudNativePG's {@code Cluster} is a custom resource without a published schema here, so only the
 * fields the application depends on are checked.
 */
class KubernetesManifestsTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path K8S = PROJECT.resolve("k8s");
    private static final List<String> OVERLAYS = List.of("dev", "prod");
    /** The image repository, in the overlays' kustomizations, the Dockerfiles and docs/deploy.md. */
    private static final String IMAGE = "quay.io/switchboard/switchboard";
    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    /** The served, non-deprecated API version of every kind the manifests may use. */
    private static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("Namespace", "v1"), Map.entry("ServiceAccount", "v1"), Map.entry("ConfigMap", "v1"),
            Map.entry("Secret", "v1"), Map.entry("Service", "v1"), Map.entry("Deployment", "apps/v1"),
            Map.entry("PodDisruptionBudget", "policy/v1"), Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
            Map.entry("Ingress", "networking.k8s.io/v1"), Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("Cluster", "postgresql.cnpg.io/v1"));
    /** What production must be given (README.md, "Running in production"). */
    private static final List<String> REQUIRED_ENV = List.of("QUARKUS_DATASOURCE_REACTIVE_URL",
            "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
            "SMALLRYE_JWT_SIGN_KEY_LOCATION", "MP_JWT_VERIFY_PUBLICKEY_LOCATION");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, List<ObjectNode>> RENDERED = new LinkedHashMap<>();
    private static Properties appProperties;

    @BeforeAll
    static void renderOverlays() throws Exception {
        appProperties = new Properties();
        try (var reader = Files.newBufferedReader(PROJECT.resolve("src/main/resources/application.properties"))) {
            appProperties.load(reader);
        }
        List<String> kustomize = findKustomize();
        Assumptions.assumeTrue(kustomize != null, "Skipped: neither kubectl (with its built-in kustomize) nor "
                + "kustomize is on the PATH, so k8s/overlays cannot be rendered as `kubectl apply -k` would.");
        for (String overlay : OVERLAYS) {
            List<String> command = new ArrayList<>(kustomize);
            command.add(K8S.resolve("overlays").resolve(overlay).toString());
            RENDERED.put(overlay, parseYaml(run(command)));
        }
    }

    // --- schema ------------------------------------------------------------------------------------

    @Test
    void everyObjectOfBothOverlaysIsValidAgainstTheKubernetesSchema() {
        RENDERED.forEach((overlay, objects) -> {
            assertThat(kinds(objects)).as(overlay).containsExactlyInAnyOrder("Namespace", "ServiceAccount", "ConfigMap",
                    "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
                    "Cluster");
            objects.forEach(object -> validate(overlay, object));
        });
    }

    @Test
    void theExampleSecretsAreValidAndHoldOnlyPlaceholders() throws IOException {
        List<ObjectNode> secrets = examples();
        assertThat(kinds(secrets)).containsExactlyInAnyOrder("Secret", "Secret");
        secrets.forEach(secret -> validate("examples", secret));
        secrets.forEach(secret -> secret.path("stringData").fields().forEachRemaining(entry -> {
            String value = entry.getValue().asText();
            assertThat(value.contains("CHANGE-ME") || value.contains("PLACEHOLDER") || value.endsWith("example.com")
                    || entry.getKey().endsWith("CLIENT_ID")).as("%s is a placeholder", entry.getKey()).isTrue();
        }));
    }

    /** Guards the guard: the validator must really reject what the API server would. */
    @Test
    void theSchemaValidatorRejectsUnknownFieldsMissingRequiredFieldsAndWrongTypes() {
        ObjectNode deployment = find("prod", "Deployment", "switchboard");

        ObjectNode typo = deployment.deepCopy();
        ((ObjectNode) typo.get("spec")).put("replicaz", 3);
        assertThatThrownBy(() -> validate("typo", typo)).hasMessageContaining("replicaz");

        ObjectNode nameless = deployment.deepCopy();
        ((ObjectNode) nameless.at("/spec/template/spec/containers/0")).remove("name");
        assertThatThrownBy(() -> validate("nameless", nameless)).hasMessageContaining("name");

        ObjectNode badPort = deployment.deepCopy();
        ((ObjectNode) badPort.at("/spec/template/spec/containers/0/ports/0")).put("containerPort", "eighty");
        assertThatThrownBy(() -> validate("badPort", badPort)).isInstanceOf(AssertionError.class);

        ObjectNode badQuantity = deployment.deepCopy();
        ((ObjectNode) badQuantity.at("/spec/template/spec/containers/0/resources/limits")).put("memory", "lots");
        assertThatThrownBy(() -> validate("badQuantity", badQuantity)).isInstanceOf(AssertionError.class);
    }

    // --- the pods and what selects them ------------------------------------------------------------

    /**
     * Probes and Prometheus use the management interface's port; the Service and the Ingress only
     * the main port, so health, metrics and OpenAPI never reach clients.
     */
    @Test
    void probesAndScrapesUseTheManagementPortAndTheServiceOnlyTheHttpPort() {
        assertThat(app("quarkus.management.enabled", "false")).as("build-time switch").isEqualTo("true");
        String root = "/" + app("quarkus.management.root-path", "q").replaceAll("^/|/$", "");
        String health = root + "/" + app("quarkus.smallrye-health.root-path", "health");
        int httpPort = Integer.parseInt(app("quarkus.http.port", "8080"));
        int managementPort = Integer.parseInt(app("quarkus.management.port", "9000"));
        for (String overlay : OVERLAYS) {
            JsonNode container = container(overlay);
            JsonNode http = containerPort(container, "http");
            JsonNode management = containerPort(container, "management");
            assertThat(http.path("containerPort").asInt()).as("containerPort http = quarkus.http.port").isEqualTo(httpPort);
            assertThat(management.path("containerPort").asInt()).as("containerPort management = quarkus.management.port")
                    .isEqualTo(managementPort);
            Map<String, String> expected = Map.of("startupProbe", health + "/" + app("quarkus.smallrye-health.startup-path", "started"),
                    "readinessProbe", health + "/" + app("quarkus.smallrye-health.readiness-path", "ready"),
                    "livenessProbe", health + "/" + app("quarkus.smallrye-health.liveness-path", "live"));
            expected.forEach((probe, path) -> {
                assertThat(container.at("/" + probe + "/httpGet/path").asText()).as("%s %s", overlay, probe).isEqualTo(path);
                assertThat(container.at("/" + probe + "/httpGet/port").asText()).as("%s %s port", overlay, probe)
                        .isIn("management", String.valueOf(managementPort));
            });
            JsonNode annotations = find(overlay, "Deployment", "switchboard").at("/spec/template/metadata/annotations");
            assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
            assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(managementPort));
            assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(root + "/metrics");

            JsonNode servicePorts = find(overlay, "Service", "switchboard").at("/spec/ports");
            assertThat(servicePorts).as("%s: the Service exposes the HTTP port only", overlay).hasSize(1);
            JsonNode servicePort = servicePorts.get(0);
            assertThat(servicePort.path("targetPort").asText()).isIn("http", String.valueOf(httpPort));
            for (JsonNode route : find(overlay, "Ingress", "switchboard").at("/spec/rules/0/http/paths")) {
                JsonNode backend = route.at("/backend/service");
                assertThat(backend.path("name").asText()).isEqualTo("switchboard");
                assertThat(backend.at("/port/name").asText()).as("%s Ingress %s", overlay, route.path("path"))
                        .isEqualTo(servicePort.path("name").asText());
            }

            // ingress-nginx reaches the HTTP port only; Prometheus (namespace monitoring) the management port.
            JsonNode rules = find(overlay, "NetworkPolicy", "switchboard").at("/spec/ingress");
            JsonNode fromIngress = policyRuleFrom(rules, "ingress-nginx");
            assertThat(fromIngress.path("ports").findValuesAsText("port")).as("%s: ingress-nginx admitted to", overlay)
                    .containsExactly(String.valueOf(httpPort));
            JsonNode fromMonitoring = policyRuleFrom(rules, "monitoring");
            assertThat(fromMonitoring.path("ports").findValuesAsText("port")).as("%s: Prometheus admitted to", overlay)
                    .containsExactly(String.valueOf(managementPort));
        }
    }

    /** The Ingress routes the API, the socket and the page, and nothing under /q (Kubernetes path matching). */
    @Test
    void theIngressRoutesOnlyTheApiTheSocketAndThePage() throws IOException {
        List<String> routed = new ArrayList<>(List.of("/api/orgs", "/api/auth/token", "/api/me/availability",
                "/ws/presence", "/", "/index.html"));
        Path page = PROJECT.resolve("src/main/resources/META-INF/resources");
        try (Stream<Path> files = Files.walk(page)) {
            files.filter(Files::isRegularFile).forEach(file -> routed.add("/" + page.relativize(file).toString().replace('\\', '/')));
        }
        List<String> notRouted = List.of("/q", "/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi",
                "/q/swagger-ui", "/q/dev-ui", "/apis", "/wsx", "/anything-else");
        for (String overlay : OVERLAYS) {
            JsonNode paths = find(overlay, "Ingress", "switchboard").at("/spec/rules/0/http/paths");
            assertThat(find(overlay, "Ingress", "switchboard").at("/spec/rules")).as("%s: one host", overlay).hasSize(1);
            for (String path : routed) {
                assertThat(routes(paths, path)).as("%s: the Ingress routes %s", overlay, path).isTrue();
            }
            for (String path : notRouted) {
                assertThat(routes(paths, path)).as("%s: the Ingress does not route %s", overlay, path).isFalse();
            }
        }
        assertThat(routed).as("the page's files were found").contains("/js/app.js", "/favicon.svg");
    }

    @Test
    void theDockerfilesExposeTheHttpAndManagementPorts() throws IOException {
        String http = app("quarkus.http.port", "8080");
        String management = app("quarkus.management.port", "9000");
        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro")) {
            List<String> exposed = new ArrayList<>();
            for (String line : Files.readAllLines(PROJECT.resolve("src/main/docker").resolve(dockerfile))) {
                if (line.startsWith("EXPOSE ")) {
                    exposed.addAll(List.of(line.substring("EXPOSE ".length()).trim().split("\\s+")));
                }
            }
            assertThat(exposed).as(dockerfile).containsExactlyInAnyOrder(http, management);
        }
    }

    @Test
    void everySelectorSelectsThePods() {
        for (String overlay : OVERLAYS) {
            ObjectNode deployment = find(overlay, "Deployment", "switchboard");
            JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
            List<JsonNode> selectors = new ArrayList<>(List.of(deployment.at("/spec/selector/matchLabels"),
                    find(overlay, "Service", "switchboard").at("/spec/selector"),
                    find(overlay, "PodDisruptionBudget", "switchboard").at("/spec/selector/matchLabels"),
                    find(overlay, "NetworkPolicy", "switchboard").at("/spec/podSelector/matchLabels")));
            deployment.at("/spec/template/spec/topologySpreadConstraints")
                    .forEach(constraint -> selectors.add(constraint.at("/labelSelector/matchLabels")));
            for (JsonNode selector : selectors) {
                assertThat(selector.size()).as("%s: empty selector", overlay).isPositive();
                selector.fields().forEachRemaining(label -> assertThat(podLabels.path(label.getKey()).asText())
                        .as("%s: pods carry %s", overlay, label.getKey()).isEqualTo(label.getValue().asText()));
            }
            JsonNode target = find(overlay, "HorizontalPodAutoscaler", "switchboard").at("/spec/scaleTargetRef");
            assertThat(target.path("kind").asText() + "/" + target.path("name").asText()).isEqualTo("Deployment/switchboard");
            assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(
                    find(overlay, "ServiceAccount", "switchboard").at("/metadata/name").asText());
            for (ObjectNode object : RENDERED.get(overlay)) {
                if (!object.path("kind").asText().equals("Namespace")) {
                    assertThat(object.at("/metadata/namespace").asText()).as("%s %s", overlay, object.path("kind"))
                            .isEqualTo(only(overlay, "Namespace").at("/metadata/name").asText());
                }
            }
        }
    }

    @Test
    void podsRunLockedDown() {
        for (String overlay : OVERLAYS) {
            ObjectNode deployment = find(overlay, "Deployment", "switchboard");
            JsonNode pod = deployment.at("/spec/template/spec");
            JsonNode container = container(overlay);
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
            assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
            String tmpVolume = mountAt(container, "/tmp");
            assertThat(volume(pod, tmpVolume).has("emptyDir")).as("/tmp is an emptyDir").isTrue();
            Quantity requested = Quantity.fromString(container.at("/resources/requests/memory").asText());
            Quantity limit = Quantity.fromString(container.at("/resources/limits/memory").asText());
            assertThat(limit.getNumber()).as("%s memory limit >= request", overlay).isGreaterThanOrEqualTo(requested.getNumber());
        }
    }

    // --- configuration -----------------------------------------------------------------------------

    @Test
    void everyEnvironmentVariableIsARealConfigurationProperty() throws IOException {
        Map<String, String> known = knownEnvironmentVariables();
        for (String overlay : OVERLAYS) {
            Map<String, String> env = environment(overlay);
            Set<String> unknown = new TreeSet<>(env.keySet());
            unknown.removeAll(known.keySet());
            assertThat(unknown).as("%s: variables that no property reads (a typo is silently ignored at run time)", overlay)
                    .isEmpty();
            assertThat(env.keySet()).as("%s: what production needs", overlay).containsAll(REQUIRED_ENV);
            assertThat(env.get("MP_JWT_VERIFY_ISSUER")).as("tokens are issued and verified by the same service")
                    .isEqualTo(env.get("SMALLRYE_JWT_NEW_TOKEN_ISSUER"));
        }
    }

    @Test
    void jwtKeysAreMountedFilesFromTheJwtSecret() throws IOException {
        ObjectNode jwtSecret = examples().stream().filter(s -> s.at("/metadata/name").asText().equals("switchboard-jwt"))
                .findFirst().orElseThrow();
        for (String overlay : OVERLAYS) {
            JsonNode pod = find(overlay, "Deployment", "switchboard").at("/spec/template/spec");
            JsonNode container = container(overlay);
            Map<String, String> env = environment(overlay);
            for (String variable : List.of("SMALLRYE_JWT_SIGN_KEY_LOCATION", "MP_JWT_VERIFY_PUBLICKEY_LOCATION")) {
                Path file = Path.of(env.get(variable));
                JsonNode volume = volume(pod, mountAt(container, file.getParent().toString()));
                assertThat(volume.at("/secret/secretName").asText()).isEqualTo("switchboard-jwt");
                assertThat(volume.at("/secret/items").findValuesAsText("path")).contains(file.getFileName().toString());
                assertThat(jwtSecret.at("/stringData").has(file.getFileName().toString())).isTrue();
            }
        }
    }

    @Test
    void theDatabaseSettingsPointAtTheCloudNativePgCluster() {
        for (String overlay : OVERLAYS) {
            ObjectNode cluster = only(overlay, "Cluster");
            String name = cluster.at("/metadata/name").asText();
            String database = cluster.at("/spec/bootstrap/initdb/database").asText();
            assertThat(cluster.at("/spec/instances").asInt()).isEqualTo(overlay.equals("prod") ? 3 : 1);
            assertThat(database).isNotBlank();
            assertThat(cluster.at("/spec/bootstrap/initdb/owner").asText()).isNotBlank();
            Quantity.fromString(cluster.at("/spec/storage/size").asText());
            Map<String, String> env = environment(overlay);
            URI reactive = URI.create(env.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
            URI jdbc = URI.create(env.get("QUARKUS_DATASOURCE_JDBC_URL").substring("jdbc:".length()));
            for (URI url : List.of(reactive, jdbc)) {
                assertThat(url.getScheme()).isEqualTo("postgresql");
                assertThat(url.getHost()).as("the cluster's read-write Service").isEqualTo(name + "-rw");
                assertThat(url.getPath()).isEqualTo("/" + database);
            }
            JsonNode container = container(overlay);
            for (String variable : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                JsonNode ref = envVar(container, variable).at("/valueFrom/secretKeyRef");
                assertThat(ref.path("name").asText()).as("the Secret CloudNativePG makes").isEqualTo(name + "-app");
                assertThat(ref.path("key").asText()).isIn("username", "password");
            }
            JsonNode egress = find(overlay, "NetworkPolicy", "switchboard").at("/spec/egress/0");
            assertThat(egress.at("/to/0/podSelector/matchLabels/cnpg.io~1cluster").asText()).isEqualTo(name);
            assertThat(egress.at("/ports/0/port").asInt()).isEqualTo(reactive.getPort() < 0 ? 5432 : reactive.getPort());

            // Connections: every replica the HPA may run keeps its pool, one LISTEN connection and,
            // while starting, one for Flyway; CloudNativePG keeps a few for itself (docs/deploy.md).
            int pool = Integer.parseInt(env.getOrDefault("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE",
                    app("quarkus.datasource.reactive.max-size", "20")));
            int maxReplicas = find(overlay, "HorizontalPodAutoscaler", "switchboard").at("/spec/maxReplicas").asInt();
            int maxConnections = cluster.at("/spec/postgresql/parameters/max_connections").asInt(100);
            assertThat(maxReplicas * (pool + 2)).as("%s: connections at maxReplicas vs max_connections - 10", overlay)
                    .isLessThanOrEqualTo(maxConnections - 10);
        }
    }

    // --- rollout, drain, scaling -------------------------------------------------------------------

    @Test
    void theGracePeriodOutlastsTheDrain() {
        assertThat(app("quarkus.shutdown.delay-enabled", "false")).as("build-time switch").isEqualTo("true");
        for (String overlay : OVERLAYS) {
            Map<String, String> env = environment(overlay);
            Duration delay = duration(env.getOrDefault("QUARKUS_SHUTDOWN_DELAY", app("quarkus.shutdown.delay", "0s")));
            Duration timeout = duration(env.getOrDefault("QUARKUS_SHUTDOWN_TIMEOUT", app("quarkus.shutdown.timeout", "0s")));
            assertThat(delay).as("%s: a shutdown delay is set", overlay).isPositive();
            assertThat(timeout).as("%s: a shutdown timeout is set", overlay).isPositive();
            ObjectNode deployment = find(overlay, "Deployment", "switchboard");
            long grace = deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asLong(30);
            assertThat(Duration.ofSeconds(grace)).as("%s: grace period > delay + timeout + 2s for the rest", overlay)
                    .isGreaterThan(delay.plus(timeout).plusSeconds(2));
            assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
            assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asText()).isEqualTo("0");
        }
    }

    @Test
    void replicasAutoscalingAndDisruptionsFitEachOther() {
        for (String overlay : OVERLAYS) {
            int replicas = find(overlay, "Deployment", "switchboard").at("/spec/replicas").asInt();
            JsonNode hpa = find(overlay, "HorizontalPodAutoscaler", "switchboard").at("/spec");
            assertThat(hpa.path("minReplicas").asInt()).as("%s: the HPA keeps the Deployment's replicas", overlay)
                    .isEqualTo(replicas);
            assertThat(hpa.path("maxReplicas").asInt()).isGreaterThan(hpa.path("minReplicas").asInt());
            JsonNode pdb = find(overlay, "PodDisruptionBudget", "switchboard").at("/spec");
            assertThat(pdb.path("maxUnavailable").asInt()).as("%s: drains take one replica at a time", overlay).isEqualTo(1);
        }
        assertThat(find("prod", "Deployment", "switchboard").at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(find("prod", "HorizontalPodAutoscaler", "switchboard").at("/spec/behavior/scaleDown/stabilizationWindowSeconds")
                .asInt()).as("scale-down closes sockets: slowly").isGreaterThanOrEqualTo(300);
    }

    @Test
    void theIngressKeepsIdleSocketsOpen() {
        Duration ping = duration(app("quarkus.websockets-next.server.auto-ping-interval", "0s"));
        for (String overlay : OVERLAYS) {
            JsonNode annotations = find(overlay, "Ingress", "switchboard").at("/metadata/annotations");
            for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
                long seconds = annotations.path("nginx.ingress.kubernetes.io/" + timeout).asLong();
                assertThat(seconds).as("%s %s", overlay, timeout).isGreaterThanOrEqualTo(3600);
                assertThat(Duration.ofSeconds(seconds)).isGreaterThan(ping.multipliedBy(4));
            }
        }
    }

    // --- images ------------------------------------------------------------------------------------

    @Test
    void imageNamesAgreeAcrossOverlaysDockerfilesAndDocs() throws IOException {
        for (String overlay : OVERLAYS) {
            JsonNode kustomization = YAML.readTree(K8S.resolve("overlays").resolve(overlay).resolve("kustomization.yaml").toFile());
            JsonNode images = kustomization.path("images");
            assertThat(images.findValuesAsText("name")).containsExactly(IMAGE);
            String tag = images.get(0).path("newTag").asText();
            assertThat(container(overlay).path("image").asText()).isEqualTo(IMAGE + ":" + tag);
        }
        Path docker = PROJECT.resolve("src/main/docker");
        for (String dockerfile : List.of("Dockerfile.native", "Dockerfile.native-micro")) {
            assertThat(Files.readString(docker.resolve(dockerfile))).as(dockerfile).containsPattern("-t " + Pattern.quote(IMAGE) + ":\\S+ ");
        }
        assertThat(Files.readString(docker.resolve("Dockerfile.jvm"))).containsPattern("-t " + Pattern.quote(IMAGE) + ":\\S+-jvm ");
        assertThat(Files.readString(PROJECT.resolve("docs/deploy.md"))).contains(IMAGE);
        assertThat(lastFrom(docker.resolve("Dockerfile.native"))).as("the multi-stage build ships the same runtime image")
                .isEqualTo(lastFrom(docker.resolve("Dockerfile.native-micro")));
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static List<String> findKustomize() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return List.of(Path.of(dir, "kubectl").toString(), "kustomize");
            }
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kustomize"))) {
                return List.of(Path.of(dir, "kustomize").toString(), "build");
            }
        }
        return null;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errors = new Thread(() -> copy(process.getErrorStream(), err));
        errors.start();
        copy(process.getInputStream(), out);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("%s did not finish within 60 s", command);
        }
        errors.join();
        if (process.exitValue() != 0) {
            fail("%s failed (%d): %s", command, process.exitValue(), err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ObjectNode> parseYaml(String text) throws IOException {
        List<ObjectNode> objects = new ArrayList<>();
        try (var values = YAML.readerFor(ObjectNode.class).<ObjectNode> readValues(new StringReader(text))) {
            while (values.hasNext()) {
                ObjectNode object = values.next();
                if (object != null && !object.isEmpty()) {
                    objects.add(object);
                }
            }
        }
        return objects;
    }

    private static List<ObjectNode> examples() throws IOException {
        List<ObjectNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8S.resolve("examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                objects.addAll(parseYaml(Files.readString(file)));
            }
        }
        return objects;
    }

    /** Validates one object against the Kubernetes schema (or, for the CNPG Cluster, its basic shape). */
    private static void validate(String where, ObjectNode object) {
        String kind = object.path("kind").asText();
        String apiVersion = object.path("apiVersion").asText();
        String label = where + " " + kind + "/" + object.at("/metadata/name").asText();
        assertThat(API_VERSIONS).as("%s: a kind this test knows (add it with its API version)", label).containsKey(kind);
        assertThat(apiVersion).as("%s apiVersion", label).isEqualTo(API_VERSIONS.get(kind));
        assertThat(object.at("/metadata/name").asText()).as("%s name", label).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        if (kind.equals("Cluster")) {
            assertThat(object.at("/spec/instances").isInt()).as("%s spec.instances", label).isTrue();
            assertThat(object.at("/spec/storage/size").isTextual()).as("%s spec.storage.size", label).isTrue();
            return;
        }
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String model = MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind;
        JsonElement json = JsonParser.parseString(object.toString());
        try {
            Class<?> type = Class.forName(model);
            type.getMethod("validateJsonElement", JsonElement.class).invoke(null, json);
            Object typed = io.kubernetes.client.openapi.JSON.getGson().fromJson(json, type);
            assertThat(typed).as(label).isNotNull();
        } catch (InvocationTargetException e) {
            throw new AssertionError(label + " does not match the Kubernetes schema: " + brief(e.getCause().getMessage()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(label + ": no Kubernetes model " + model, e);
        } catch (RuntimeException e) {
            throw new AssertionError(label + " has a value of the wrong type: " + brief(e.getMessage()), e);
        }
    }

    /** The validator's messages end with the whole object as JSON: keep the sentence. */
    private static String brief(String message) {
        int json = message == null ? -1 : message.indexOf(" JSON: ");
        return json < 0 ? String.valueOf(message) : message.substring(0, json);
    }

    /**
     * Environment variable names a property is read from: the documented names in the Quarkus
     * extensions' config metadata, and, for application.properties keys, @ConfigProperty names and
     * the properties of our @ConfigMapping interfaces and SmallRye JWT's keys, the MicroProfile rule (every character other than a letter or digit becomes {@code _}, then
     * upper case).
     */
    private static Map<String, String> knownEnvironmentVariables() throws IOException {
        Map<String, String> known = new HashMap<>();
        for (String key : appProperties.stringPropertyNames()) {
            String property = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            known.put(envName(property), property);
        }
        Pattern configProperty = Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
        Pattern configMapping = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
        Path sourceRoot = PROJECT.resolve("src/main/java");
        try (Stream<Path> sources = Files.walk(sourceRoot)) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(source);
                Matcher matcher = configProperty.matcher(text);
                while (matcher.find()) {
                    known.put(envName(matcher.group(1)), matcher.group(1));
                }
                Matcher mapping = configMapping.matcher(text);
                if (mapping.find()) {
                    String className = sourceRoot.relativize(source).toString().replace('/', '.').replaceAll("\\.java$", "");
                    addMapping(mapping.group(1), Class.forName(className), known);
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        ObjectMapper json = new ObjectMapper();
        Enumeration<URL> models = KubernetesManifestsTest.class.getClassLoader()
                .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
        int extensions = 0;
        for (URL url : Collections.list(models)) {
            extensions++;
            try (InputStream in = url.openStream()) {
                for (JsonNode path : json.readTree(in).findValues("path")) {
                    if (path.has("property")) {
                        String property = path.path("property").asText();
                        known.put(path.has("environmentVariable") ? path.path("environmentVariable").asText() : envName(property), property);
                    }
                }
            }
        }
        assertThat(extensions).as("Quarkus config metadata on the test class path").isGreaterThan(5);
        // SmallRye JWT reads the MicroProfile JWT keys (mp.jwt.*) and its own token-building keys
        // (smallrye.jwt.*) outside Quarkus' metadata: take them from the library classes themselves.
        for (Field field : JWTAuthContextInfoProvider.class.getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property != null) {
                known.put(envName(property.name()), property.name());
            }
        }
        for (Field field : JwtBuildUtils.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    String name = (String) field.get(null);
                    if (name.startsWith("smallrye.jwt.")) {
                        known.put(envName(name), name);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return known;
    }

    /** The properties of a {@code @ConfigMapping} interface: kebab-case method names, groups nested. */
    private static void addMapping(String prefix, Class<?> type, Map<String, String> known) {
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName rename = method.getAnnotation(WithName.class);
            String name = prefix + "." + (rename != null ? rename.value()
                    : method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
            Class<?> result = method.getReturnType();
            if (result.isInterface() && !result.getName().startsWith("java.")) {
                addMapping(name, result, known);
            } else {
                known.put(envName(name), name);
            }
        }
    }

    private static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The container's environment: envFrom ConfigMaps and Secrets, then env (which wins). */
    private static Map<String, String> environment(String overlay) {
        JsonNode container = container(overlay);
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            if (source.has("configMapRef")) {
                String name = source.at("/configMapRef/name").asText();
                find(overlay, "ConfigMap", name).path("data").fields()
                        .forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
            } else {
                String name = source.at("/secretRef/name").asText();
                ObjectNode secret;
                try {
                    secret = examples().stream().filter(s -> s.at("/metadata/name").asText().equals(name)).findFirst()
                            .orElseThrow(() -> new AssertionError("Secret " + name + " has no example in k8s/examples"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                secret.path("stringData").fieldNames().forEachRemaining(key -> env.put(key, "(secret)"));
            }
        }
        for (JsonNode variable : container.path("env")) {
            env.put(variable.path("name").asText(), variable.has("value") ? variable.path("value").asText() : "(reference)");
        }
        return env;
    }

    private static JsonNode envVar(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static JsonNode containerPort(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port;
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    /** The NetworkPolicy ingress rule admitting the namespace with this name. */
    private static JsonNode policyRuleFrom(JsonNode rules, String namespace) {
        JsonNode match = null;
        for (JsonNode rule : rules) {
            for (JsonNode from : rule.path("from")) {
                if (from.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText().equals(namespace)) {
                    assertThat(match).as("one rule admits namespace %s", namespace).isNull();
                    match = rule;
                }
            }
        }
        assertThat(match).as("a rule admits namespace %s", namespace).isNotNull();
        return match;
    }

    /** Whether a request path matches one of an Ingress rule's paths (Exact, or Prefix by path element). */
    private static boolean routes(JsonNode paths, String path) {
        for (JsonNode route : paths) {
            String routePath = route.path("path").asText();
            switch (route.path("pathType").asText()) {
                case "Exact" -> {
                    if (path.equals(routePath)) {
                        return true;
                    }
                }
                case "Prefix" -> {
                    String prefix = routePath.replaceAll("/+$", "");
                    if (prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/")) {
                        return true;
                    }
                }
                default -> fail("pathType %s of %s: use Exact or Prefix, whose matching is defined", route.path("pathType"), routePath);
            }
        }
        return false;
    }

    private static JsonNode container(String overlay) {
        ArrayNode containers = (ArrayNode) find(overlay, "Deployment", "switchboard").at("/spec/template/spec/containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static String mountAt(JsonNode container, String mountPath) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals(mountPath)) {
                return mount.path("name").asText();
            }
        }
        throw new AssertionError("nothing is mounted at " + mountPath);
    }

    private static JsonNode volume(JsonNode pod, String name) {
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static ObjectNode find(String overlay, String kind, String name) {
        return RENDERED.get(overlay).stream()
                .filter(o -> o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no " + kind + "/" + name));
    }

    private static ObjectNode only(String overlay, String kind) {
        List<ObjectNode> matches = RENDERED.get(overlay).stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        assertThat(matches).as("%s: one %s", overlay, kind).hasSize(1);
        return matches.get(0);
    }

    private static List<String> kinds(List<ObjectNode> objects) {
        return objects.stream().map(o -> o.path("kind").asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static String app(String key, String fallback) {
        return appProperties.getProperty(key, fallback);
    }

    /** Quarkus durations: a number with ms/s/m/h/d, a plain number of seconds, or ISO-8601. */
    private static Duration duration(String value) {
        Matcher simple = Pattern.compile("(\\d+)(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE).matcher(value.trim());
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            String unit = simple.group(2) == null ? "s" : simple.group(2).toLowerCase(Locale.ROOT);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            };
        }
        String iso = value.trim().toUpperCase(Locale.ROOT);
        return Duration.parse(iso.startsWith("P") ? iso : "PT" + iso);
    }

    private static String lastFrom(Path dockerfile) throws IOException {
        Set<String> froms = new LinkedHashSet<>();
        String last = null;
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.startsWith("FROM ")) {
                last = line.split("\\s+")[1];
                froms.add(last);
            }
        }
        assertThat(froms).as(dockerfile.toString()).isNotEmpty();
        return last;
    }
}
