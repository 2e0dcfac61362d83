package dev.switchboard.sip;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * integrations/kamailio/blf-bridge.py run as a provider runs it: python3, its settings in the
 * environment, subscribed to one organization's lines (so other tests' organizations are not
 * published), PUBLISHing to the given Kamailio from loopback.
 */
final class BlfBridge implements AutoCloseable {

    private final Process process;
    private final Path log;

    private BlfBridge(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static void assumeInstalled() {
        Assumptions.assumeTrue(python().isPresent(), "busy-lamp test skipped: no python3 on PATH for integrations/kamailio/blf-bridge.py");
    }

    static BlfBridge start(String serviceUrl, String clientId, String clientSecret, Kamailio kamailio, UUID orgId) {
        Path dir = SipTools.runDir("blf-bridge");
        Path log = dir.resolve("bridge.log");
        ProcessBuilder builder = new ProcessBuilder(python().orElseThrow().toString(), "-u",
                SipTools.INTEGRATION.resolve("blf-bridge.py").toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(java.util.Map.of("SB_URL", serviceUrl, "SB_CLIENT_ID", clientId, "SB_CLIENT_SECRET", clientSecret,
                "SB_KAMAILIO", "127.0.0.1:" + kamailio.port, "SB_BIND", "127.0.0.1", "SB_ORGS", orgId.toString()));
        try {
            return new BlfBridge(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail() {
        return SipTools.tail(log, 30);
    }

    @Override
    public void close() {
        SipTools.stop(process);
    }

    private static Optional<Path> python() {
        List<String> path = Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator));
        return path.stream().map(dir -> Path.of(dir, "python3")).filter(Files::isExecutable).findFirst();
    }
}
