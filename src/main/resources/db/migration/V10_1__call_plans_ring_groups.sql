-- Call plans, fallbacks and ring groups (docs/presence-model.md, "Call plans").
-- Version 10.1: 10 was taken by the column bounds; history comes as 11.
--
-- Everything a plan or a fallback points at is a foreign key with ON DELETE CASCADE, so deleting
-- a VoIP account, fixed destination, user or ring group removes it from every plan: a step loses
-- that target (a step left without targets is gone), a fallback row disappears (absent = reject),
-- a group loses that member.

-- A second call while in a call rings (the v1 behaviour) unless the user turns call waiting off;
-- then the busy fallback applies.
ALTER TABLE users ADD COLUMN call_waiting boolean NOT NULL DEFAULT true;

-- The steps of a user's plan, one row per target: targets of one step ring at once for the step's
-- ring time (repeated on each row of the step, so a step exists exactly while it has a target).
CREATE TABLE call_plan_targets (
    user_id               uuid     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step                  smallint NOT NULL,
    position              smallint NOT NULL,
    ring_seconds          smallint NOT NULL,
    voip_account_id       uuid     REFERENCES voip_accounts (id) ON DELETE CASCADE,
    fixed_destination_id  uuid     REFERENCES fixed_destinations (id) ON DELETE CASCADE,
    CONSTRAINT pk_call_plan_targets PRIMARY KEY (user_id, step, position),
    CONSTRAINT ck_call_plan_targets_one CHECK ((voip_account_id IS NULL) <> (fixed_destination_id IS NULL)),
    CONSTRAINT ck_call_plan_targets_ring CHECK (ring_seconds BETWEEN 5 AND 120)
);
CREATE INDEX ix_call_plan_targets_voip ON call_plan_targets (voip_account_id) WHERE voip_account_id IS NOT NULL;
CREATE INDEX ix_call_plan_targets_fixed ON call_plan_targets (fixed_destination_id) WHERE fixed_destination_id IS NOT NULL;

-- A VoIP account that leaves its owner (unlinked or linked to someone else) is no longer theirs to ring.
CREATE FUNCTION call_plan_targets_unlinked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM call_plan_targets WHERE voip_account_id = NEW.id AND user_id IS DISTINCT FROM NEW.user_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER tr_voip_accounts_plan_owner AFTER UPDATE OF user_id ON voip_accounts
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id) EXECUTE FUNCTION call_plan_targets_unlinked();

-- users.destination_type/destination_id stay what v1 reads and writes: exactly the plan's one-step
-- view (the target of a first step that has one target, else none), kept so by this trigger
-- whatever changes the targets (a plan, a selected destination, a deleted or unlinked device).
CREATE FUNCTION call_plan_destination(p_user uuid) RETURNS void LANGUAGE sql AS $$
    UPDATE users u SET destination_type = d.type, destination_id = d.id
    FROM (SELECT CASE WHEN count(*) = 1 THEN CASE WHEN bool_and(t.voip_account_id IS NULL) THEN 'fixed_destination'
                      ELSE 'voip_account' END END AS type,
                 CASE WHEN count(*) = 1 THEN (array_agg(coalesce(t.voip_account_id, t.fixed_destination_id)))[1] END AS id
          FROM call_plan_targets t
          WHERE t.user_id = p_user AND t.step = (SELECT min(s.step) FROM call_plan_targets s WHERE s.user_id = p_user)) d
    WHERE u.id = p_user AND (u.destination_type, u.destination_id) IS DISTINCT FROM (d.type, d.id)
$$;
CREATE FUNCTION call_plan_targets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM call_plan_destination(OLD.user_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id) THEN
        PERFORM call_plan_destination(NEW.user_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tr_call_plan_targets_destination AFTER INSERT OR UPDATE OR DELETE ON call_plan_targets
    FOR EACH ROW EXECUTE FUNCTION call_plan_targets_changed();

-- Ring groups: an internal number (registered in internal_numbers like users' and devices'),
-- a strategy, and the members in order.
CREATE TABLE ring_groups (
    id                   uuid         PRIMARY KEY,
    org_id               uuid         NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                 varchar(200) NOT NULL,
    internal_number      varchar(16)  NOT NULL,
    strategy             varchar(16)  NOT NULL,
    member_ring_seconds  smallint     NOT NULL DEFAULT 15,
    -- round_robin: where the next call starts; advanced by every route to the group
    rotation             bigint       NOT NULL DEFAULT 0,
    -- what the presence stream last said of the group ("n of m can take a call")
    published_available  integer,
    published_members    integer,
    version              bigint       NOT NULL DEFAULT 0,
    created_at           timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT ck_ring_groups_strategy CHECK (strategy IN ('ring_all', 'in_order', 'longest_idle', 'round_robin')),
    CONSTRAINT ck_ring_groups_ring CHECK (member_ring_seconds BETWEEN 5 AND 120)
);
CREATE INDEX ix_ring_groups_org ON ring_groups (org_id, name);

CREATE TABLE ring_group_members (
    group_id   uuid     NOT NULL REFERENCES ring_groups (id) ON DELETE CASCADE,
    user_id    uuid     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position   smallint NOT NULL,
    -- whether the member could take a call when their presence was last recorded: the group's
    -- availability is the count of these, kept up to date by the presence recorder
    counted    boolean  NOT NULL DEFAULT false,
    CONSTRAINT pk_ring_group_members PRIMARY KEY (group_id, user_id)
);
CREATE INDEX ix_ring_group_members_user ON ring_group_members (user_id);

-- A user's fallbacks, one row per situation that has one (absent = reject).
CREATE TABLE call_plan_fallbacks (
    user_id               uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind                  varchar(16) NOT NULL,
    type                  varchar(32) NOT NULL,
    fixed_destination_id  uuid        REFERENCES fixed_destinations (id) ON DELETE CASCADE,
    target_user_id        uuid        REFERENCES users (id) ON DELETE CASCADE,
    target_group_id       uuid        REFERENCES ring_groups (id) ON DELETE CASCADE,
    CONSTRAINT pk_call_plan_fallbacks PRIMARY KEY (user_id, kind),
    CONSTRAINT ck_call_plan_fallbacks_kind CHECK (kind IN ('unreachable', 'busy', 'no_answer', 'unavailable')),
    CONSTRAINT ck_call_plan_fallbacks_type CHECK (
        (type = 'fixed_destination' AND fixed_destination_id IS NOT NULL AND target_user_id IS NULL AND target_group_id IS NULL)
        OR (type = 'user' AND target_user_id IS NOT NULL AND fixed_destination_id IS NULL AND target_group_id IS NULL)
        OR (type = 'group' AND target_group_id IS NOT NULL AND fixed_destination_id IS NULL AND target_user_id IS NULL)
        OR (type = 'voicemail' AND fixed_destination_id IS NULL AND target_user_id IS NULL AND target_group_id IS NULL))
);
CREATE INDEX ix_call_plan_fallbacks_fixed ON call_plan_fallbacks (fixed_destination_id) WHERE fixed_destination_id IS NOT NULL;
CREATE INDEX ix_call_plan_fallbacks_user ON call_plan_fallbacks (target_user_id) WHERE target_user_id IS NOT NULL;
CREATE INDEX ix_call_plan_fallbacks_group ON call_plan_fallbacks (target_group_id) WHERE target_group_id IS NOT NULL;

-- A ring group's one fallback, when nobody can take the call or nobody answers (absent = reject).
CREATE TABLE ring_group_fallbacks (
    group_id         uuid        PRIMARY KEY REFERENCES ring_groups (id) ON DELETE CASCADE,
    type             varchar(32) NOT NULL,
    target_user_id   uuid        REFERENCES users (id) ON DELETE CASCADE,
    target_group_id  uuid        REFERENCES ring_groups (id) ON DELETE CASCADE,
    CONSTRAINT ck_ring_group_fallbacks_type CHECK (
        (type = 'user' AND target_user_id IS NOT NULL AND target_group_id IS NULL)
        OR (type = 'group' AND target_group_id IS NOT NULL AND target_user_id IS NULL)
        OR (type = 'voicemail' AND target_user_id IS NOT NULL AND target_group_id IS NULL))
);
CREATE INDEX ix_ring_group_fallbacks_user ON ring_group_fallbacks (target_user_id) WHERE target_user_id IS NOT NULL;
CREATE INDEX ix_ring_group_fallbacks_group ON ring_group_fallbacks (target_group_id) WHERE target_group_id IS NOT NULL;

-- Every selected destination becomes the first (and only) step of its user's plan.
INSERT INTO call_plan_targets (user_id, step, position, ring_seconds, voip_account_id)
SELECT u.id, 1, 1, 20, a.id FROM users u JOIN voip_accounts a ON a.id = u.destination_id AND a.user_id = u.id
WHERE u.destination_type = 'voip_account';
INSERT INTO call_plan_targets (user_id, step, position, ring_seconds, fixed_destination_id)
SELECT u.id, 1, 1, 20, f.id FROM users u JOIN fixed_destinations f ON f.id = u.destination_id AND f.user_id = u.id
WHERE u.destination_type = 'fixed_destination';
-- A destination that no longer existed (v1 kept it and said so) is none now.
UPDATE users SET destination_type = NULL, destination_id = NULL
WHERE destination_type IS NOT NULL AND NOT EXISTS (SELECT 1 FROM call_plan_targets t WHERE t.user_id = users.id);
