package dev.switchboard.common;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every HTTP request (socket upgrades included) an id: the caller's {@code X-Request-Id}
 * when it is a plain token (ingress-nginx and most proxies send one), otherwise a fresh UUID. The
 * id is echoed in the response, put into the request headers for the access log
 * ({@code %{i,X-Request-Id}}) and into the logging MDC as {@code requestId}, which the JSON log
 * format prints with every line written while the request is handled.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    /** Ahead of every other filter, so their log lines carry the id too. */
    private static final int PRIORITY = 10_000;

    void register(@Observes Filters filters) {
        filters.register(RequestIds::tag, PRIORITY);
    }

    /** Only ids that cannot forge log fields or lines are taken from the caller. */
    static void tag(RoutingContext context) {
        String id = accepted(context.request().getHeader(HEADER));
        if (id == null) {
            id = UUID.randomUUID().toString();
            context.request().headers().set(HEADER, id);
        }
        context.response().putHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        context.next();
    }

    /** {@code [A-Za-z0-9._:-]{1,128}}, checked by hand: this runs for every request. */
    static String accepted(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > 128) {
            return null;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!plain) {
                return null;
            }
        }
        return candidate;
    }
}
