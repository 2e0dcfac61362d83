package dev.switchboard.organization;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A customer company (tenant) and its settings. */
@Entity
@Table(name = "organizations")
public class Organization {

    @Id
    public UUID id;

    public String name;

    @Column(name = "apply_user_status_to_devices")
    public boolean applyUserStatusToDevices = true;

    @Column(name = "max_voip_accounts_per_user")
    public int maxVoipAccountsPerUser = 10;

    @Column(name = "show_call_context")
    public boolean showCallContext = true;

    /** IANA zone members' scheduled windows are read in, unless a member has their own. */
    @Column(name = "time_zone")
    public String timeZone = dev.switchboard.common.TimeZones.DEFAULT;

    @Version
    public long version;

    @Column(name = "created_at")
    public Instant createdAt;
}
