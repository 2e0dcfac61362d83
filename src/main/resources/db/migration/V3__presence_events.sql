-- The org-wide presence stream. Every visible change gets the next per-org sequence number and
-- an event row, in the same transaction as the write that caused it (an outbox the WebSocket
-- hub streams from and replays for resuming clients).

-- Kept out of 'organizations' so bumping the sequence never contends with org-row updates
-- (lock order stays: user row, then sequence row).
CREATE TABLE presence_sequences (
    org_id  uuid   PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    seq     bigint NOT NULL
);

-- The last presence published for each user: what a snapshot shows, and what a new derivation
-- is compared with to decide whether anything visible changed.
CREATE TABLE presence_states (
    user_id       uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id        uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name          varchar(200) NOT NULL,
    internal_number varchar(16) NOT NULL,
    availability  varchar(32) NOT NULL,
    user_status   varchar(32) NOT NULL,
    context       varchar(64) NOT NULL DEFAULT '',
    reach         varchar(16) NOT NULL,
    since         timestamptz NOT NULL,
    -- digest of what the user's own 'me' view shows, to publish 'me' only when it changes
    self_digest   varchar(64) NOT NULL DEFAULT ''
);
CREATE INDEX ix_presence_states_org ON presence_states (org_id);

CREATE TABLE presence_events (
    org_id      uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    seq         bigint      NOT NULL,
    type        varchar(32) NOT NULL,
    user_id     uuid        NOT NULL,
    -- the complete frame as sent to clients, encoded once
    frame       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_presence_events PRIMARY KEY (org_id, seq)
);
CREATE INDEX ix_presence_events_created ON presence_events (created_at);
