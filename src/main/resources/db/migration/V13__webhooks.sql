-- Webhooks (docs/api.md "Webhooks", docs/integrations.md): an org's endpoints, the durable outbox
-- their deliveries leave from, and the log of attempts the admin reads.

CREATE TABLE webhooks (
    id               uuid PRIMARY KEY,
    org_id           uuid          NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url              varchar(2000) NOT NULL,
    events           varchar(32)[] NOT NULL,
    -- null: every member of the org
    user_ids         uuid[],
    -- the Standard Webhooks secret (whsec_…): needed to sign, so kept; never answered again after creation
    secret           varchar(120)  NOT NULL,
    enabled          boolean       NOT NULL DEFAULT true,
    disabled_reason  varchar(500),
    disabled_at      timestamptz,
    -- start of the current run of failed attempts (null: the last attempt succeeded)
    failing_since    timestamptz,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX ix_webhooks_org ON webhooks (org_id);

-- One row per (event, endpoint), written in the transaction of the change it reports. 'position'
-- is the endpoint's order: within an org it follows seq, because the writer holds the org's
-- sequence row until it commits. Only the oldest pending row of an endpoint is ever claimed, so
-- an endpoint's next delivery waits until the one before it was delivered or went dead. Delivered
-- and dead rows stay for switchboard.webhooks.retention: they are what a replay re-sends.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    position         bigserial     NOT NULL,
    webhook_id       uuid          NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    org_id           uuid          NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- the webhook-id header: the same on every retry and replay (the receiver's idempotency key)
    message_id       varchar(40)   NOT NULL,
    type             varchar(32)   NOT NULL,
    seq              bigint        NOT NULL,
    -- the exact body sent and signed
    body             text          NOT NULL,
    state            varchar(12)   NOT NULL DEFAULT 'pending',
    attempts         integer       NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz   NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    last_error       varchar(500),
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    CONSTRAINT ck_webhook_deliveries_state CHECK (state IN ('pending', 'delivered', 'dead'))
);
CREATE INDEX ix_webhook_deliveries_head ON webhook_deliveries (webhook_id, position) WHERE state = 'pending';
CREATE INDEX ix_webhook_deliveries_seq ON webhook_deliveries (webhook_id, seq);
CREATE INDEX ix_webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE state <> 'pending';

-- Every attempt (and test ping), newest first in GET …/deliveries; pruned with the outbox.
CREATE TABLE webhook_attempts (
    id               bigserial PRIMARY KEY,
    webhook_id       uuid          NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    delivery_id      uuid,
    message_id       varchar(40)   NOT NULL,
    type             varchar(32)   NOT NULL,
    seq              bigint,
    attempt          integer       NOT NULL,
    outcome          varchar(12)   NOT NULL,
    status_code      integer,
    error            varchar(500),
    duration_ms      integer       NOT NULL,
    at               timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT ck_webhook_attempts_outcome CHECK (outcome IN ('delivered', 'retrying', 'dead', 'ping'))
);
CREATE INDEX ix_webhook_attempts_webhook ON webhook_attempts (webhook_id, id);
CREATE INDEX ix_webhook_attempts_at ON webhook_attempts (at);
