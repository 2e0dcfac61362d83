package dev.switchboard.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** An external number (E.164) a user may forward calls to. */
@Entity
@Table(name = "fixed_destinations")
public class FixedDestination {

    @Id
    public UUID id;

    @Column(name = "org_id")
    public UUID orgId;

    @Column(name = "user_id")
    public UUID userId;

    public String number;

    public String description;

    @Version
    public long version;

    @Column(name = "created_at")
    public Instant createdAt;
}
