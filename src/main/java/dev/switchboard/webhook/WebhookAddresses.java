package dev.switchboard.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.SwitchboardConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Where a webhook may point: in production only {@code https://} to public addresses, so that an
 * admin cannot make the service call into its own network (SSRF). Checked when the webhook is
 * saved and again before every request, on the addresses the name resolves to then (DNS can
 * change); the request then goes to the checked address itself, so a second lookup cannot swap it.
 * {@code switchboard.webhooks.allow-insecure} also admits {@code http://} and non-public addresses.
 */
@ApplicationScoped
public class WebhookAddresses {

    /** A URL taken apart: the request goes to {@code address}, with {@code host} as Host and TLS name. */
    record Target(URI uri, boolean https, String host, int port, String pathAndQuery, InetAddress address) {
    }

    /** A URL or address that is not allowed, with why (for a 422, or as a delivery's error). */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final Vertx vertx;
    private final boolean allowInsecure;

    public WebhookAddresses(Vertx vertx, SwitchboardConfig config) {
        this.vertx = vertx;
        this.allowInsecure = config.webhooks().allowInsecure();
    }

    /** The URL's form alone (scheme, host, no credentials); throws {@link Refused}. */
    URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new Refused("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowInsecure && scheme.equals("http"))) {
            throw new Refused(allowInsecure ? "must be an http:// or https:// URL" : "must be an https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("must not have a fragment");
        }
        return uri;
    }

    /**
     * Parses and resolves (on a worker thread: the lookup blocks), refusing any URL with a
     * non-public address among those its host resolves to. Fails with {@link Refused}.
     */
    Uni<Target> resolve(String url) {
        URI uri;
        try {
            uri = parse(url);
        } catch (Refused refused) {
            return Uni.createFrom().failure(refused);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return vertx.executeBlocking(() -> lookup(host), false).map(addresses -> {
            for (InetAddress address : addresses) {
                String why = allowInsecure ? null : notPublic(address);
                if (why != null) {
                    throw new Refused("resolves to " + address.getHostAddress() + ", " + why);
                }
            }
            return new Target(uri, https, host, port, path, addresses[0]);
        });
    }

    private static InetAddress[] lookup(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new Refused("names a host that does not resolve");
        }
    }

    /** Why an address is not a public one, or null when it is. */
    static String notPublic(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local address";
            }
            if (isMappedIpv4(b)) {
                // ::ffff:a.b.c.d reaches a.b.c.d
                return notPublic(ipv4(Arrays.copyOfRange(b, 12, 16)));
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return "a documentation address";
            }
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                // NAT64 64:ff9b::/96 reaches the IPv4 address in its last four bytes
                return notPublic(ipv4(Arrays.copyOfRange(b, 12, 16)));
            }
            return null;
        }
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "a \"this network\" address";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "a carrier-grade NAT address";
            }
            if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
                return "an IETF protocol address";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "a benchmarking address";
            }
            if ((first == 192 && second == 0 && (b[2] & 0xff) == 2) || (first == 198 && second == 51 && (b[2] & 0xff) == 100)
                    || (first == 203 && second == 0 && (b[2] & 0xff) == 113)) {
                return "a documentation address";
            }
            if (first >= 240) {
                return "a reserved address";
            }
        }
        return null;
    }

    private static boolean isMappedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
