-- Single-use WebSocket tickets for browsers (they cannot set headers on a WebSocket). Stored,
-- not signed, so a ticket works on any replica and can be used exactly once.
CREATE TABLE ws_tickets (
    ticket_hash  varchar(64) PRIMARY KEY,
    subject      varchar(200) NOT NULL,
    org_id       uuid,
    groups       varchar(200) NOT NULL,
    upn          varchar(254),
    token_expires_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX ix_ws_tickets_expires ON ws_tickets (expires_at);

-- Webphone/app accounts that are "registered" because a socket with device=<id> is open.
-- One row per (device, replica): a lease the replica renews; when a replica dies its leases
-- expire and any other replica publishes the resulting presence. After the last connection
-- closes the lease is cut to the grace period, so a page reload does not flap presence.
CREATE TABLE device_connections (
    voip_account_id  uuid        NOT NULL REFERENCES voip_accounts (id) ON DELETE CASCADE,
    instance_id      uuid        NOT NULL,
    org_id           uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    connections      integer     NOT NULL,
    lease_until      timestamptz NOT NULL,
    CONSTRAINT pk_device_connections PRIMARY KEY (voip_account_id, instance_id)
);
CREATE INDEX ix_device_connections_lease ON device_connections (lease_until);
