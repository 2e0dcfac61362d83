package dev.switchboard.fuzz;

import static dev.switchboard.support.TestApi.createOrg;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.switchboard.fuzz.FrameGenerator.Frame;
import dev.switchboard.support.ErrorLogCapture;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * Sends malformed frames over real connections to {@code /ws/presence}: invalid JSON, other JSON
 * than an object, wrong and unknown types, unknown fields, odd ids, huge strings, control
 * characters, deep nesting, bad {@code set_availability} values, binary frames, and messages over
 * the frame limit (counted apart: they must close with 1009, and the fuzzer reconnects).
 *
 * <p>Checks: every other frame leaves the socket open; every {@code error} has a documented code
 * and a message naming no implementation type; an invalid {@code set_availability} is never
 * acknowledged; every frame the server sends is JSON of a known type; no ERROR is logged; the
 * service answers REST at the end. A sentinel frame after each case tells when the server has
 * dealt with it. The command rate limit is raised for this class so the run is not paced by it.
 *
 * <p>Reproduce with {@code -Dfuzz.seed=<seed>}, one frame with {@code -Dfuzz.case=<n>} added;
 * {@code -Dfuzz.frames=<n>} changes the number of frames (default 2,400).
 */
@QuarkusTest
@TestProfile(PresenceSocketFuzzTest.FastCommands.class)
class PresenceSocketFuzzTest {

    /** The command rate limit out of the way: the fuzzer sends thousands of frames a second. */
    public static class FastCommands implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.ws.commands-per-second", "1000000", "switchboard.ws.command-burst", "1000000");
        }
    }

    private static final Set<String> ERROR_CODES = Set.of("invalid_message", "validation", "forbidden", "not_found", "rate_limited");
    private static final Set<String> SERVER_TYPES = Set.of("snapshot", "resumed", "presence", "colleague_added", "colleague_removed",
            "me", "watch_fired", "ack", "error", "pong", "group");
    private static final List<String> IMPLEMENTATION_NAMES = List.of("dev.switchboard", "java.", "class ", "com.fasterxml",
            "io.vertx", "io.quarkus", "org.hibernate", "Exception");
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a socket has to close after a message over the limit. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
    private static final int SOCKETS = 3;

    @TestHTTPResource("/")
    URI base;

    private final Map<String, AtomicInteger> closes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> replies = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger oversizeSent = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();

    @Test
    void malformedFramesGetErrorFramesAndOnlyOversizedOnesClose() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime() ^ System.currentTimeMillis());
        Integer onlyCase = Integer.getInteger("fuzz.case");
        int total = Integer.getInteger("fuzz.frames", 2_400);
        System.out.println("[fuzz] socket fuzz seed=" + seed + " (reproduce: -Dfuzz.seed=" + seed + ")");
        Findings findings = new Findings(seed, "-Dfuzz.seed=" + seed + " [-Dfuzz.case=<n>] -Dtest=PresenceSocketFuzzTest");

        UUID org = createOrg();
        TestUser stranger = TestApi.user(org);
        String foreignVoip = Fixtures.voip(org, "desk_phone", stranger.id()).toString();
        List<TestUser> users = new ArrayList<>();
        List<FrameGenerator> generators = new ArrayList<>();
        for (int i = 0; i < SOCKETS; i++) {
            TestUser user = TestApi.user(org);
            users.add(user);
            String voip = Fixtures.voip(org, "desk_phone", user.id()).toString();
            String fixed = Fixtures.fixedDestination(org, user.id(), "+3161234560" + i).toString();
            generators.add(new FrameGenerator(seed, new FrameGenerator.Targets(voip, fixed, foreignVoip)));
        }

        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(SOCKETS);
        try (ErrorLogCapture errors = ErrorLogCapture.install()) {
            List<Future<?>> runs = new ArrayList<>();
            for (int s = 0; s < (onlyCase == null ? SOCKETS : 1); s++) {
                int lane = s;
                List<Integer> cases = new ArrayList<>();
                if (onlyCase != null) {
                    cases.add(onlyCase);
                } else {
                    for (int i = lane; i < total; i += SOCKETS) {
                        cases.add(i);
                    }
                }
                runs.add(pool.submit(() -> {
                    fuzzLane(lane, users.get(lane).token(), generators.get(lane), cases, findings);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(5, TimeUnit.MINUTES);
            }
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            System.out.printf(Locale.ROOT, "[fuzz] socket: %d frames (%d over the limit) in %d ms over %d connections (%d reconnects); "
                    + "closes by code %s; server frames by type/code %s%n", sent.get(), oversizeSent.get(), millis, SOCKETS,
                    reconnects.get(), new TreeMap<>(closes), new TreeMap<>(replies));
            try {
                TestApi.login(users.get(0).email(), TestApi.PASSWORD);
            } catch (AssertionError | RuntimeException e) {
                findings.add("service not answering REST after the socket fuzz", String.valueOf(e));
            }
            errors.describeAll().forEach(e -> findings.add("ERROR logged during the socket fuzz run", e.getKey(), e.getValue()));
        } finally {
            pool.shutdownNow();
        }
        report(seed, findings);
        if (onlyCase == null) {
            assertThat(sent.get()).as("frames sent (seed=%d)", seed).isGreaterThanOrEqualTo(Math.min(total, 2_000));
        }
        assertThat(findings.isEmpty()).as("seed=%d%n%s", seed, findings.summary(30_000)).isTrue();
    }

    /** One connection's share of the cases (every SOCKETS-th frame), in order. */
    private void fuzzLane(int lane, String token, FrameGenerator generator, List<Integer> cases, Findings findings) {
        FuzzSocket socket = open(token, findings);
        try {
            for (int i : cases) {
                Frame frame = generator.generate(i);
                sent.incrementAndGet();
                if (frame.oversize()) {
                    oversizeSent.incrementAndGet();
                }
                send(socket, frame);
                if (frame.oversize()) {
                    Integer code = awaitClose(socket);
                    String key = code == null ? "still open" : Integer.toString(code);
                    closes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    if (code == null || code != 1009) {
                        findings.add("message over the 16 KiB limit " + (code == null ? "did not close the socket" : "closed with " + code
                                + " instead of 1009") + " (" + frame.kind() + ")",
                                frame.describe() + " → " + (code == null ? "open" : code + " '" + socket.closeReason() + "'"));
                    }
                    checkAll(socket.texts, frame, findings);
                    socket.close();
                    socket = open(token, findings);
                    continue;
                }
                String sentinel = "s" + i;
                socket.text("{\"type\":\"fuzz-sentinel\",\"id\":\"" + sentinel + "\"}");
                List<JsonObject> seen = new ArrayList<>();
                boolean answered = awaitFrame(socket, seen, json -> sentinel.equals(json.getString("id")), frame, findings);
                // A frame the server cannot parse gets an error without id, answered before the sentinel.
                boolean unparsed = seen.stream().anyMatch(json -> "error".equals(json.getString("type")) && json.getValue("id") == null);
                if (answered && frame.correlationId() != null && !unparsed) {
                    answered = seen.stream().anyMatch(json -> frame.correlationId().equals(json.getString("id")))
                            || awaitFrame(socket, seen, json -> frame.correlationId().equals(json.getString("id")), frame, findings);
                    if (!answered && !socket.isClosed()) {
                        findings.add("set_availability got neither ack nor error", frame.describe());
                    }
                }
                for (JsonObject json : seen) {
                    if (frame.mustError() != null && "ack".equals(json.getString("type"))
                            && frame.correlationId() != null && frame.correlationId().equals(json.getString("id"))) {
                        findings.add("acknowledged although invalid: " + frame.mustError(), place(frame), frame.describe() + " → " + json.encode());
                    }
                }
                if (socket.isClosed()) {
                    Integer code = socket.closeCode.getNow(-1);
                    closes.computeIfAbsent(Integer.toString(code), k -> new AtomicInteger()).incrementAndGet();
                    findings.add("socket closed by a frame within the limit: code " + code + " (" + frame.label().replaceAll("[0-9]+", "N")
                            .replaceAll("\\s.*", "") + ")", frame.describe() + " → " + code + " '" + socket.closeReason() + "'");
                    socket.close();
                    socket = open(token, findings);
                }
            }
            // The last connection still works.
            socket.text("{\"type\":\"ping\"}");
            List<JsonObject> seen = new ArrayList<>();
            if (!awaitFrame(socket, seen, json -> "pong".equals(json.getString("type")), null, findings)) {
                findings.add("no pong at the end of the run", "lane " + lane);
            }
        } finally {
            socket.close();
        }
    }

    private FuzzSocket open(String token, Findings findings) {
        FuzzSocket socket = FuzzSocket.connect(base, token);
        reconnects.incrementAndGet();
        List<JsonObject> seen = new ArrayList<>();
        if (!awaitFrame(socket, seen, json -> "snapshot".equals(json.getString("type")), null, findings)) {
            throw new AssertionError("no snapshot on a fresh connection: " + (socket.isClosed()
                    ? "closed with " + socket.closeCode.getNow(-1) + " '" + socket.closeReason() + "'" : "open but silent")
                    + "; frames before: " + seen);
        }
        return socket;
    }

    private static void send(FuzzSocket socket, Frame frame) {
        switch (frame.kind()) {
            case BINARY -> socket.binary(frame.bytes());
            case FRAGMENTED -> socket.fragmented(frame.text(), 4096);
            default -> socket.text(frame.text());
        }
    }

    private static Integer awaitClose(FuzzSocket socket) {
        try {
            return socket.closeCode.get(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Reads server frames until one matches (true), the socket closes or the wait ends (false);
     * checks every frame read on the way against {@code cause}.
     */
    private boolean awaitFrame(FuzzSocket socket, List<JsonObject> seen, Predicate<JsonObject> wanted, Frame cause, Findings findings) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text;
            try {
                text = socket.texts.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (text == null) {
                if (socket.isClosed() && socket.texts.isEmpty()) {
                    return false;
                }
                continue;
            }
            JsonObject json = check(text, cause, findings);
            if (json != null) {
                seen.add(json);
                if (wanted.test(json)) {
                    return true;
                }
            }
        }
        if (!socket.isClosed()) {
            findings.add("no answer within " + WAIT.toSeconds() + " s (socket open but silent)", cause == null ? "connect" : cause.describe());
        }
        return false;
    }

    private void checkAll(Iterable<String> texts, Frame cause, Findings findings) {
        List<String> all = new ArrayList<>();
        texts.forEach(all::add);
        all.forEach(text -> check(text, cause, findings));
    }

    private JsonObject check(String text, Frame cause, Findings findings) {
        String context = (cause == null ? "(connect)" : cause.describe()) + " → " + RequestGenerator.abbreviate(text, 300);
        JsonObject json;
        try {
            json = new JsonObject(text);
        } catch (RuntimeException e) {
            findings.add("server frame is not a JSON object", place(cause), context);
            return null;
        }
        String type = json.getString("type");
        if (!SERVER_TYPES.contains(type)) {
            findings.add("server frame of an unknown type '" + type + "'", place(cause), context);
        }
        if ("error".equals(type)) {
            String code = String.valueOf(json.getValue("code"));
            boolean sentinel = String.valueOf(json.getValue("id")).matches("s[0-9]+");
            replies.computeIfAbsent(sentinel ? "error/" + code + " (to the sentinel)" : "error/" + code, k -> new AtomicInteger())
                    .incrementAndGet();
            if (!ERROR_CODES.contains(code)) {
                findings.add("error frame with an undocumented code '" + code + "'", place(cause), context);
            }
            String message = String.valueOf(json.getValue("message"));
            for (String name : IMPLEMENTATION_NAMES) {
                if (message.contains(name)) {
                    findings.add("error message names an implementation type ('" + name.trim() + "')", place(cause), context);
                    break;
                }
            }
        } else {
            replies.computeIfAbsent(String.valueOf(type), k -> new AtomicInteger()).incrementAndGet();
        }
        return json;
    }

    /** Where a finding belongs: the kind of frame, without the case's numbers. */
    private static String place(Frame frame) {
        if (frame == null) {
            return "connect";
        }
        List<String> words = new ArrayList<>();
        for (String word : frame.label().replaceAll("[0-9]+", "N").split("\\s+")) {
            if (!word.matches("[A-Za-z_-]+") || words.size() == 3) {
                break;
            }
            words.add(word);
        }
        return words.isEmpty() ? frame.kind().toString() : String.join(" ", words);
    }

    private static void report(long seed, Findings findings) throws IOException {
        if (findings.isEmpty()) {
            System.out.println("[fuzz] socket: no broken checks (seed=" + seed + ")");
            return;
        }
        Path file = Path.of("target", "fuzz-socket-" + seed + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, findings.fullReport());
        System.out.println("[fuzz] socket findings (also in " + file + "):\n" + findings.summary());
    }
}
