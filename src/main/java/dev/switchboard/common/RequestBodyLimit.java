package dev.switchboard.common;

import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The business limit on request bodies (switchboard.http.max-body-size, 64 KiB): larger bodies
 * answer 413 as problem+json. Quarkus' own quarkus.http.limits.max-body-size stays a larger
 * backstop only: it answers 413 with an empty body, and lets chunked bodies through unchecked.
 *
 * <p>A declared Content-Length is refused before the body is read ({@link DeclaredLength}); every
 * body, declared or chunked, is counted while it is deserialized, to its very end.
 */
@Provider
public class RequestBodyLimit implements ReaderInterceptor {

    private final Instance<SwitchboardConfig> config;
    private volatile long limit = -1;

    /**
     * Quarkus REST creates its interceptors at static init, before the runtime configuration (and
     * so {@link SwitchboardConfig}) exists: the limit is read on first use.
     */
    public RequestBodyLimit(Instance<SwitchboardConfig> config) {
        this.config = config;
    }

    private long limit() {
        long known = limit;
        if (known < 0) {
            known = config.get().http().maxBodySize().asLongValue();
            limit = known;
        }
        return known;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Capped body = new Capped(context.getInputStream(), limit());
        context.setInputStream(body);
        Object entity;
        try {
            entity = context.proceed();
        } catch (IOException | RuntimeException failure) {
            // A body over the limit is a 413 whatever else is wrong with its first bytes.
            body.skipToEnd();
            throw failure;
        }
        // The parser stops after the JSON value; whatever follows counts too.
        body.skipToEnd();
        return entity;
    }

    /**
     * A declared Content-Length over the limit is refused before the body is read, ahead of
     * Quarkus' own upload limit (route order -2), which would answer an empty 413.
     */
    @ApplicationScoped
    public static class DeclaredLength {
        private final long limit;
        private final String problem;

        public DeclaredLength(SwitchboardConfig config, ObjectMapper json) throws JsonProcessingException {
            this.limit = config.http().maxBodySize().asLongValue();
            this.problem = json.writeValueAsString(ApiException.payloadTooLarge(this.limit).toProblem(null));
        }

        void install(@Observes Router router) {
            router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
        }

        private void check(RoutingContext context) {
            String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long length;
            try {
                length = declared == null ? -1 : Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1; // Vert.x refuses a malformed Content-Length itself
            }
            if (length <= limit) {
                context.next();
                return;
            }
            context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader("Connection", "close").end(problem);
        }
    }

    /** Fails as soon as more than {@code limit} bytes have been read. */
    static final class Capped extends InputStream {
        private final InputStream in;
        private final long limit;
        private long read;
        private boolean drained;
        private boolean over;

        Capped(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        /** The parser may close the stream when its value ends: the rest is counted first. */
        @Override
        public void close() throws IOException {
            try {
                skipToEnd();
            } finally {
                in.close();
            }
        }

        /** Reads (and counts) the rest; a body found over the limit, now or before, is a 413. */
        void skipToEnd() throws IOException {
            if (!drained) {
                drained = true;
                // Almost always the parser has read it all: a buffer only when something follows
                // (8 KB per request was a tenth of what the platform's requests allocate).
                if (read() >= 0) {
                    byte[] scratch = new byte[8192];
                    while (read(scratch, 0, scratch.length) >= 0) {
                        // counted by read
                    }
                }
            }
            if (over) {
                // Also when the parser swallowed the first 413 while closing the stream.
                throw ApiException.payloadTooLarge(limit);
            }
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                over = true;
                drained = true; // nothing more is read once the answer is known
                throw ApiException.payloadTooLarge(limit);
            }
        }
    }
}
