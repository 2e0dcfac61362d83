-- Organizations, users, VoIP accounts and fixed destinations.
-- Constraint names are part of the API: the REST layer maps them to the field that clashed.

CREATE TABLE organizations (
    id                            uuid PRIMARY KEY,
    name                          varchar(200) NOT NULL,
    apply_user_status_to_devices  boolean      NOT NULL DEFAULT true,
    max_voip_accounts_per_user    integer      NOT NULL DEFAULT 10,
    show_call_context             boolean      NOT NULL DEFAULT true,
    version                       bigint       NOT NULL DEFAULT 0,
    created_at                    timestamptz  NOT NULL DEFAULT now()
);

-- Operators are users without an organization; everyone else belongs to exactly one.
CREATE TABLE users (
    id                 uuid PRIMARY KEY,
    org_id             uuid         REFERENCES organizations (id) ON DELETE CASCADE,
    email              varchar(254) NOT NULL,
    name               varchar(200) NOT NULL,
    internal_number    varchar(16),
    role               varchar(16)  NOT NULL,
    password_hash      varchar(100),
    status             varchar(32)  NOT NULL DEFAULT 'available',
    destination_type   varchar(32),
    destination_id     uuid,
    status_until       timestamptz,
    version            bigint       NOT NULL DEFAULT 0,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT ck_users_role CHECK (role IN ('operator', 'admin', 'user')),
    CONSTRAINT ck_users_org CHECK ((role = 'operator') = (org_id IS NULL))
);
CREATE UNIQUE INDEX uq_users_email ON users (lower(email));
CREATE INDEX ix_users_org ON users (org_id, internal_number);

CREATE TABLE voip_accounts (
    id                 uuid PRIMARY KEY,
    org_id             uuid         NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id            uuid         REFERENCES users (id) ON DELETE SET NULL,
    kind               varchar(16)  NOT NULL,
    description        varchar(200) NOT NULL DEFAULT '',
    internal_number    varchar(16)  NOT NULL,
    sip_username       varchar(64)  NOT NULL,
    -- What a SIP registrar needs for digest auth; the plaintext password is never stored.
    sip_realm          varchar(100) NOT NULL,
    sip_ha1_md5        varchar(32)     NOT NULL,
    sip_ha1_sha256     varchar(64)     NOT NULL,
    dnd                boolean      NOT NULL DEFAULT false,
    version            bigint       NOT NULL DEFAULT 0,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_voip_accounts_sip_username UNIQUE (sip_username),
    CONSTRAINT ck_voip_accounts_kind CHECK (kind IN ('desk_phone', 'webphone', 'app', 'softphone'))
);
CREATE INDEX ix_voip_accounts_org ON voip_accounts (org_id, internal_number);
CREATE INDEX ix_voip_accounts_user ON voip_accounts (user_id);
-- At most one app and one webphone account per user.
CREATE UNIQUE INDEX uq_voip_accounts_user_app ON voip_accounts (user_id) WHERE kind = 'app';
CREATE UNIQUE INDEX uq_voip_accounts_user_webphone ON voip_accounts (user_id) WHERE kind = 'webphone';

-- Internal numbers are unique per organization across users and VoIP accounts: one registry
-- table gives the database a single constraint to enforce that.
CREATE TABLE internal_numbers (
    org_id      uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number      varchar(16) NOT NULL,
    owner_id    uuid        NOT NULL,
    CONSTRAINT uq_internal_numbers PRIMARY KEY (org_id, number)
);
CREATE INDEX ix_internal_numbers_owner ON internal_numbers (owner_id);

CREATE TABLE fixed_destinations (
    id            uuid PRIMARY KEY,
    org_id        uuid         NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id       uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number        varchar(16)  NOT NULL,
    description   varchar(200) NOT NULL DEFAULT '',
    version       bigint       NOT NULL DEFAULT 0,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_fixed_destinations_user_number UNIQUE (user_id, number)
);
