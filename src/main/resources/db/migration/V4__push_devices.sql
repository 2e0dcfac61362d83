-- Mobile push devices: several per app account (a user with two phones is reachable on both).
CREATE TABLE push_devices (
    id               uuid PRIMARY KEY,
    org_id           uuid          NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          uuid          NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    voip_account_id  uuid          NOT NULL REFERENCES voip_accounts (id) ON DELETE CASCADE,
    platform         varchar(8)    NOT NULL,
    token            varchar(4096) NOT NULL,
    app_id           varchar(200)  NOT NULL,
    name             varchar(200)  NOT NULL DEFAULT '',
    sandbox          boolean       NOT NULL DEFAULT false,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT ck_push_devices_platform CHECK (platform IN ('fcm', 'apns')),
    CONSTRAINT uq_push_devices_token UNIQUE (platform, token)
);
CREATE INDEX ix_push_devices_account ON push_devices (voip_account_id);
CREATE INDEX ix_push_devices_user ON push_devices (user_id);
