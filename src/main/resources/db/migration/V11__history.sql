-- "Why didn't my phone ring at 14:03?": per user, every routing decision and call outcome, and
-- every change of status, destination, plan, device DND and registration, with who made it.
-- A log, not a relation: no foreign keys, so a queued batch is never refused because its user
-- or organization was deleted meanwhile. Items of deleted users and organizations are never
-- shown (reads go through the user's row) and leave with the retention.
CREATE TABLE history_items (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         uuid        NOT NULL,
    user_id        uuid        NOT NULL,
    at             timestamptz NOT NULL,
    type           varchar(16) NOT NULL,
    actor_type     varchar(16) NOT NULL,
    actor_user_id  uuid,
    summary        text        NOT NULL,
    details        jsonb       NOT NULL
);
-- A user's items newest first; (at, id) is also the paging cursor.
CREATE INDEX ix_history_items_user ON history_items (user_id, at DESC, id DESC);
-- Pruning by age.
CREATE INDEX ix_history_items_at ON history_items (at);
