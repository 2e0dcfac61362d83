-- Live device state reported by the SIP platform (and, later, by device connections).
-- Kept apart from voip_accounts so registration refreshes never bump an account's version.

CREATE TABLE device_registrations (
    voip_account_id  uuid PRIMARY KEY REFERENCES voip_accounts (id) ON DELETE CASCADE,
    org_id           uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- registered while expires_at is in the future; the lapse job flips 'lapsed' when it passes
    expires_at       timestamptz NOT NULL,
    lapsed           boolean     NOT NULL DEFAULT false,
    user_agent       varchar(300),
    contact          varchar(500),
    last_seen        timestamptz NOT NULL
);
CREATE INDEX ix_device_registrations_due ON device_registrations (expires_at) WHERE NOT lapsed;

-- Calls per device. 'ended' rows are kept for a while so replayed events stay idempotent;
-- a call only moves forward (ringing -> answered -> ended).
CREATE TABLE device_calls (
    voip_account_id  uuid        NOT NULL REFERENCES voip_accounts (id) ON DELETE CASCADE,
    call_id          varchar(200) NOT NULL,
    org_id           uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    state            varchar(16) NOT NULL,
    started_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT pk_device_calls PRIMARY KEY (voip_account_id, call_id),
    CONSTRAINT ck_device_calls_state CHECK (state IN ('ringing', 'answered', 'ended'))
);
CREATE INDEX ix_device_calls_active ON device_calls (org_id, voip_account_id) WHERE state <> 'ended';
CREATE INDEX ix_device_calls_updated ON device_calls (updated_at);
