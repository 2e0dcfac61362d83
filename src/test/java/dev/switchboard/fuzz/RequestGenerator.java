package dev.switchboard.fuzz;

import static dev.switchboard.fuzz.Malformed.pick;
import static dev.switchboard.fuzz.Malformed.quote;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.fuzz.Malformed.Value;
import dev.switchboard.fuzz.OpenApi.Operation;
import dev.switchboard.fuzz.OpenApi.Parameter;

/**
 * Turns one operation of the OpenAPI document and a case number into one malformed request. Each
 * case has its own {@link Random}, seeded from the run's seed and the case number, so a case can be
 * generated again alone ({@code -Dfuzz.case=n}) with the same seed.
 */
final class RequestGenerator {

    static final String MARK = "\u0001FUZZ\u0001";
    static final List<String> ROLES = List.of("operator", "admin", "user", "platform");

    /** The entities of the running service that paths and bodies point at (ids, numbers, SIP usernames). */
    record Fixture(UUID orgId, UUID victimOrgId, UUID userId, UUID otherUserId, UUID colleagueId, UUID victimUserId,
            String userNumber, String colleagueNumber, UUID deskPhoneId, String deskPhoneSip, UUID appAccountId,
            String appAccountSip, UUID victimVoipId, UUID fixedDestinationId, UUID victimFixedDestinationId,
            UUID victimPushDeviceId, UUID victimWatchId) {
    }

    /** A request ready to send; {@code auth} is a role name (its token is looked up at send time) or a raw header. */
    record Case(int index, String operation, String method, String target, Map<String, String> headers, String role,
            String rawAuthorization, byte[] body, boolean chunked, List<String> mutations, List<String> mustRefuse,
            boolean bodyOverLimit) {

        String describe() {
            String shown = target.length() > 200 ? target.substring(0, 200) + "…(" + target.length() + " chars)" : target;
            String auth = rawAuthorization != null ? "auth=" + abbreviate(rawAuthorization, 40) : "as=" + (role == null ? "anonymous" : role);
            String bodyText = body == null ? "no body" : body.length + " bytes " + (chunked ? "chunked " : "")
                    + abbreviate(new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8), 160);
            return "#" + index + " " + method + " " + shown + " [" + operation + "] " + auth + " ct="
                    + headers.getOrDefault("Content-Type", "none") + " " + mutations + " body: " + bodyText;
        }
    }

    private static final int DEEP = 3;

    private final long seed;
    private final OpenApi api;
    private final Fixture fixture;

    RequestGenerator(long seed, OpenApi api, Fixture fixture) {
        this.seed = seed;
        this.api = api;
        this.fixture = fixture;
    }

    static Random randomFor(long seed, int index) {
        long mixed = seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL;
        return new Random(mixed ^ (mixed >>> 31));
    }

    Case generate(int index) {
        Random r = randomFor(seed, index);
        Operation op = api.operations.get(index % api.operations.size());
        Builder b = new Builder(index, op, r);
        b.build();
        return b.toCase();
    }

    private final class Builder {
        final int index;
        final Operation op;
        final Random r;
        String method;
        final Map<String, String> pathValues = new LinkedHashMap<>();
        final Map<String, String> query = new LinkedHashMap<>();
        String rawQuery;
        String pathOverride;
        final Map<String, String> headers = new LinkedHashMap<>();
        String role;
        String rawAuthorization;
        byte[] body;
        boolean chunked;
        final List<String> mutations = new ArrayList<>();
        final List<String> mustRefuse = new ArrayList<>();

        Builder(int index, Operation op, Random r) {
            this.index = index;
            this.op = op;
            this.r = r;
            this.method = op.method();
        }

        void build() {
            role = chooseRole();
            for (Parameter p : op.in("path")) {
                pathValues.put(p.name(), encode(validPathValue(p.name())));
            }
            for (Parameter p : op.in("query")) {
                if (r.nextInt(3) == 0) {
                    query.put(p.name(), encode(validQueryValue(p.name())));
                }
            }
            if (op.bodySchema() != null) {
                headers.put("Content-Type", "application/json");
            }
            headers.put("Accept", "application/json");
            boolean hasBody = op.bodySchema() != null;
            int mutationsWanted = r.nextInt(5) == 0 ? 2 : 1;
            String bodyJson = hasBody ? validBody() : null;
            boolean bodyMutated = false;
            for (int m = 0; m < mutationsWanted; m++) {
                int dice = r.nextInt(100);
                if (hasBody) {
                    if (bodyMutated && dice < 66) {
                        // One body mutation per case: a second would rebuild the body and undo the first.
                        dice = 66 + r.nextInt(34);
                    }
                    bodyMutated |= dice < 66;
                    if (dice < 55) {
                        bodyJson = mutateField(bodyJson);
                    } else if (dice < 66) {
                        bodyJson = mutateWholeBody(bodyJson);
                    } else if (dice < 73) {
                        mutateContentType();
                    } else if (dice < 81) {
                        mutatePath();
                    } else if (dice < 87) {
                        mutateQuery();
                    } else if (dice < 90) {
                        mutateMethod();
                    } else if (dice < 96) {
                        mutateAuth();
                    } else {
                        mutateHeaders();
                    }
                } else {
                    if (dice < 35) {
                        mutatePath();
                    } else if (dice < 62) {
                        mutateQuery();
                    } else if (dice < 72) {
                        mutateMethod();
                    } else if (dice < 84) {
                        mutateAuth();
                    } else if (dice < 90) {
                        mutateHeaders();
                    } else {
                        bodyJson = unexpectedBody();
                    }
                }
            }
            if (body == null && bodyJson != null) {
                body = bodyJson.getBytes(StandardCharsets.UTF_8);
            }
            if (body != null && body.length > 8192 && r.nextInt(4) == 0) {
                chunked = true;
                mutations.add("sent chunked");
            }
        }

        Case toCase() {
            String target = pathOverride != null ? pathOverride : fill(op.path());
            String q = rawQuery != null ? rawQuery : joinQuery();
            if (rawQuery != null) {
                // A raw query replaces the named parameters, and with them their reasons to refuse.
                mustRefuse.removeIf(reason -> reason.startsWith("control characters in query parameter "));
            }
            if (method.equals("DELETE")) {
                // A dot segment would climb to the parent (the fixture's organization) and delete it.
                target = target.replace("..", "dots").replaceAll("(?i)%2e%2e", "dots").replaceAll("(?i)\\.%2e|%2e\\.", "dots");
            }
            if (!q.isEmpty()) {
                target += "?" + q;
            }
            boolean json = "application/json".equals(headers.get("Content-Type"));
            boolean sameOperation = method.equals(op.method()) && pathOverride == null;
            if (!method.equals(op.method())) {
                // Another method reaches another operation (or none), which need not read this body or query.
                mustRefuse.clear();
            } else if (pathOverride != null) {
                // An odd path may not reach the operation at all: only its query is judged.
                mustRefuse.removeIf(reason -> !reason.startsWith("control characters in query"));
            }
            boolean overLimit = json && body != null && body.length > Malformed.BODY_LIMIT && op.bodySchema() != null && sameOperation;
            if (overLimit) {
                mustRefuse.add("a body of " + body.length + " bytes (over 64 KiB)");
            }
            return new Case(index, op.key(), method, target, headers, role, rawAuthorization, body, chunked, mutations,
                    mustRefuse, overLimit);
        }

        // --- roles and auth -------------------------------------------------------------------

        String chooseRole() {
            int dice = r.nextInt(100);
            List<String> accepted = op.roles();
            if (!accepted.isEmpty() && dice < 80) {
                return pick(r, accepted);
            }
            if (dice < 92 || accepted.isEmpty()) {
                return pick(r, ROLES);
            }
            return null;
        }

        void mutateAuth() {
            switch (r.nextInt(10)) {
                case 0 -> {
                    role = null;
                    mutations.add("no Authorization");
                }
                case 1 -> raw("Bearer", "bare 'Bearer'");
                case 2 -> raw("Bearer " + pick(r, "garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "x".repeat(4000),
                        "e30.e30.e30"), "garbage bearer token");
                case 3 -> raw("Basic dXNlcjpwYXNzd29yZA==", "Basic credentials");
                case 4 -> raw("Bearer " + Malformed.uuid4(r), "uuid as token");
                case 5 -> raw("Bearer%20" + Malformed.uuid4(r), "odd scheme separator");
                case 6 -> raw("TOKEN:expired", "expired token");
                case 7 -> raw("TOKEN:ghost", "token of a user that does not exist");
                case 8 -> raw("TOKEN:tampered", "token with a changed signature");
                default -> {
                    role = pick(r, ROLES);
                    mutations.add("role " + role);
                }
            }
        }

        void raw(String header, String label) {
            rawAuthorization = header;
            mutations.add(label);
        }

        // --- path -----------------------------------------------------------------------------

        String validPathValue(String name) {
            String path = op.path();
            boolean delete = op.method().equals("DELETE");
            switch (name) {
                case "orgId":
                    return (delete && path.equals("/api/orgs/{orgId}") ? fixture.victimOrgId() : fixture.orgId()).toString();
                case "userId":
                    if (delete && path.endsWith("/users/{userId}")) {
                        return fixture.victimUserId().toString();
                    }
                    if (op.method().equals("PATCH") && r.nextInt(3) == 0) {
                        return fixture.otherUserId().toString();
                    }
                    return (r.nextInt(5) == 0 ? fixture.otherUserId() : fixture.userId()).toString();
                case "sipUsername":
                    return r.nextInt(4) == 0 ? fixture.appAccountSip() : fixture.deskPhoneSip();
                case "id":
                    if (path.contains("/voip-accounts/")) {
                        return (delete ? fixture.victimVoipId() : r.nextBoolean() ? fixture.deskPhoneId() : fixture.appAccountId()).toString();
                    }
                    if (path.contains("/fixed-destinations/")) {
                        return fixture.victimFixedDestinationId().toString();
                    }
                    if (path.contains("/push-devices/")) {
                        return fixture.victimPushDeviceId().toString();
                    }
                    if (path.contains("/watches/")) {
                        return fixture.victimWatchId().toString();
                    }
                    return Malformed.uuid4(r).toString();
                default:
                    return Malformed.uuid4(r).toString();
            }
        }

        String fill(String template) {
            String result = template;
            for (Map.Entry<String, String> e : pathValues.entrySet()) {
                result = result.replace("{" + e.getKey() + "}", e.getValue());
            }
            return result.replaceAll("\\{[^}]+}", Malformed.uuid4(r).toString());
        }

        void mutatePath() {
            List<Parameter> params = op.in("path");
            if (!params.isEmpty() && r.nextInt(3) != 0) {
                Parameter p = pick(r, params);
                String odd = oddSegment();
                pathValues.put(p.name(), odd);
                mutations.add("path " + p.name() + "=" + abbreviate(odd, 60));
                return;
            }
            String path = fill(op.path());
            String odd = switch (r.nextInt(11)) {
                case 0 -> path + "/";
                case 1 -> path + "/" + oddSegment();
                case 2 -> path.replaceFirst("/api/", "/api//");
                case 3 -> path.replaceFirst("/api/", "/api/./");
                case 4 -> path + "/../" + path.substring(path.lastIndexOf('/') + 1);
                case 5 -> path.toUpperCase();
                case 6 -> path + ";jsessionid=" + Malformed.uuid4(r);
                case 7 -> "/api/" + oddSegment();
                case 8 -> path.replaceFirst("/api/", "/api/%2e%2e/api/");
                case 9 -> path + "%00";
                default -> path + "/" + "x".repeat(pick(r, 1000, 3000, 5000));
            };
            pathOverride = odd;
            mutations.add("odd path");
        }

        String oddSegment() {
            return pick(r, Malformed.uuid4(r).toString(), "not-a-uuid", "%00", "abc%00def", "..", "%2e%2e", ".", "%2F",
                    "%2F..%2F", "%FF", "%C0%AE", "%0A", "%0D%0A", "%20", "%09", "0", "-1", "2147483648", "null", "undefined",
                    "00000000-0000-0000-0000-000000000000", Malformed.uuid4(r).toString().toUpperCase(),
                    Malformed.uuid4(r) + "%00", "x".repeat(pick(r, 300, 2000, 3900, 5000)), "%E2%82%AC", "%F0%9F%98%80",
                    "%25", "%2525", "~", "%7B%7D", "%27%20OR%201%3D1--", "a%2Fb", Malformed.uuid4(r) + ";x=1",
                    realIdOfAnotherKind(), fixture.victimOrgId().toString(), fixture.deskPhoneSip() + "%00");
        }

        /** A real id where another kind is expected; never one a DELETE could remove from the fixture. */
        String realIdOfAnotherKind() {
            if (method.equals("DELETE")) {
                return fixture.victimOrgId().toString();
            }
            return pick(r, fixture.orgId(), fixture.userId(), fixture.deskPhoneId(), fixture.fixedDestinationId()).toString();
        }

        // --- query ----------------------------------------------------------------------------

        String validQueryValue(String name) {
            return switch (name) {
                case "page" -> Integer.toString(r.nextInt(3));
                case "size" -> Integer.toString(1 + r.nextInt(100));
                case "userId" -> fixture.userId().toString();
                case "since" -> Integer.toString(r.nextInt(10));
                case "limit" -> Integer.toString(1 + r.nextInt(100));
                default -> "1";
            };
        }

        void mutateQuery() {
            List<Parameter> params = op.in("query");
            int dice = r.nextInt(10);
            if (!params.isEmpty() && dice < 7) {
                Parameter p = pick(r, params);
                String odd = pick(r, "2147483647", "2147483648", "-1", "-2147483648", "1e9", "1.5", "0", "-0", "+1",
                        "NaN", "Infinity", "0x10", "%00", "1%00", "%0A", "", "%20", "%201%20", "abc", "9223372036854775807",
                        "9223372036854775808", "99999999999999999999", "%EF%BC%91", "%FF", Malformed.uuid4(r).toString(),
                        "not-a-uuid", "x".repeat(pick(r, 100, 2000, 3900)), "%E2%82%AC", "%5B%5D", "%7B%7D", "true");
                query.put(p.name(), odd);
                mutations.add("query " + p.name() + "=" + abbreviate(odd, 40));
                // A later mutation of the same parameter replaces the value, and with it the reason.
                mustRefuse.remove("control characters in query parameter " + p.name());
                if (odd.contains("%00") || odd.contains("%0A")) {
                    mustRefuse.add("control characters in query parameter " + p.name());
                }
                return;
            }
            switch (dice % 5) {
                case 0 -> rawQuery = "page=2147483647&size=200";
                case 1 -> rawQuery = "page=0&page=1&size=-1&size=10";
                case 2 -> rawQuery = "%00=%00&" + "unknown=" + "y".repeat(pick(r, 10, 2000));
                case 3 -> rawQuery = "page=1e9&size=2147483647";
                default -> rawQuery = pick(r, "&&&", "=", "a", "a=1&a=2&a=3", "page", "size=", "%25=%25", "page%5B%5D=1", "page.x=1");
            }
            mutations.add("query " + abbreviate(rawQuery, 60));
        }

        String joinQuery() {
            StringBuilder q = new StringBuilder();
            query.forEach((k, v) -> {
                if (q.length() > 0) {
                    q.append('&');
                }
                q.append(k).append('=').append(v);
            });
            return q.toString();
        }

        // --- method and headers ---------------------------------------------------------------

        void mutateMethod() {
            Set<String> allowed = api.methodsByPath.getOrDefault(op.path(), Set.of());
            List<String> others = new ArrayList<>();
            for (String m : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                if (!allowed.contains(m)) {
                    others.add(m);
                }
            }
            if (others.isEmpty() || r.nextInt(5) == 0) {
                method = pick(r, "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FOO");
            } else {
                method = pick(r, others);
            }
            mutations.add("method " + method);
        }

        void mutateHeaders() {
            switch (r.nextInt(6)) {
                case 0 -> {
                    String v = pick(r, "*", "\"0\"", "\"-1\"", "\"999999999\"", "W/\"1\"", "garbage", "\"9223372036854775808\"",
                            "\"1\", \"2\"", "", "\"" + "9".repeat(2000) + "\"", "\"1e3\"");
                    headers.put("If-Match", v);
                    mutations.add("If-Match " + abbreviate(v, 40));
                }
                case 1 -> {
                    String v = pick(r, "text/html", "application/xml", "image/png", "*/*", "application/problem+json", "garbage",
                            "application/json;q=0");
                    headers.put("Accept", v);
                    mutations.add("Accept " + v);
                }
                case 2 -> {
                    headers.put("X-Request-Id", "r".repeat(pick(r, 10, 500, 5000)));
                    mutations.add("long X-Request-Id");
                }
                case 3 -> {
                    headers.put("X-Fuzz", "h".repeat(pick(r, 8000, 30_000)));
                    mutations.add("huge header");
                }
                case 4 -> {
                    headers.put("Accept-Language", pick(r, "nl", "xx", "*", "en;q=abc", "zz-ZZ"));
                    mutations.add("Accept-Language");
                }
                default -> {
                    headers.put("Content-Encoding", pick(r, "gzip", "br", "identity", "x"));
                    mutations.add("Content-Encoding " + headers.get("Content-Encoding"));
                }
            }
        }

        void mutateContentType() {
            String ct = pick(r, null, "text/plain", "application/x-www-form-urlencoded", "application/xml",
                    "application/json; charset=ISO-8859-1", "application/json; charset=UTF-16", "multipart/form-data; boundary=x",
                    "application/merge-patch+json", "*/*", "garbage", "application/json; charset=utf-8", "application/JSON",
                    "application/problem+json", "");
            if (ct == null) {
                headers.remove("Content-Type");
            } else {
                headers.put("Content-Type", ct);
            }
            if ("application/x-www-form-urlencoded".equals(ct) && r.nextBoolean()) {
                body = "email=a%40b.c&name=x&status=available".getBytes(StandardCharsets.UTF_8);
                mustRefuse.clear();
            }
            mutations.add("Content-Type " + (ct == null ? "(none)" : "'" + ct + "'"));
        }

        String unexpectedBody() {
            headers.put("Content-Type", pick(r, "application/json", "text/plain"));
            mutations.add("body on an operation that takes none");
            return pick(r, "{}", "{\"x\":1}", "null", Malformed.nestedArrays(2000), "x".repeat(70_000));
        }

        // --- bodies ---------------------------------------------------------------------------

        String validBody() {
            JsonNode schema = api.resolve(op.bodySchema());
            return validJson("", schema, 0, op.method().equals("PATCH"));
        }

        /** A valid JSON value for a schema, with real ids where a field names an entity. */
        String validJson(String name, JsonNode schema, int depth, boolean requiredOnly) {
            schema = api.resolve(schema);
            if (schema == null) {
                return "null";
            }
            String type = schema.path("type").asText("");
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>();
                schema.get("enum").forEach(v -> values.add(v.asText()));
                return quote(enumChoice(name, values));
            }
            if (type.equals("object") || schema.has("properties")) {
                if (isDestination(schema)) {
                    return destination();
                }
                StringBuilder out = new StringBuilder("{");
                Set<String> required = requiredOf(schema);
                for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> prop = it.next();
                    boolean include = required.contains(prop.getKey())
                            || !requiredOnly && depth < DEEP && !prop.getKey().endsWith("Present") && r.nextInt(10) < 3;
                    if (include) {
                        if (out.length() > 1) {
                            out.append(',');
                        }
                        out.append(quote(prop.getKey())).append(':').append(validJson(prop.getKey(), prop.getValue(), depth + 1, false));
                    }
                }
                return out.append('}').toString();
            }
            if (type.equals("array")) {
                return "[]";
            }
            if (type.equals("boolean")) {
                return Boolean.toString(name.equals("registered") || r.nextBoolean());
            }
            if (type.equals("integer") || type.equals("number")) {
                long min = schema.has("minimum") ? schema.get("minimum").asLong() : 1;
                long max = schema.has("maximum") ? schema.get("maximum").asLong() : Math.max(min, 100);
                if (name.equals("version")) {
                    return "0";
                }
                return Long.toString(min + (long) (r.nextDouble() * Math.min(max - min, 1000)));
            }
            return quote(validString(name, schema));
        }

        String enumChoice(String name, List<String> values) {
            if (name.equals("role") && values.contains("user")) {
                return "user";
            }
            return pick(r, values);
        }

        boolean isDestination(JsonNode schema) {
            JsonNode props = schema.path("properties");
            JsonNode type = api.resolve(props.path("type"));
            return props.has("id") && type != null && type.path("enum").toString().contains("voip_account");
        }

        String destination() {
            boolean voip = r.nextBoolean();
            UUID id = voip ? fixture.deskPhoneId() : fixture.fixedDestinationId();
            return "{\"type\":" + quote(voip ? "voip_account" : "fixed_destination") + ",\"id\":" + quote(id.toString()) + "}";
        }

        String validString(String name, JsonNode schema) {
            String format = schema.path("format").asText("");
            switch (name) {
                case "userId":
                    return (op.path().contains("watches") ? fixture.colleagueId() : fixture.userId()).toString();
                case "id":
                    // Only a destination's id so far: build() pairs it with the type voip_account.
                    return fixture.deskPhoneId().toString();
                case "voipAccountId":
                    return fixture.appAccountId().toString();
                case "sipUsername":
                    return op.path().contains("incoming-call") ? fixture.appAccountSip() : fixture.deskPhoneSip();
                case "from":
                    return r.nextBoolean() ? fixture.colleagueNumber() : "+31201234567";
                case "to":
                    return fixture.userNumber();
                case "email":
                    return "fuzz-" + Long.toHexString(r.nextLong()) + "@example.test";
                case "password":
                case "clientSecret":
                    return "correct-horse-battery";
                case "clientId":
                    return "fuzz-client";
                case "number":
                    return "+3161" + (1_000_000 + r.nextInt(8_999_999));
                case "internalNumber":
                    return Integer.toString(10_000_000 + r.nextInt(89_999_999));
                case "appId":
                    return "dev.switchboard.fuzz";
                case "token":
                    return "fuzz-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
                case "until":
                    return Instant.now().plus(Duration.ofMinutes(30 + r.nextInt(600))).toString();
                default:
                    break;
            }
            if (format.equals("uuid")) {
                return Malformed.uuid4(r).toString();
            }
            if (format.equals("date-time")) {
                return Instant.now().plus(Duration.ofHours(1)).toString();
            }
            int max = schema.has("maxLength") ? schema.get("maxLength").asInt() : 40;
            String text = "fuzz " + name + " " + Integer.toHexString(r.nextInt());
            return text.length() > max ? text.substring(0, max) : text;
        }

        Set<String> requiredOf(JsonNode schema) {
            Set<String> required = new java.util.HashSet<>();
            schema.path("required").forEach(n -> required.add(n.asText()));
            return required;
        }

        /** Replaces one field (possibly nested) of the body with a bad value, or removes it, or adds one. */
        String mutateField(String bodyJson) {
            JsonNode schema = api.resolve(op.bodySchema());
            List<List<String>> paths = new ArrayList<>();
            collectPaths(schema, new ArrayList<>(), paths, 0);
            if (paths.isEmpty()) {
                return mutateWholeBody(bodyJson);
            }
            List<String> path = pick(r, paths);
            JsonNode fieldSchema = schemaAt(schema, path);
            String fieldName = path.get(path.size() - 1);
            int kind = r.nextInt(20);
            Value bad;
            if (kind == 0) {
                return withField(path, null, "missing " + String.join(".", path), null);
            } else if (kind == 1) {
                bad = Value.of("null", "null");
            } else {
                bad = badValueFor(fieldName, fieldSchema);
            }
            return withField(path, bad.json(), String.join(".", path) + ": " + bad.label(), bad.mustRefuse());
        }

        Value badValueFor(String name, JsonNode schema) {
            schema = api.resolve(schema);
            if (schema == null) {
                return Malformed.anyType(r, "unknown");
            }
            if (r.nextInt(8) == 0) {
                return Malformed.anyType(r, schema.path("type").asText("object"));
            }
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>();
                schema.get("enum").forEach(v -> values.add(v.asText()));
                return Malformed.enumValue(r, values);
            }
            String type = schema.path("type").asText("");
            String format = schema.path("format").asText("");
            if (format.equals("uuid")) {
                return Malformed.uuid(r, validString(name, schema));
            }
            if (format.equals("date-time") || name.equals("until")) {
                return Malformed.dateTime(r);
            }
            switch (type) {
                case "integer":
                case "number": {
                    Long min = schema.has("minimum") ? schema.get("minimum").asLong() : null;
                    Long max = schema.has("maximum") ? schema.get("maximum").asLong() : null;
                    return Malformed.integer(r, min == null && max == null ? null : new Malformed.JsonNodeBounds(min, max));
                }
                case "boolean":
                    return Malformed.bool(r);
                case "string":
                    return Malformed.string(r, validString(name, schema), schema.has("maxLength") ? schema.get("maxLength").asInt() : -1);
                default:
                    return Malformed.anyType(r, type);
            }
        }

        void collectPaths(JsonNode schema, List<String> prefix, List<List<String>> out, int depth) {
            schema = api.resolve(schema);
            if (schema == null || depth > DEEP) {
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> prop = it.next();
                List<String> path = new ArrayList<>(prefix);
                path.add(prop.getKey());
                out.add(path);
                collectPaths(prop.getValue(), path, out, depth + 1);
            }
        }

        JsonNode schemaAt(JsonNode schema, List<String> path) {
            JsonNode current = api.resolve(schema);
            for (String part : path) {
                current = api.resolve(current.path("properties").path(part));
                if (current == null) {
                    return null;
                }
            }
            return current;
        }

        /**
         * Builds the body again with the field at {@code path} set to the raw JSON {@code value}
         * (null: removed); parents are filled with valid values.
         */
        String withField(List<String> path, String value, String label, String refuse) {
            JsonNode schema = api.resolve(op.bodySchema());
            String json = build(schema, path, 0, value, op.method().equals("PATCH"));
            mutations.add(label);
            if (refuse != null) {
                mustRefuse.add(refuse + " (" + String.join(".", path) + ")");
            }
            return json;
        }

        String build(JsonNode schema, List<String> path, int level, String value, boolean requiredOnly) {
            schema = api.resolve(schema);
            String target = path.get(level);
            StringBuilder out = new StringBuilder("{");
            Set<String> required = requiredOf(schema);
            boolean destination = isDestination(schema);
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> prop = it.next();
                String name = prop.getKey();
                String json;
                if (name.equals(target)) {
                    if (level == path.size() - 1) {
                        json = value;
                    } else {
                        json = build(prop.getValue(), path, level + 1, value, false);
                    }
                } else if (required.contains(name) || destination
                        || !requiredOnly && !name.endsWith("Present") && r.nextInt(10) < 3) {
                    json = destination && name.equals("type") ? quote("voip_account")
                            : destination && name.equals("id") ? quote(fixture.deskPhoneId().toString())
                            : validJson(name, prop.getValue(), level + 1, false);
                } else {
                    continue;
                }
                if (json == null) {
                    continue;
                }
                if (out.length() > 1) {
                    out.append(',');
                }
                out.append(quote(name)).append(':').append(json);
            }
            return out.append('}').toString();
        }

        String mutateWholeBody(String bodyJson) {
            String base = bodyJson == null ? "{}" : bodyJson;
            switch (r.nextInt(16)) {
                case 0: {
                    String name = pick(r, "extra", "__proto__", "constructor", "", "id", "orgId", "role", "admin", "x".repeat(5000),
                            "a\u0000b", "$where", "status ", "Status");
                    mutations.add("unknown field " + abbreviate(quote(name), 30));
                    return base.equals("{}") ? "{" + quote(name) + ":1}" : "{" + quote(name) + ":" + pick(r, "1", "\"x\"", "null", "{}")
                            + "," + base.substring(1);
                }
                case 1:
                    mutations.add("body null");
                    return "null";
                case 2: {
                    String v = pick(r, "[]", "[" + base + "]", "\"" + "s" + "\"", "123", "true", "\"\"");
                    mutations.add("body of the wrong JSON type " + abbreviate(v, 30));
                    return v;
                }
                case 3:
                    mutations.add("empty body");
                    body = new byte[0];
                    return "";
                case 4: {
                    String v = pick(r, "{", "}", "{\"a\":}", base + "x", base + base, "{'a':1}", "{a:1}", base.replaceFirst("}$", ",}"),
                            base.substring(0, Math.max(1, base.length() / 2)), "\uFEFF" + base, "/*c*/" + base, "{\"a\":1 \"b\":2}");
                    mutations.add("invalid JSON " + abbreviate(v, 40));
                    return v;
                }
                case 5: {
                    int depth = pick(r, 1000, 1001, 5000, 20_000, 100_000);
                    mutations.add("body of " + depth + " nested arrays");
                    return Malformed.nestedArrays(depth);
                }
                case 6: {
                    int depth = pick(r, 1000, 1001, 3000, 12_000);
                    mutations.add("body of " + depth + " nested objects");
                    return Malformed.nestedObjects(depth);
                }
                case 7: {
                    // Now and then beyond the HTTP layer's own limit (10 MiB), whose 413 must be a problem too.
                    int pad = r.nextInt(12) == 0 ? 11 * 1024 * 1024 : pick(r, 60_000, 65_600, 70_000, 200_000, 1_100_000);
                    mutations.add("valid body padded with " + pad + " spaces");
                    return base.substring(0, base.length() - 1) + " ".repeat(pad) + "}";
                }
                case 8: {
                    mutations.add("duplicate keys");
                    return base.length() > 2 ? "{" + base.substring(1, base.length() - 1) + "," + base.substring(1) : "{\"a\":1,\"a\":2}";
                }
                case 9: {
                    mutations.add("invalid UTF-8 in a string");
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes(Malformed.utf8("{\"name\":"));
                    out.writeBytes(Malformed.invalidUtf8());
                    out.writeBytes(Malformed.utf8(base.length() > 2 ? "," + base.substring(1) : "}"));
                    body = out.toByteArray();
                    return null;
                }
                case 10: {
                    mutations.add("body encoded as UTF-16");
                    body = base.getBytes(StandardCharsets.UTF_16);
                    return null;
                }
                case 11: {
                    int size = pick(r, 50_000, 70_000, 1_048_576);
                    mutations.add("unknown field with a " + size + "-character value");
                    return "{\"padding\":" + quote("p".repeat(size)) + (base.length() > 2 ? "," + base.substring(1) : "}");
                }
                case 12: {
                    mutations.add("many fields");
                    StringBuilder s = new StringBuilder("{");
                    for (int i = 0; i < 5000; i++) {
                        s.append("\"f").append(i).append("\":").append(i).append(',');
                    }
                    return s.append("\"end\":0}").toString();
                }
                case 13: {
                    mutations.add("NUL byte before the body");
                    return "\u0000" + base;
                }
                default:
                    return mutateField(bodyJson);
            }
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + ")";
    }
}
