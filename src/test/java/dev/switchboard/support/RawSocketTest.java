package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The test client against a hand-written server on loopback, for what the real service does only
 * by timing: frames written in the same TCP segment as the 101 response, fragments, a close right
 * after the upgrade, a connection dropped without a close frame.
 */
class RawSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ACK = "ack";
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    @Test
    void framesThatComeWithTheUpgradeResponseAreAllDelivered() throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.writeBytes(frame(0x81, "{\"type\":\"snapshot\"}"));
        frames.writeBytes(frame(0x01, "{\"type\":")); // a text message in two fragments
        frames.writeBytes(frame(0x80, "\"pong\"}"));
        frames.writeBytes(closeFrame(4403, "account removed"));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> serve(server, frames.toByteArray(), false));
            LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
            try (RawSocket socket = open(server, texts)) {
                assertThat(texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("{\"type\":\"snapshot\"}");
                assertThat(texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("{\"type\":\"pong\"}");
                assertThat(socket.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4403);
                assertThat(socket.closeReason()).isEqualTo("account removed");
                assertThat(socket.isClosed()).isTrue();
            }
            served.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aConnectionDroppedWithoutACloseFrameEndsWithMinusOne() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> serve(server, frame(0x81, "{}"), true));
            LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
            try (RawSocket socket = open(server, texts)) {
                assertThat(texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("{}");
                socket.sendText(ACK, true); // the server drops the connection once it has this
                assertThat(socket.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(-1);
                assertThat(socket.isClosed()).isTrue();
            }
            served.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static RawSocket open(ServerSocket server, LinkedBlockingQueue<String> texts) {
        return RawSocket.open(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/ws/presence"), Map.of(), WAIT,
                RawSocket.Options.DEFAULTS, texts::add, binary -> texts.add("<binary>"));
    }

    /**
     * Answers one upgrade with the 101 response and {@code frames} in a single write; then waits for
     * the client's end, or drops the connection once the client's {@link #ACK} frame is in. Dropping
     * earlier races the client's read: a reset can discard the frames it has not read yet.
     */
    private static void serve(ServerSocket server, byte[] frames, boolean drop) {
        try (Socket client = server.accept()) {
            InputStream in = client.getInputStream();
            Matcher key = KEY.matcher(requestHead(in));
            assertThat(key.find()).as("Sec-WebSocket-Key in the upgrade request").isTrue();
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(frames);
            client.getOutputStream().write(out.toByteArray());
            client.getOutputStream().flush();
            if (drop) {
                in.readNBytes(2 + 4 + ACK.length()); // header, mask, payload of the client's masked ack
            } else {
                in.transferTo(OutputStream.nullOutputStream()); // the client's frames, up to its end of the connection
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String requestHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection ended in the upgrade request: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** An unmasked server frame of fewer than 126 bytes: first byte (FIN and opcode), payload. */
    private static byte[] frame(int finAndOpcode, byte[] payload) {
        byte[] frame = new byte[payload.length + 2];
        frame[0] = (byte) finAndOpcode;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    private static byte[] frame(int finAndOpcode, String text) {
        return frame(finAndOpcode, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 2];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return frame(0x88, payload);
    }
}
