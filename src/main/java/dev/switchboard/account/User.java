package dev.switchboard.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import dev.switchboard.auth.Role;
import dev.switchboard.common.WireEnumConverter;

/** A person: logs in by email, owns devices and fixed destinations, chooses an availability. */
@Entity
@Table(name = "users")
public class User {

    @Id
    public UUID id;

    /** Null only for platform operators. */
    @Column(name = "org_id")
    public UUID orgId;

    public String email;

    public String name;

    @Column(name = "internal_number")
    public String internalNumber;

    @Convert(converter = RoleConverter.class)
    public Role role;

    @Column(name = "password_hash")
    public String passwordHash;

    @Convert(converter = UserStatusConverter.class)
    public UserStatus status = UserStatus.AVAILABLE;

    @Column(name = "destination_type")
    @Convert(converter = DestinationTypeConverter.class)
    public DestinationType destinationType;

    @Column(name = "destination_id")
    public UUID destinationId;

    @Column(name = "status_until")
    public Instant statusUntil;

    /** A short plain-text note colleagues see beside the presence (null: none). */
    public String note;

    @Column(name = "note_until")
    public Instant noteUntil;

    /** The scheduled window whose status the user has now (null: none); a change by hand clears it. */
    @Column(name = "schedule_id")
    public UUID scheduleId;

    /** IANA zone scheduled windows are read in; null: the organization's. */
    @Column(name = "time_zone")
    public String timeZone;

    @Version
    public long version;

    /**
     * Raised by every password change or reset, email change and role change: tokens and ws
     * tickets issued before it stop working (see auth.CredentialVersions).
     */
    @Column(name = "credentials_version")
    public long credentialsVersion;

    @Column(name = "created_at")
    public Instant createdAt;

    @Converter
    public static class RoleConverter extends WireEnumConverter<Role> {
        public RoleConverter() {
            super(Role::wire, Role::fromWire);
        }
    }

    @Converter
    public static class UserStatusConverter extends WireEnumConverter<UserStatus> {
        public UserStatusConverter() {
            super(UserStatus::wire, UserStatus::fromWire);
        }
    }

    @Converter
    public static class DestinationTypeConverter extends WireEnumConverter<DestinationType> {
        public DestinationTypeConverter() {
            super(DestinationType::wire, DestinationType::fromWire);
        }
    }
}
