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

import dev.switchboard.common.WireEnumConverter;

/** One device endpoint ("SIP card"). Live registration/call state lives in {@code device_states}. */
@Entity
@Table(name = "voip_accounts")
public class VoipAccount {

    @Id
    public UUID id;

    @Column(name = "org_id")
    public UUID orgId;

    /** The owning user, or null for an unowned device (e.g. a shared lobby phone). */
    @Column(name = "user_id")
    public UUID userId;

    @Convert(converter = DeviceKindConverter.class)
    public DeviceKind kind;

    public String description;

    @Column(name = "internal_number")
    public String internalNumber;

    @Column(name = "sip_username")
    public String sipUsername;

    @Column(name = "sip_realm")
    public String sipRealm;

    @Column(name = "sip_ha1_md5")
    public String sipHa1Md5;

    @Column(name = "sip_ha1_sha256")
    public String sipHa1Sha256;

    public boolean dnd;

    @Version
    public long version;

    @Column(name = "created_at")
    public Instant createdAt;

    @Converter
    public static class DeviceKindConverter extends WireEnumConverter<DeviceKind> {
        public DeviceKindConverter() {
            super(DeviceKind::wire, DeviceKind::fromWire);
        }
    }
}
