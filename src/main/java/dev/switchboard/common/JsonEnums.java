package dev.switchboard.common;

import java.lang.reflect.Method;

import com.fasterxml.jackson.annotation.JsonValue;

/** The JSON spelling of an enum constant: its {@code @JsonValue} method when it has one. */
public final class JsonEnums {

    private JsonEnums() {
    }

    public static String wireName(Object constant) {
        for (Method method : constant.getClass().getMethods()) {
            if (method.isAnnotationPresent(JsonValue.class) && method.getParameterCount() == 0) {
                try {
                    return String.valueOf(method.invoke(constant));
                } catch (ReflectiveOperationException e) {
                    break;
                }
            }
        }
        return ((Enum<?>) constant).name();
    }
}
