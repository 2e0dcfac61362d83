package dev.switchboard.common;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Documents the problem+json error answers on every API operation, derived from the same rules
 * the code follows (path ids → 404, writes → 409/422, If-Match → 412), so the document cannot
 * forget one. Runs at build time: the document is static, and filtering it at start-up would
 * cost every start of the service the work of building it again.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ProblemResponsesFilter implements OASFilter {

    private static final String PROBLEM_REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        openAPI.getComponents().addSchema("Problem", problemSchema());
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : item.getOperations().entrySet()) {
                document(path, entry.getKey(), entry.getValue());
            }
        });
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        Map<String, String> errors = new LinkedHashMap<>();
        boolean write = method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PUT
                || method == PathItem.HttpMethod.PATCH;
        errors.put("400", "Malformed request or invalid fields (`errors` lists each field).");
        if (path.equals("/api/auth/token")) {
            errors.put("401", "Unknown email or wrong password (the same answer for both), or unknown client.");
            errors.put("429", "Too many login attempts; see Retry-After.");
        } else {
            errors.put("401", "Missing, invalid or expired bearer token.");
            errors.put("403", "The caller's role does not allow this.");
        }
        if (path.contains("{")) {
            errors.put("404", "Unknown id, or one that belongs to another organization.");
        }
        if (write) {
            errors.put("409", "Conflict: duplicate email, internal number or SIP username, or a stale `version`.");
            errors.put("413", "The body is larger than 64 KiB (switchboard.http.max-body-size).");
            errors.put("415", "The body is not application/json.");
            errors.put("422", "Semantically invalid, e.g. a destination the user does not own or a limit reached.");
        }
        if (method == PathItem.HttpMethod.PATCH || method == PathItem.HttpMethod.PUT) {
            errors.put("412", "If-Match does not match the current ETag.");
        }
        errors.put("500", "Unexpected server error (the detail carries an id to report).");
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        for (Map.Entry<String, String> error : errors.entrySet()) {
            if (responses.getAPIResponse(error.getKey()) == null) {
                responses.addAPIResponse(error.getKey(), OASFactory.createAPIResponse().description(error.getValue())
                        .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)))));
            }
        }
    }

    private static Schema problemSchema() {
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri"))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("instance", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError));
    }
}
