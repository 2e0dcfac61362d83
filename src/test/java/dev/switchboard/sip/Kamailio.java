package dev.switchboard.sip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;

/**
 * integrations/kamailio/kamailio.cfg run in the foreground on loopback, its settings given with
 * {@code -A} defines exactly as a provider would, its files in a fresh directory under target/sip.
 */
final class Kamailio implements AutoCloseable {

    final int port;
    final Path log;
    private final Process process;

    private Kamailio(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts Kamailio against the Switchboard at {@code serviceUrl}; answers once it answers SIP. */
    static Kamailio start(String serviceUrl, String realm, String clientId, String clientSecret) {
        return start(serviceUrl, realm, clientId, clientSecret, 2);
    }

    /** {@code timeoutSeconds}: SB_TIMEOUT, how long Kamailio waits for any answer of the service. */
    static Kamailio start(String serviceUrl, String realm, String clientId, String clientSecret, int timeoutSeconds) {
        Path dir = SipTools.runDir("kamailio");
        int port = SipTools.freeUdpPort();
        List<String> command = new ArrayList<>(List.of(SipTools.KAMAILIO.toString(),
                "-f", SipTools.INTEGRATION.resolve("kamailio.cfg").toString(), "-DD", "-E",
                "-L", SipTools.MODULES.toString(), "-Y", dir.toString(), "-P", dir.resolve("kamailio.pid").toString(),
                "-m", "32", "-M", "8",
                "-A", "SB_URL=\"" + serviceUrl + "\"", "-A", "SB_REALM=\"" + realm + "\"",
                "-A", "SB_CLIENT_ID=\"" + clientId + "\"", "-A", "SB_CLIENT_SECRET=\"" + clientSecret + "\"",
                "-A", "SB_LISTEN=udp:127.0.0.1:" + port, "-A", "SB_TIMEOUT=" + timeoutSeconds));
        Path log = dir.resolve("kamailio.log");
        Kamailio kamailio = new Kamailio(port, log, SipTools.start(command, log));
        try {
            Awaitility.await("Kamailio answering SIP on port " + port).atMost(SipTools.PROCESS_WAIT)
                    .pollInterval(Duration.ofMillis(200)).until(kamailio::answersOptions);
        } catch (RuntimeException | Error e) {
            kamailio.close();
            throw new AssertionError("Kamailio did not start: " + SipTools.tail(log, 40), e);
        }
        return kamailio;
    }

    private boolean answersOptions() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Kamailio exited with " + process.exitValue());
        }
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(500);
            String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + "\r\n"
                    + "From: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1>\r\nCall-ID: probe-" + System.nanoTime()
                    + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
            socket.receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200");
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail() {
        return SipTools.tail(log, 60);
    }

    @Override
    public void close() {
        SipTools.stop(process);
    }
}
