package dev.switchboard.common;

import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * The business limit on request bodies (switchboard.http.max-body-size, 64 KiB): larger bodies
 * answer 413 as problem+json. Quarkus' own quarkus.http.limits.max-body-size stays a larger
 * backstop only: it answers 413 with an empty body, and lets chunked bodies through unchecked.
 *
 * <p>A declared Content-Length is refused before the body is read; every body, declared or
 * chunked, is counted while it is deserialized, to its very end.
 */
@Provider
public class RequestBodyLimit implements ReaderInterceptor {

    private final long limit;

    public RequestBodyLimit(@ConfigProperty(name = "switchboard.http.max-body-size", defaultValue = "64K") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    @ServerRequestFilter(preMatching = true)
    public void declaredLength(HttpHeaders headers) {
        String declared = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return;
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return; // Vert.x refuses a malformed Content-Length itself
        }
        if (length > limit) {
            throw ApiException.payloadTooLarge(limit);
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Capped body = new Capped(context.getInputStream(), limit);
        context.setInputStream(body);
        Object entity = context.proceed();
        // The parser stops after the JSON value; whatever follows counts too.
        body.skipToEnd();
        return entity;
    }

    /** Fails as soon as more than {@code limit} bytes have been read. */
    static final class Capped extends InputStream {
        private final InputStream in;
        private final long limit;
        private long read;
        private boolean drained;

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

        void skipToEnd() throws IOException {
            if (drained) {
                return;
            }
            drained = true;
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // counted by read
            }
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw ApiException.payloadTooLarge(limit);
            }
        }
    }
}
