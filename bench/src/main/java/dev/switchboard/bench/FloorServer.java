package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The floor: a bare Vert.x server (no Quarkus, no database, no security framework) that speaks
 * the same presence protocol for the same synthetic organizations: bearer-token upgrade,
 * {@code snapshot}/{@code resumed} first frame, {@code set_availability} and
 * {@code PUT /api/me/availability} producing one {@code presence} frame per change, encoded once
 * and written as the same bytes to every socket of the org, plus an in-memory version of the
 * REST resources of the REST mix and of the SIP platform's path (platform login, VoIP accounts,
 * destinations, registrations, call events, routing decisions: the same JSON shapes as
 * docs/api.md). What the service reaches is reported as a ratio to this.
 *
 * <p>One event loop per available core (under {@code taskset -c 0}: one), state in memory
 * guarded per organization.
 */
public final class FloorServer {

    static final class Member {
        final String id = UUID.randomUUID().toString();
        final String token = "floor-" + UUID.randomUUID();
        final Org org;
        final String role;
        String email;
        String name;
        final String number;
        String status = "available";
        Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long version;
        String presenceJson;
        /** The selected destination: one of this member's own devices, or none (a plan's lone first target). */
        Device destination;
        /** The call plan: steps of own devices with their ring times, fallbacks, call waiting. */
        List<List<Device>> steps = List.of();
        List<Integer> ringSeconds = List.of();
        JsonObject fallbacks = new JsonObject();
        boolean callWaiting = true;
        int devices;
        /** This member's own devices (a call with call waiting off is busy when one is in a call). */
        final List<Device> own = new ArrayList<>();
        final Set<ServerWebSocket> sockets = new LinkedHashSet<>();

        Member(Org org, int index, String role) {
            this.org = org;
            this.role = role;
            this.email = "m" + index + "." + org.id.substring(0, 8) + "@floor.test";
            this.name = (role.equals("admin") ? "Admin " : "Member ") + index;
            this.number = Integer.toString(100 + index);
            encode();
        }

        /** A colleague's call rings: a usable destination and a status that lets colleagues through. */
        boolean rings() {
            return !status.equals("do_not_disturb") && !status.equals("offline") && destination != null && destination.usable();
        }

        String availability() {
            return switch (status) {
                case "do_not_disturb" -> "do_not_disturb";
                case "offline" -> "offline";
                // no usable destination: not reachable, as in the service
                default -> !rings() ? "offline" : destination.inCall.isEmpty() ? status : "busy";
            };
        }

        void encode() {
            presenceJson = "{\"userId\":\"" + id + "\",\"name\":\"" + name + "\",\"internalNumber\":\"" + number
                    + "\",\"availability\":\"" + availability() + "\",\"userStatus\":\"" + status
                    + "\",\"context\":" + (destination == null ? "[]" : destination.context()) + ",\"reach\":\""
                    + (rings() ? "rings" : "unreachable") + "\",\"since\":\"" + since + "\"}";
        }

        String selfJson() {
            return presenceJson.substring(0, presenceJson.length() - 1) + ",\"status\":\"" + status
                    + "\",\"destination\":null,\"until\":null,\"reachability\":{\"internal\":false,\"external\":false,"
                    + "\"reasons\":[{\"code\":\"NO_DESTINATION\",\"message\":\"You have not chosen where calls should ring.\"}]}}";
        }

        JsonObject userJson() {
            return new JsonObject().put("id", id).put("orgId", org.id).put("email", email).put("name", name)
                    .put("internalNumber", number).put("role", role).put("version", version);
        }

        JsonObject availabilityJson() {
            return new JsonObject().put("status", status)
                    .put("destination", destination == null ? null : new JsonObject().put("type", "voip_account").put("id", destination.id))
                    .putNull("until").put("version", version);
        }
    }

    /** A VoIP account: SIP username, live registration (lapsing at its expiry), DND and the calls on it. */
    static final class Device {
        final String id = UUID.randomUUID().toString();
        final String sipUsername = "sb" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        final Org org;
        final Member owner;
        final String kind;
        final String description;
        final String number;
        final Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        boolean registered;
        long expiresAtNanos;
        String userAgent;
        String contact;
        Instant lastSeen;
        boolean dnd;
        final Set<String> ringing = new LinkedHashSet<>();
        final Set<String> inCall = new LinkedHashSet<>();
        long version;

        Device(Org org, Member owner, String kind, String description, String number) {
            this.org = org;
            this.owner = owner;
            this.kind = kind;
            this.description = description;
            this.number = number;
        }

        boolean live() {
            return registered && System.nanoTime() - expiresAtNanos < 0;
        }

        boolean usable() {
            return live() && !dnd;
        }

        String context() {
            return ringing.isEmpty() ? inCall.isEmpty() ? "[]" : "[\"in_call\"]" : inCall.isEmpty() ? "[\"ringing\"]" : "[\"ringing\",\"in_call\"]";
        }

        /** DeviceState {registered, userAgent, lastSeen, dnd, context}. */
        JsonObject state() {
            return new JsonObject().put("registered", live()).put("userAgent", userAgent)
                    .put("lastSeen", lastSeen == null ? null : lastSeen.toString()).put("dnd", dnd)
                    .put("context", new JsonArray(context()));
        }

        JsonObject json(String sipPassword) {
            JsonObject o = new JsonObject().put("id", id).put("orgId", org.id).put("userId", owner == null ? null : owner.id)
                    .put("kind", kind).put("description", description).put("internalNumber", number).put("sipUsername", sipUsername);
            if (sipPassword != null) {
                o.put("sipPassword", sipPassword);
            }
            return o.put("state", state()).put("version", version).put("createdAt", createdAt.toString());
        }
    }

    static final class Org {
        final String id = UUID.randomUUID().toString();
        final List<Member> members = new ArrayList<>();
        final Map<String, Member> byId = new ConcurrentHashMap<>();
        /** Internal numbers of members and devices: what a route's {@code to} and {@code from} name. */
        final Map<String, Object> numbers = new ConcurrentHashMap<>();
        final List<Device> devices = new ArrayList<>();
        final Map<String, Device> devicesById = new ConcurrentHashMap<>();
        final Set<ServerWebSocket> peers = new LinkedHashSet<>();
        final ArrayDeque<Object[]> recent = new ArrayDeque<>(); // {seq, byte[] frame}
        long seq;
        int counter;
    }

    private static final int REPLAY_MAX = 2000;
    private final Map<String, Org> orgs = new ConcurrentHashMap<>();
    private final Map<String, Member> byToken = new ConcurrentHashMap<>();
    private final Map<String, Device> bySip = new ConcurrentHashMap<>();
    /** Furthest state per call and device ("sip callId" → 0 ringing, 1 answered, 2 ended): calls only move forward. */
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    /** The SIP platform's login (the service's SWITCHBOARD_PLATFORM_CLIENT_ID / _SECRET) and the token it gets. */
    private final String platformClientId = System.getenv().getOrDefault("SWITCHBOARD_PLATFORM_CLIENT_ID", "bench-platform");
    private final String platformClientSecret = System.getenv().getOrDefault("SWITCHBOARD_PLATFORM_CLIENT_SECRET", "bench-platform-secret");
    private final String platformToken = "floor-platform-" + UUID.randomUUID();

    public static void main(String[] args) {
        Opts opts = new Opts(args);
        int port = opts.integer("port", 8282);
        int loops = opts.integer("event-loops", Runtime.getRuntime().availableProcessors());
        // epoll, as the service (quarkus.vertx.prefer-native-transport=true)
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
        if (!vertx.isNativeTransportEnabled()) {
            System.err.println("floor: epoll unavailable, using NIO: " + vertx.unavailableNativeTransportCause());
        }
        FloorServer floor = new FloorServer();
        vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0").setTcpNoDelay(true)
                .setMaxWebSocketFrameSize(2 * 1024 * 1024).setMaxWebSocketMessageSize(2 * 1024 * 1024)
                .setAcceptBacklog(8192))
                .webSocketHandler(floor::socket)
                .requestHandler(floor::request)
                .listen().onSuccess(s -> System.out.println("floor server listening on " + s.actualPort()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    // --- WebSocket -----------------------------------------------------------------------------

    private void socket(ServerWebSocket ws) {
        if (!"/ws/presence".equals(ws.path())) {
            ws.reject(404);
            return;
        }
        Member me = member(ws.headers().get("Authorization"));
        if (me == null) {
            ws.reject(401);
            return;
        }
        Long since = null;
        String query = ws.query();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("since=")) {
                    try {
                        since = Long.parseLong(pair.substring(6));
                    } catch (NumberFormatException e) {
                        ws.close((short) 1008, "invalid query parameters");
                        return;
                    }
                }
            }
        }
        Org org = me.org;
        synchronized (org) {
            org.peers.add(ws);
            me.sockets.add(ws);
            if (!resume(ws, org, me, since)) {
                StringBuilder sb = new StringBuilder(64 + org.members.size() * 240);
                sb.append("{\"type\":\"snapshot\",\"seq\":").append(org.seq).append(",\"me\":").append(me.selfJson())
                        .append(",\"colleagues\":[");
                for (int i = 0; i < org.members.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(org.members.get(i).presenceJson);
                }
                ws.writeTextMessage(sb.append("]}").toString());
            }
        }
        ws.closeHandler(v -> {
            synchronized (org) {
                org.peers.remove(ws);
                me.sockets.remove(ws);
            }
        });
        ws.exceptionHandler(e -> { });
        ws.textMessageHandler(text -> command(ws, me, text));
    }

    private boolean resume(ServerWebSocket ws, Org org, Member me, Long since) {
        if (since == null || since > org.seq || org.seq - since > REPLAY_MAX) {
            return false;
        }
        List<byte[]> missed = new ArrayList<>();
        if (since < org.seq) {
            Object[] oldest = org.recent.peekFirst();
            if (oldest == null || (long) oldest[0] > since + 1) {
                return false;
            }
            for (Object[] e : org.recent) {
                if ((long) e[0] > since) {
                    missed.add((byte[]) e[1]);
                }
            }
        }
        ws.writeTextMessage("{\"type\":\"resumed\",\"seq\":" + since + "}");
        missed.forEach(bytes -> ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes, true)));
        ws.writeTextMessage("{\"type\":\"me\",\"me\":" + me.selfJson() + "}");
        return true;
    }

    private void command(ServerWebSocket ws, Member me, String text) {
        JsonObject cmd;
        try {
            cmd = new JsonObject(text);
        } catch (RuntimeException e) {
            ws.writeTextMessage("{\"type\":\"error\",\"code\":\"invalid_message\",\"message\":\"not JSON\"}");
            return;
        }
        String id = cmd.getString("id");
        switch (String.valueOf(cmd.getValue("type"))) {
            case "ping" -> ws.writeTextMessage("{\"type\":\"pong\"}");
            case "set_availability" -> {
                String status = cmd.getString("status");
                if (status != null && !validStatus(status)) {
                    ws.writeTextMessage("{\"type\":\"error\",\"id\":" + quote(id) + ",\"code\":\"validation\",\"message\":\"bad status\"}");
                    return;
                }
                ws.writeTextMessage("{\"type\":\"ack\",\"id\":" + quote(id) + "}");
                if (status != null) {
                    change(me, status);
                }
            }
            default -> ws.writeTextMessage("{\"type\":\"error\",\"id\":" + quote(id)
                    + ",\"code\":\"invalid_message\",\"message\":\"unknown type\"}");
        }
    }

    /** A status change through the socket or {@code PUT /api/me/availability}. */
    private void change(Member m, String status) {
        Org org = m.org;
        synchronized (org) {
            m.version++;
            if (status.equals(m.status)) {
                return;
            }
            String before = m.availability();
            m.status = status;
            republish(m, before);
        }
    }

    /**
     * After an input of m's presence changed (status, destination, registration, calls; the org's
     * lock held): when what colleagues see changed, one change: new seq, frame encoded once, the
     * same bytes to every socket of the org, then {@code me}.
     */
    private void republish(Member m, String availabilityBefore) {
        Org org = m.org;
        if (!availabilityBefore.equals(m.availability())) {
            m.since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        }
        String old = m.presenceJson;
        m.encode();
        if (old.equals(m.presenceJson)) {
            return;
        }
        long seq = ++org.seq;
        byte[] frame = ("{\"type\":\"presence\",\"seq\":" + seq + ",\"colleague\":" + m.presenceJson + "}")
                .getBytes(StandardCharsets.UTF_8);
        org.recent.addLast(new Object[] {seq, frame});
        if (org.recent.size() > REPLAY_MAX) {
            org.recent.removeFirst();
        }
        for (ServerWebSocket peer : org.peers) {
            peer.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame, true));
        }
        if (!m.sockets.isEmpty()) {
            byte[] self = ("{\"type\":\"me\",\"me\":" + m.selfJson() + "}").getBytes(StandardCharsets.UTF_8);
            for (ServerWebSocket own : m.sockets) {
                own.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, self, true));
            }
        }
    }

    private static boolean validStatus(String s) {
        return s.equals("available") || s.equals("available_for_colleagues") || s.equals("do_not_disturb") || s.equals("offline");
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Member member(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        return byToken.get(authorization.substring(7));
    }

    // --- HTTP ------------------------------------------------------------------------------------

    private void request(HttpServerRequest req) {
        String path = req.path();
        if (path.startsWith("/q/health")) {
            json(req, 200, "{\"status\":\"UP\",\"checks\":[]}");
            return;
        }
        req.body().onSuccess(body -> {
            try {
                route(req, path, body);
            } catch (RuntimeException e) {
                json(req, 400, new JsonObject().put("status", 400).put("title", "Bad request").put("detail", String.valueOf(e)).encode());
            }
        });
    }

    private void route(HttpServerRequest req, String path, Buffer body) {
        String method = req.method().name();
        if (path.equals("/bench/orgs") && method.equals("POST")) {
            createOrg(req, body.toJsonObject());
            return;
        }
        if (path.equals("/api/auth/token") && method.equals("POST")) {
            login(req, body.toJsonObject());
            return;
        }
        String authorization = req.getHeader("Authorization");
        boolean platform = authorization != null && authorization.equals("Bearer " + platformToken);
        Member caller = platform ? null : member(authorization);
        if (!platform && caller == null) {
            json(req, 401, "{\"status\":401,\"title\":\"Unauthorized\"}");
            return;
        }
        if (path.startsWith("/api/platform/")) {
            if (!platform) {
                json(req, 403, "{\"status\":403}");
            } else {
                platform(req, method, path.substring("/api/platform/".length()), body.toJsonObject());
            }
            return;
        }
        String[] parts = path.split("/"); // "", api, orgs, {org}, users, {id}, availability
        if (parts.length == 6 && parts[1].equals("api") && parts[2].equals("orgs") && parts[4].equals("calls")
                && parts[5].equals("route") && method.equals("POST")) {
            Org org = orgs.get(parts[3]);
            if (org == null || caller != null && caller.org != org) {
                json(req, 404, "{\"status\":404}");
            } else if (caller != null && !caller.role.equals("admin")) {
                json(req, 403, "{\"status\":403}");
            } else {
                routeCall(req, org, body.toJsonObject());
            }
            return;
        }
        if (caller == null) {
            json(req, 403, "{\"status\":403}");
            return;
        }
        if (parts.length >= 5 && parts.length <= 6 && parts[1].equals("api") && parts[2].equals("orgs") && parts[4].equals("voip-accounts")) {
            Org org = orgs.get(parts[3]);
            if (org == null || caller.org != org) {
                json(req, 404, "{\"status\":404}");
            } else if (!caller.role.equals("admin")) {
                json(req, 403, "{\"status\":403}");
            } else {
                devices(req, method, org, parts.length == 6 ? parts[5] : null, body);
            }
            return;
        }
        if (path.equals("/api/me/availability") && method.equals("PUT")) {
            String status = body.toJsonObject().getString("status");
            if (status != null && !validStatus(status)) {
                json(req, 422, "{\"status\":422}");
                return;
            }
            if (status != null) {
                change(caller, status);
            }
            json(req, 200, caller.availabilityJson().encode());
            return;
        }
        if (parts.length < 5 || !parts[1].equals("api") || !parts[2].equals("orgs") || !parts[4].equals("users")) {
            json(req, 404, "{\"status\":404}");
            return;
        }
        Org org = orgs.get(parts[3]);
        if (org == null || caller.org != org) {
            json(req, 404, "{\"status\":404}");
            return;
        }
        if (parts.length == 5) {
            if (method.equals("GET")) {
                int page = intParam(req, "page", 0);
                int size = Math.min(200, intParam(req, "size", 50));
                JsonArray items = new JsonArray();
                int total;
                synchronized (org) {
                    total = org.members.size();
                    for (int i = page * size; i < Math.min(total, (page + 1) * size); i++) {
                        items.add(org.members.get(i).userJson());
                    }
                }
                json(req, 200, new JsonObject().put("items", items).put("page", page).put("size", size).put("total", total).encode());
            } else if (method.equals("POST")) {
                JsonObject in = body.toJsonObject();
                Member m;
                synchronized (org) {
                    m = new Member(org, org.counter++, in.getString("role", "user"));
                    m.email = in.getString("email");
                    m.name = in.getString("name");
                    m.encode();
                    org.members.add(m);
                    org.byId.put(m.id, m);
                    org.numbers.put(m.number, m);
                }
                req.response().putHeader("Location", path + "/" + m.id);
                json(req, 201, m.userJson().encode());
            } else {
                json(req, 405, "{\"status\":405}");
            }
            return;
        }
        Member target = org.byId.get(parts[5]);
        if (target == null) {
            json(req, 404, "{\"status\":404}");
            return;
        }
        if (parts.length == 6) {
            if (method.equals("GET")) {
                json(req, 200, target.userJson().encode());
            } else if (method.equals("PATCH")) {
                JsonObject in = body.toJsonObject();
                synchronized (org) {
                    if (in.getString("name") != null) {
                        target.name = in.getString("name");
                        target.encode();
                    }
                    target.version++;
                }
                json(req, 200, target.userJson().encode());
            } else {
                json(req, 405, "{\"status\":405}");
            }
        } else if (parts.length == 7 && parts[6].equals("call-plan") && method.equals("PUT")) {
            callPlan(req, org, target, body.toJsonObject());
        } else if (parts.length == 7 && parts[6].equals("availability")) {
            if (method.equals("GET")) {
                json(req, 200, target.availabilityJson().encode());
            } else if (method.equals("PUT")) {
                JsonObject in = body.toJsonObject();
                String status = in.getString("status");
                if (in.containsKey("destination")) {
                    JsonObject dest = in.getJsonObject("destination");
                    Device device = dest == null ? null : org.devicesById.get(String.valueOf(dest.getValue("id")));
                    if (dest != null && (device == null || device.owner != target || !"voip_account".equals(dest.getValue("type")))) {
                        json(req, 422, "{\"status\":422}");
                        return;
                    }
                    synchronized (org) {
                        String before = target.availability();
                        target.destination = device;
                        target.steps = device == null ? List.of() : List.of(List.of(device));
                        target.ringSeconds = device == null ? List.of() : List.of(target.ringSeconds.isEmpty() ? 20 : target.ringSeconds.get(0));
                        target.version++;
                        republish(target, before);
                    }
                }
                if (status != null) {
                    change(target, status);
                }
                json(req, 200, target.availabilityJson().encode());
            } else {
                json(req, 405, "{\"status\":405}");
            }
        } else {
            json(req, 404, "{\"status\":404}");
        }
    }

    // --- SIP platform and call routing (docs/api.md "SIP platform", "Call routing") -----------------

    private static final Pattern INTERNAL = Pattern.compile("^[1-9][0-9]{1,7}$");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Set<String> KINDS = Set.of("desk_phone", "webphone", "app", "softphone");
    private static final String[] CALL_STATES = {"ringing", "answered", "ended"};

    /** The platform's client credentials; users log in on the floor by {@code POST /bench/orgs} only. */
    private void login(HttpServerRequest req, JsonObject in) {
        if (platformClientId.equals(in.getString("clientId")) && platformClientSecret.equals(in.getString("clientSecret"))) {
            json(req, 200, new JsonObject().put("accessToken", platformToken).put("tokenType", "Bearer").put("expiresIn", 3600).encode());
        } else {
            json(req, 401, "{\"status\":401,\"title\":\"Unauthorized\"}");
        }
    }

    /** Create a VoIP account (201 with its SIP password) or list the org's accounts (paged, in creation order). */
    private void devices(HttpServerRequest req, String method, Org org, String id, Buffer body) {
        if (id != null) {
            Device d = org.devicesById.get(id);
            if (d == null) {
                json(req, 404, "{\"status\":404}");
            } else {
                json(req, 200, d.json(null).encode());
            }
            return;
        }
        if (method.equals("GET")) {
            int page = intParam(req, "page", 0);
            int size = Math.min(200, intParam(req, "size", 50));
            JsonArray items = new JsonArray();
            int total;
            synchronized (org) {
                total = org.devices.size();
                for (int i = page * size; i < Math.min(total, (page + 1) * size); i++) {
                    items.add(org.devices.get(i).json(null));
                }
            }
            json(req, 200, new JsonObject().put("items", items).put("page", page).put("size", size).put("total", total).encode());
            return;
        }
        JsonObject in = body.toJsonObject();
        String kind = in.getString("kind");
        if (kind == null || !KINDS.contains(kind)) {
            json(req, 400, "{\"status\":400,\"errors\":[{\"field\":\"kind\"}]}");
            return;
        }
        Device d;
        synchronized (org) {
            Member owner = in.getString("userId") == null ? null : org.byId.get(in.getString("userId"));
            if (in.getString("userId") != null && (owner == null || owner.devices >= 10)) {
                json(req, 422, "{\"status\":422,\"errors\":[{\"field\":\"userId\"}]}");
                return;
            }
            String number = in.getString("internalNumber");
            if (number == null) {
                int n = 200;
                while (org.numbers.containsKey(Integer.toString(n))) {
                    n++;
                }
                number = Integer.toString(n);
            } else if (org.numbers.containsKey(number)) {
                json(req, 409, "{\"status\":409,\"errors\":[{\"field\":\"internalNumber\"}]}");
                return;
            }
            d = new Device(org, owner, kind, in.getString("description", ""), number);
            if (owner != null) {
                owner.devices++;
                owner.own.add(d);
            }
            org.devices.add(d);
            org.devicesById.put(d.id, d);
            org.numbers.put(number, d);
            bySip.put(d.sipUsername, d);
        }
        req.response().putHeader("Location", "/api/orgs/" + org.id + "/voip-accounts/" + d.id);
        json(req, 201, d.json(UUID.randomUUID().toString().replace("-", "").substring(0, 24)).encode());
    }

    /** Registrations, device DND and call events: each answers the device's resulting DeviceState. */
    private void platform(HttpServerRequest req, String method, String rest, JsonObject in) {
        Device d;
        String what;
        if (rest.equals("call-events") && method.equals("POST")) {
            String callId = in.getString("callId");
            String sip = in.getString("sipUsername");
            int state = Arrays.asList(CALL_STATES).indexOf(String.valueOf(in.getValue("state")));
            if (callId == null || callId.isBlank() || callId.length() > 256 || sip == null || state < 0) {
                json(req, 400, "{\"status\":400}");
                return;
            }
            d = bySip.get(sip);
            if (d == null) {
                json(req, 404, "{\"status\":404}");
                return;
            }
            synchronized (d.org) {
                Integer before = calls.get(sip + " " + callId);
                if (before == null || before < state) {
                    calls.put(sip + " " + callId, state);
                    String availability = d.owner == null ? null : d.owner.availability();
                    d.ringing.remove(callId);
                    d.inCall.remove(callId);
                    if (state == 0) {
                        d.ringing.add(callId);
                    } else if (state == 1) {
                        d.inCall.add(callId);
                    }
                    changedDevice(d, availability);
                }
            }
            json(req, 200, d.state().encode());
            return;
        }
        int slash = rest.indexOf('/');
        what = slash < 0 ? rest : rest.substring(0, slash);
        d = slash < 0 ? null : bySip.get(rest.substring(slash + 1));
        if (!method.equals("PUT") || !what.equals("registrations") && !what.equals("dnd")) {
            json(req, 404, "{\"status\":404}");
            return;
        }
        if (d == null) {
            json(req, 404, "{\"status\":404}");
            return;
        }
        Boolean flag = in.getBoolean(what.equals("dnd") ? "dnd" : "registered");
        Long expiresIn = in.getLong("expiresIn");
        if (flag == null || what.equals("registrations") && flag && (expiresIn == null || expiresIn < 1 || expiresIn > 86_400)) {
            json(req, 400, "{\"status\":400}");
            return;
        }
        synchronized (d.org) {
            String availability = d.owner == null ? null : d.owner.availability();
            if (what.equals("dnd")) {
                d.dnd = flag;
            } else {
                d.registered = flag;
                if (flag) {
                    d.expiresAtNanos = System.nanoTime() + expiresIn * 1_000_000_000L;
                    d.lastSeen = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    d.userAgent = in.getString("userAgent", d.userAgent);
                    d.contact = in.getString("contact", d.contact);
                }
            }
            changedDevice(d, availability);
        }
        json(req, 200, d.state().encode());
    }

    /** A device's state changed (org lock held): when it is its owner's destination, the owner's presence may have. */
    private void changedDevice(Device d, String ownerAvailabilityBefore) {
        if (d.owner != null && d.owner.destination == d) {
            republish(d.owner, ownerAvailabilityBefore);
        }
    }

    /** The routing decision: ring the callee's usable destination (or the dialled device), or reject with a reason. */
    private void routeCall(HttpServerRequest req, Org org, JsonObject in) {
        String from = in.getString("from");
        String to = in.getString("to");
        if (from == null || to == null || from.length() > 32 || to.length() > 32
                || !E164.matcher(from).matches() && !INTERNAL.matcher(from).matches() || !INTERNAL.matcher(to).matches()) {
            json(req, 400, "{\"status\":400}");
            return;
        }
        boolean internal = !from.startsWith("+");
        if (internal && !org.numbers.containsKey(from)) {
            json(req, 422, "{\"status\":422,\"errors\":[{\"field\":\"from\"}]}");
            return;
        }
        Object callee = org.numbers.get(to);
        if (callee == null) {
            json(req, 404, "{\"status\":404}");
            return;
        }
        String answer;
        synchronized (org) {
            Device device;
            String block = null;
            if (callee instanceof Member m) {
                device = m.destination;
                block = switch (m.status) {
                    case "do_not_disturb" -> "STATUS_DND";
                    case "offline" -> "STATUS_OFFLINE";
                    case "available_for_colleagues" -> internal ? null : "COLLEAGUES_ONLY";
                    default -> null;
                };
                if (block == null) {
                    json(req, 200, planAnswer(m, internal, 0).encode());
                    return;
                }
            } else {
                device = (Device) callee;
            }
            if (block == null) {
                block = !device.live() ? "DEVICE_UNREGISTERED" : device.dnd ? "DEVICE_DND" : null;
            }
            answer = block != null
                    ? "{\"action\":\"reject\",\"reason\":{\"code\":\"" + block + "\",\"message\":\"Calls cannot ring (" + block + ").\"}}"
                    : "{\"action\":\"ring\",\"targets\":[{\"voipAccountId\":\"" + device.id + "\",\"sipUsername\":\"" + device.sipUsername
                            + "\",\"kind\":\"" + device.kind + "\",\"wakeUp\":false}],\"reason\":\"Ringing the selected "
                            + device.kind.replace('_', ' ') + " " + device.number + ".\"}";
        }
        json(req, 200, answer);
    }

    /** {@code PUT …/users/{id}/call-plan}: steps of the member's own devices, fallbacks, call waiting. */
    private void callPlan(HttpServerRequest req, Org org, Member target, JsonObject in) {
        List<List<Device>> steps = new ArrayList<>();
        List<Integer> rings = new ArrayList<>();
        JsonArray given = in.getJsonArray("steps", new JsonArray());
        for (int i = 0; i < given.size(); i++) {
            JsonObject step = given.getJsonObject(i);
            List<Device> devices = new ArrayList<>();
            for (Object t : step.getJsonArray("targets", new JsonArray())) {
                Device device = org.devicesById.get(String.valueOf(((JsonObject) t).getValue("id")));
                if (device == null || device.owner != target) {
                    json(req, 422, "{\"status\":422}");
                    return;
                }
                devices.add(device);
            }
            steps.add(devices);
            rings.add(step.getInteger("ringSeconds", 20));
        }
        JsonObject fallbacks = in.getJsonObject("fallbacks", new JsonObject());
        synchronized (org) {
            String before = target.availability();
            target.steps = steps;
            target.ringSeconds = rings;
            target.fallbacks = fallbacks;
            target.callWaiting = in.getBoolean("callWaiting", true);
            target.destination = !steps.isEmpty() && steps.get(0).size() == 1 ? steps.get(0).get(0) : null;
            target.version++;
            republish(target, before);
            json(req, 200, in.copy().put("version", target.version).encode());
        }
    }

    /**
     * A call to a member whose status lets it through (org lock held): busy with call waiting off →
     * the busy fallback; no step with a target that can ring → the unreachable fallback; else ring
     * the plan's steps, with the no-answer fallback resolved (a colleague's own route: one hop).
     */
    private JsonObject planAnswer(Member m, boolean internal, int hops) {
        boolean busy = !m.callWaiting && m.own.stream().anyMatch(d -> !d.inCall.isEmpty());
        if (busy) {
            return fallback(m, "busy", "IN_CALL", internal, hops);
        }
        JsonArray plan = new JsonArray();
        for (int i = 0; i < m.steps.size(); i++) {
            JsonArray targets = new JsonArray();
            for (Device d : m.steps.get(i)) {
                if (d.usable()) {
                    targets.add(new JsonObject().put("voipAccountId", d.id).put("sipUsername", d.sipUsername).put("kind", d.kind)
                            .put("wakeUp", false));
                }
            }
            if (!targets.isEmpty()) {
                plan.add(new JsonObject().put("targets", targets).put("ringSeconds", m.ringSeconds.get(i))
                        .put("reason", reason("OK", "Ringing " + targets.size() + " device(s) of " + m.name + ".")));
            }
        }
        if (plan.isEmpty()) {
            return fallback(m, "unreachable", m.steps.isEmpty() ? "NO_DESTINATION" : "DEVICE_UNREGISTERED", internal, hops);
        }
        JsonObject first = plan.getJsonObject(0);
        return new JsonObject().put("action", "ring").put("targets", first.getJsonArray("targets"))
                .put("reason", first.getJsonObject("reason").getString("message")).put("plan", plan)
                .put("onNoAnswer", fallback(m, "noAnswer", "NO_ANSWER", internal, hops)).put("hops", hops);
    }

    /** A fallback of m's plan for {@code situation}: a colleague's route (one more hop, at most 3), voicemail, or reject. */
    private JsonObject fallback(Member m, String situation, String code, boolean internal, int hops) {
        JsonObject to = m.fallbacks.getJsonObject(situation, new JsonObject().put("type", "reject"));
        JsonObject why = reason(code, "Calls to " + m.name + " cannot ring now (" + code + ").");
        switch (to.getString("type", "reject")) {
            case "voicemail" -> {
                return new JsonObject().put("action", "voicemail").put("voicemail", m.id).put("reason", why)
                        .put("plan", new JsonArray().add(new JsonObject().put("targets", new JsonArray().add(new JsonObject().put("voicemail", m.id)))
                                .put("reason", why))).put("hops", hops);
            }
            case "user" -> {
                Member next = m.org.byId.get(to.getString("id"));
                if (next != null && hops < 3) {
                    JsonObject answer = next.status.equals("do_not_disturb") || next.status.equals("offline")
                            ? new JsonObject().put("action", "reject").put("reason", reason("STATUS_UNAVAILABLE", next.name + " is unavailable."))
                                    .put("plan", new JsonArray()).put("hops", hops + 1)
                            : planAnswer(next, internal, hops + 1);
                    return answer.put("via", new JsonObject().put("type", "user").put("id", m.id).put("fallback", situation).put("reason", why));
                }
                return new JsonObject().put("action", "reject").put("reason", reason("TOO_MANY_HOPS", "Too many forwards.")).put("plan", new JsonArray())
                        .put("hops", hops);
            }
            default -> {
                return new JsonObject().put("action", "reject").put("reason", why).put("plan", new JsonArray()).put("hops", hops);
            }
        }
    }

    private static JsonObject reason(String code, String message) {
        return new JsonObject().put("code", code).put("message", message);
    }

    private void createOrg(HttpServerRequest req, JsonObject in) {
        Org org = new Org();
        int size = in.getInteger("size", 10);
        JsonArray members = new JsonArray();
        String adminToken = null;
        synchronized (org) {
            if (in.getBoolean("admin", false)) {
                Member admin = new Member(org, org.counter++, "admin");
                org.members.add(admin);
                org.byId.put(admin.id, admin);
                org.numbers.put(admin.number, admin);
                byToken.put(admin.token, admin);
                adminToken = admin.token;
            }
            for (int i = 0; i < size; i++) {
                Member m = new Member(org, org.counter++, "user");
                org.members.add(m);
                org.byId.put(m.id, m);
                org.numbers.put(m.number, m);
                byToken.put(m.token, m);
                members.add(new JsonObject().put("id", m.id).put("token", m.token).put("internalNumber", m.number));
            }
        }
        orgs.put(org.id, org);
        json(req, 201, new JsonObject().put("id", org.id).put("adminToken", adminToken).put("members", members).encode());
    }

    private static int intParam(HttpServerRequest req, String name, int def) {
        String v = req.getParam(name);
        return v == null ? def : Integer.parseInt(v);
    }

    private static void json(HttpServerRequest req, int status, String body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
