-- Mobile app push: incoming-call wake-ups, "tell me when available" watches, and the durable
-- outbox their notifications are delivered from (docs/push.md).

-- One wake-up attempt per incoming call. The replica holding the platform's request waits for
-- 'outcome' to be set: by the app's answer (any replica), by the app account registering, or by
-- the deadline. The database decides who was first (UPDATE … WHERE outcome IS NULL); a NOTIFY
-- on the presence channel ('c:<id>') wakes the waiting replica. Only a hash of the callKey is
-- stored; a key answers once and only before expires_at.
CREATE TABLE push_calls (
    id               uuid PRIMARY KEY,
    org_id           uuid         NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    voip_account_id  uuid         NOT NULL REFERENCES voip_accounts (id) ON DELETE CASCADE,
    call_id          varchar(200) NOT NULL,
    key_hash         varchar(64)  NOT NULL,
    expires_at       timestamptz  NOT NULL,
    outcome          varchar(8),
    reason           varchar(300),
    decided_at       timestamptz,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_push_calls_key UNIQUE (key_hash),
    CONSTRAINT ck_push_calls_outcome CHECK (outcome IN ('ack', 'nak'))
);
CREATE INDEX ix_push_calls_waiting ON push_calls (voip_account_id) WHERE outcome IS NULL;
CREATE INDEX ix_push_calls_created ON push_calls (created_at);

-- "Tell me when this colleague is available": one-shot, deleted in the transaction that fires it.
CREATE TABLE push_watches (
    id          uuid PRIMARY KEY,
    org_id      uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    watcher_id  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_push_watches UNIQUE (watcher_id, user_id)
);
CREATE INDEX ix_push_watches_user ON push_watches (user_id);

-- Notifications waiting to be (or already) handed to FCM/APNs, one row per device. Written in
-- the transaction that decided to notify, so a crash cannot lose one. Workers on every replica
-- claim due rows with FOR UPDATE SKIP LOCKED and a lease (locked_until): a replica that dies
-- mid-send leaves the row to be claimed again once the lease has run out.
CREATE TABLE push_outbox (
    id               uuid PRIMARY KEY,
    org_id           uuid         NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    push_device_id   uuid         NOT NULL REFERENCES push_devices (id) ON DELETE CASCADE,
    kind             varchar(16)  NOT NULL,
    payload          text         NOT NULL,
    state            varchar(12)  NOT NULL DEFAULT 'pending',
    attempts         integer      NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    last_error       varchar(500),
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    CONSTRAINT ck_push_outbox_state CHECK (state IN ('pending', 'delivered', 'dead')),
    CONSTRAINT ck_push_outbox_kind CHECK (kind IN ('watch_fired'))
);
CREATE INDEX ix_push_outbox_due ON push_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ix_push_outbox_finished ON push_outbox (updated_at) WHERE state <> 'pending';
CREATE INDEX ix_push_outbox_device ON push_outbox (push_device_id);
