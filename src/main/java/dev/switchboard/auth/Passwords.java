package dev.switchboard.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * bcrypt reads only the first 72 bytes of a password: anything after them would be silently
 * ignored, so longer passwords are refused (at create, update/reset and login), never truncated.
 */
public final class Passwords {

    public static final int MAX_BYTES = 72;
    public static final String TOO_LONG = "must be at most " + MAX_BYTES + " bytes of UTF-8";

    private Passwords() {
    }

    public static boolean fitsBcrypt(String password) {
        // A char is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2 chars): skip encoding short ones.
        return password == null || password.length() * 3 <= MAX_BYTES
                || password.length() <= MAX_BYTES && password.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    /** Bean Validation form of {@link #fitsBcrypt}; null is valid (use {@code @NotNull} where required). */
    @Documented
    @Constraint(validatedBy = FitsBcrypt.Validator.class)
    @Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD })
    @Retention(RetentionPolicy.RUNTIME)
    public @interface FitsBcrypt {
        String message() default TOO_LONG;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        class Validator implements ConstraintValidator<FitsBcrypt, String> {
            @Override
            public boolean isValid(String value, ConstraintValidatorContext context) {
                return fitsBcrypt(value);
            }
        }
    }
}
