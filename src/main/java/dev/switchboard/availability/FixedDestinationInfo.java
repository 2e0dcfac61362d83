package dev.switchboard.availability;

import java.util.Objects;
import java.util.UUID;

/**
 * An external number the user owns and may select as destination.
 *
 * @param id          fixed destination id
 * @param number      E.164 number, e.g. "+31612345678"
 * @param description free text such as "Mobile" (may be null)
 */
public record FixedDestinationInfo(UUID id, String number, String description) {

    public FixedDestinationInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(number, "number");
    }

    /** Human name such as "+31612345678 (Mobile)". */
    public String label() {
        return description == null || description.isBlank() ? number : number + " (" + description + ")";
    }
}
