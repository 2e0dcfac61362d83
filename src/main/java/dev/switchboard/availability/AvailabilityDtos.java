package dev.switchboard.availability;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.switchboard.account.User;
import dev.switchboard.account.UserStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Bodies of the availability resources and of the socket's {@code set_availability} command. */
public final class AvailabilityDtos {

    private AvailabilityDtos() {
    }

    /** The two axes a user chooses, plus the optional end of a timed status, and the status note. */
    @RegisterForReflection
    public record AvailabilityView(UserStatus status, Destination destination, Instant until, String note, Instant noteUntil,
            long version) {
        public static AvailabilityView of(User user) {
            Destination destination = user.destinationType == null ? null : new Destination(user.destinationType, user.destinationId);
            return new AvailabilityView(user.status, destination, user.statusUntil, user.note, user.noteUntil, user.version);
        }
    }

    /**
     * A change of availability. Absent fields stay as they are; {@code "destination": null}
     * clears the destination, so presence of each field is tracked.
     */
    @RegisterForReflection
    public static final class SetAvailability {
        private UserStatus status;
        private Destination destination;
        private Instant until;
        private String note;
        private Instant noteUntil;
        private Long version;
        @JsonIgnore
        @Schema(hidden = true) // bookkeeping, not a body field
        private boolean notePresent;
        @JsonIgnore
        @Schema(hidden = true) // bookkeeping, not a body field
        private boolean noteUntilPresent;
        @JsonIgnore
        @Schema(hidden = true) // bookkeeping, not a body field
        private boolean statusPresent;
        @JsonIgnore
        @Schema(hidden = true) // bookkeeping, not a body field
        private boolean destinationPresent;
        @JsonIgnore
        @Schema(hidden = true) // bookkeeping, not a body field
        private boolean untilPresent;

        public SetAvailability() {
        }

        public SetAvailability(UserStatus status, Destination destination, Instant until) {
            setStatus(status);
            setDestination(destination);
            setUntil(until);
        }

        @JsonProperty("status")
        public void setStatus(UserStatus status) {
            this.status = status;
            this.statusPresent = true;
        }

        @JsonProperty("destination")
        public void setDestination(Destination destination) {
            this.destination = destination;
            this.destinationPresent = true;
        }

        @JsonProperty("until")
        public void setUntil(Instant until) {
            this.until = until;
            this.untilPresent = true;
        }

        /** A short plain-text note colleagues see; null or blank removes it (and its {@code noteUntil}). */
        @JsonProperty("note")
        public void setNote(String note) {
            this.note = note;
            this.notePresent = true;
        }

        @JsonProperty("noteUntil")
        public void setNoteUntil(Instant noteUntil) {
            this.noteUntil = noteUntil;
            this.noteUntilPresent = true;
        }

        @JsonProperty("note")
        public String note() {
            return note;
        }

        @JsonProperty("noteUntil")
        public Instant noteUntil() {
            return noteUntil;
        }

        @JsonIgnore
        public boolean notePresent() {
            return notePresent;
        }

        @JsonIgnore
        public boolean noteUntilPresent() {
            return noteUntilPresent;
        }

        /** Optional: the {@code version} last read; a stale one is a conflict (409), like {@code If-Match} is 412. */
        @JsonProperty("version")
        public void setVersion(Long version) {
            this.version = version;
        }

        @JsonProperty("version")
        public Long version() {
            return version;
        }

        @JsonProperty("status")
        public UserStatus status() {
            return status;
        }

        @JsonProperty("destination")
        public Destination destination() {
            return destination;
        }

        @JsonProperty("until")
        public Instant until() {
            return until;
        }

        @JsonIgnore
        public boolean statusPresent() {
            return statusPresent;
        }

        @JsonIgnore
        public boolean destinationPresent() {
            return destinationPresent;
        }

        @JsonIgnore
        public boolean untilPresent() {
            return untilPresent;
        }
    }
}
