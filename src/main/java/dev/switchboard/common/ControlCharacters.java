package dev.switchboard.common;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.type.ReferenceType;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;


/**
 * Control characters (U+0000–U+001F) are refused in every string a client sends: JSON strings
 * of REST bodies and socket commands (through {@link #mapper()}), path and query parameters.
 * PostgreSQL cannot store U+0000 at all, and the others only make trouble in logs and on phone
 * displays. The answer is a 400 naming the field.
 *
 * <p>The application's own ObjectMapper stays as it is: it also reads what is not a client's
 * (Vert.x JsonObjects, a PEM key inside a service-account file), where a newline is fine.
 */
@Singleton
public class ControlCharacters {

    public static final String MESSAGE = "must not contain control characters (U+0000 to U+001F)";

    private final ObjectMapper strict;

    public ControlCharacters(ObjectMapper application) {
        this.strict = application.copy()
                // A key sent twice would otherwise reach a record's constructor as a Jackson
                // definition error (500); refused while parsing, it is a 400 like any bad JSON.
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .registerModule(new SimpleModule("no-control-characters")
                        .addDeserializer(String.class, new Strings())
                        .setDeserializerModifier(new OtherScalars()));
    }

    /** The application's ObjectMapper, refusing control characters in strings: for what clients send. */
    public ObjectMapper mapper() {
        return strict;
    }

    /** REST bodies are read (and answers written) with {@link #mapper()}. */
    @Provider
    public static class RestMapper implements ContextResolver<ObjectMapper> {
        private final ControlCharacters characters;

        public RestMapper(ControlCharacters characters) {
            this.characters = characters;
        }

        @Override
        public ObjectMapper getContext(Class<?> type) {
            return characters.mapper();
        }
    }

    public static boolean present(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < 0x20) {
                return true;
            }
        }
        return false;
    }

    /**
     * Before anything decodes the path or the query: a broken escape ({@code %}, {@code %zz})
     * would make every later decode throw. Escaped control characters are left to
     * {@link #parameters}, which names the parameter.
     */
    @ServerRequestFilter(preMatching = true, priority = jakarta.ws.rs.Priorities.AUTHENTICATION - 500)
    public void rawTarget(io.vertx.core.http.HttpServerRequest request) {
        String target = request.uri();
        for (int i = 0; target != null && i < target.length(); i++) {
            if (target.charAt(i) != '%') {
                continue;
            }
            if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
                    || Character.digit(target.charAt(i + 2), 16) < 0) {
                throw ApiException.badRequest("The request target has a '%' that is not followed by two hexadecimal digits.");
            }
            i += 2;
        }
    }

    /**
     * Decoded path and query parameters, named as the resource names them. Only a target with an
     * escape or a raw control character can yield one: the others (nearly every request) are
     * passed without decoding every parameter into maps.
     */
    @ServerRequestFilter
    public void parameters(UriInfo uri, io.vertx.core.http.HttpServerRequest request) {
        if (!escapedOrControl(request.uri())) {
            return;
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        try {
            collect(uri.getPathParameters(true), errors);
            collect(uri.getQueryParameters(true), errors);
        } catch (IllegalArgumentException undecodable) {
            // A value that still holds a '%' after the first decoding ("%25" → "%") is decoded again here.
            throw ApiException.badRequest("A path or query parameter cannot be decoded.");
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }

    private static boolean escapedOrControl(String target) {
        if (target == null) {
            return true;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%' || c < 0x20) {
                return true;
            }
        }
        return false;
    }

    private static void collect(MultivaluedMap<String, String> parameters, List<Problem.FieldError> errors) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (present(parameter.getKey()) || parameter.getValue().stream().anyMatch(ControlCharacters::present)) {
                errors.add(new Problem.FieldError(parameter.getKey(), MESSAGE));
            }
        }
    }

    /**
     * UUIDs, times and enums are read from strings too, and Jackson trims those first, so
     * {@code "<uuid>\u0000"} would pass as the UUID: the raw text is checked before they are read.
     */
    static final class OtherScalars extends BeanDeserializerModifier {
        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                JsonDeserializer<?> deserializer) {
            Class<?> type = description.getBeanClass();
            if (deserializer instanceof BeanDeserializerBase || type == String.class
                    || description.getType() instanceof ReferenceType) {
                return deserializer;
            }
            return new CheckedText(deserializer);
        }

        @Override
        public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config,
                com.fasterxml.jackson.databind.JavaType type, BeanDescription description, JsonDeserializer<?> deserializer) {
            return new CheckedText(deserializer);
        }
    }

    static final class CheckedText extends DelegatingDeserializer {
        CheckedText(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new CheckedText(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING) && present(parser.getText())) {
                throw JsonMappingException.from(parser, MESSAGE, new IllegalArgumentException(MESSAGE));
            }
            return super.deserialize(parser, context);
        }
    }

    /** Jackson's own string handling, then the check; the failure carries the field's path. */
    static final class Strings extends StdScalarDeserializer<String> {

        Strings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = StringDeserializer.instance.deserialize(parser, context);
            if (present(value)) {
                throw JsonMappingException.from(parser, MESSAGE, new IllegalArgumentException(MESSAGE));
            }
            return value;
        }
    }
}
