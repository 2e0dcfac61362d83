package dev.switchboard.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The service's own OpenAPI document, read with plain Jackson: every path × operation with its
 * parameters, request-body schema (references resolved) and the roles its security names. The
 * fuzzers derive their cases from this, so a new endpoint or field is fuzzed without editing them.
 */
final class OpenApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One parameter of an operation: {@code in} is path, query or header. */
    record Parameter(String name, String in, JsonNode schema, boolean required) {
    }

    /** One operation. {@code bodySchema} is null when it takes no body; {@code roles} empty when open. */
    record Operation(String method, String path, List<Parameter> parameters, JsonNode bodySchema, String bodyMediaType,
            List<String> roles) {

        String key() {
            return method + " " + path;
        }

        List<Parameter> in(String where) {
            return parameters.stream().filter(p -> p.in().equals(where)).toList();
        }
    }

    private final JsonNode document;
    final List<Operation> operations;
    /** Every method each path answers, so wrong-method cases pick one it does not. */
    final Map<String, Set<String>> methodsByPath;

    private OpenApi(JsonNode document) {
        this.document = document;
        this.operations = new ArrayList<>();
        this.methodsByPath = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            List<Parameter> shared = parameters(path.getValue().path("parameters"));
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase();
                if (!Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                methodsByPath.computeIfAbsent(path.getKey(), k -> new LinkedHashSet<>()).add(method);
                List<Parameter> params = new ArrayList<>(shared);
                params.addAll(parameters(op.getValue().path("parameters")));
                JsonNode body = null;
                String mediaType = null;
                JsonNode content = op.getValue().path("requestBody").path("content");
                if (content.isObject() && content.size() > 0) {
                    Map.Entry<String, JsonNode> first = content.fields().next();
                    mediaType = first.getKey();
                    body = resolve(first.getValue().path("schema"));
                }
                Set<String> roles = new LinkedHashSet<>();
                for (JsonNode requirement : op.getValue().path("security")) {
                    requirement.fields().forEachRemaining(e -> e.getValue().forEach(r -> roles.add(r.asText())));
                }
                operations.add(new Operation(method, path.getKey(), List.copyOf(params), body, mediaType, List.copyOf(roles)));
            }
        }
    }

    static OpenApi parse(String json) {
        try {
            return new OpenApi(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException("the OpenAPI document is not JSON", e);
        }
    }

    /**
     * The document as served: on the management interface when it has one (its OpenAPI moves there
     * with {@code quarkus.management.enabled}), else on the main port. The management URL is the
     * one {@code @TestHTTPResource(value = "openapi", management = true)} resolves to; without a
     * management interface nothing listens there and the main port answers.
     */
    static OpenApi locate(String managementUrl, URI mainBase) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> tried = new ArrayList<>();
        for (String candidate : new String[] { managementUrl, mainBase.resolve("/q/openapi").toString() }) {
            if (candidate == null) {
                continue;
            }
            String url = candidate + (candidate.contains("?") ? "&" : "?") + "format=json";
            try {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20)).header("Accept", "application/json").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().trim().startsWith("{")) {
                    System.out.println("[fuzz] OpenAPI document from " + url);
                    return parse(answer.body());
                }
                tried.add(url + " → " + answer.statusCode());
            } catch (IOException e) {
                tried.add(url + " → " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no OpenAPI document found; tried " + tried);
    }

    /** Follows {@code $ref}s (one level at a time, as often as needed; cycles are cut off). */
    JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int hops = 0; current != null && current.has("$ref") && hops < 20; hops++) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                return current;
            }
            JsonNode target = document;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part.replace("~1", "/").replace("~0", "~"));
            }
            current = target.isMissingNode() ? null : target;
        }
        return current;
    }

    private List<Parameter> parameters(JsonNode list) {
        List<Parameter> result = new ArrayList<>();
        for (JsonNode p : list) {
            JsonNode param = resolve(p);
            result.add(new Parameter(param.path("name").asText(), param.path("in").asText(), resolve(param.path("schema")),
                    param.path("required").asBoolean(false)));
        }
        return result;
    }
}
