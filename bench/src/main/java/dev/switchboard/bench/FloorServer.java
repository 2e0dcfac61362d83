package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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
 * REST resources of the REST mix. What the service reaches is reported as a ratio to this.
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
        final Set<ServerWebSocket> sockets = new LinkedHashSet<>();

        Member(Org org, int index, String role) {
            this.org = org;
            this.role = role;
            this.email = "m" + index + "." + org.id.substring(0, 8) + "@floor.test";
            this.name = (role.equals("admin") ? "Admin " : "Member ") + index;
            this.number = Integer.toString(100 + index);
            encode();
        }

        String availability() {
            return switch (status) {
                case "do_not_disturb" -> "do_not_disturb";
                case "offline" -> "offline";
                default -> "offline"; // no destination selected: not reachable, as in the service
            };
        }

        void encode() {
            presenceJson = "{\"userId\":\"" + id + "\",\"name\":\"" + name + "\",\"internalNumber\":\"" + number
                    + "\",\"availability\":\"" + availability() + "\",\"userStatus\":\"" + status
                    + "\",\"context\":[],\"reach\":\"unreachable\",\"since\":\"" + since + "\"}";
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
            return new JsonObject().put("status", status).putNull("destination").putNull("until").put("version", version);
        }
    }

    static final class Org {
        final String id = UUID.randomUUID().toString();
        final List<Member> members = new ArrayList<>();
        final Map<String, Member> byId = new ConcurrentHashMap<>();
        final Set<ServerWebSocket> peers = new LinkedHashSet<>();
        final ArrayDeque<Object[]> recent = new ArrayDeque<>(); // {seq, byte[] frame}
        long seq;
        int counter;
    }

    private static final int REPLAY_MAX = 2000;
    private final Map<String, Org> orgs = new ConcurrentHashMap<>();
    private final Map<String, Member> byToken = new ConcurrentHashMap<>();

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

    /** One change: new seq, frame encoded once, the same bytes to every socket of the org, then {@code me}. */
    private void change(Member m, String status) {
        Org org = m.org;
        synchronized (org) {
            m.version++;
            if (status.equals(m.status)) {
                return;
            }
            String before = m.availability();
            m.status = status;
            if (!before.equals(m.availability())) {
                m.since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            }
            m.encode();
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
        Member caller = member(req.getHeader("Authorization"));
        if (caller == null) {
            json(req, 401, "{\"status\":401,\"title\":\"Unauthorized\"}");
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
        String[] parts = path.split("/"); // "", api, orgs, {org}, users, {id}, availability
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
        } else if (parts.length == 7 && parts[6].equals("availability")) {
            if (method.equals("GET")) {
                json(req, 200, target.availabilityJson().encode());
            } else if (method.equals("PUT")) {
                String status = body.toJsonObject().getString("status");
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
                byToken.put(admin.token, admin);
                adminToken = admin.token;
            }
            for (int i = 0; i < size; i++) {
                Member m = new Member(org, org.counter++, "user");
                org.members.add(m);
                org.byId.put(m.id, m);
                byToken.put(m.token, m);
                members.add(new JsonObject().put("id", m.id).put("token", m.token));
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
