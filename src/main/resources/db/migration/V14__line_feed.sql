-- The platform's line feed (/ws/platform): one line per VoIP account (busy lamp and DND keys).
-- Its own event stream beside presence_events, streamed by the same machinery: a per-org
-- sequence (independent of the presence seq, so neither stream has gaps from the other), the
-- events as encoded frames, and what the feed last said of each line.

CREATE TABLE line_sequences (
    org_id  uuid   PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    seq     bigint NOT NULL
);

-- What the feed last said of each line, to publish only changes. No reference to voip_accounts:
-- a deleted account's row stays until the recorder has said 'line_removed'.
CREATE TABLE line_states (
    voip_account_id uuid        PRIMARY KEY,
    org_id          uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid,
    line            text        NOT NULL
);
CREATE INDEX ix_line_states_org_user ON line_states (org_id, user_id);

CREATE TABLE line_events (
    org_id          uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    seq             bigint      NOT NULL,
    type            varchar(32) NOT NULL,
    voip_account_id uuid        NOT NULL,
    frame           text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_line_events PRIMARY KEY (org_id, seq)
);
CREATE INDEX ix_line_events_created ON line_events (created_at);
