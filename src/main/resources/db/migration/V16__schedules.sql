-- Time zones (IANA ids) in which people mean their scheduled windows. A user without one follows the org's.
ALTER TABLE organizations ADD COLUMN time_zone varchar(64) NOT NULL DEFAULT 'Europe/Amsterdam';
ALTER TABLE users ADD COLUMN time_zone varchar(64);

-- Scheduled statuses: "do not disturb on Fridays 13:00-17:00". from/until are local wall-clock
-- times in the user's zone; next_start/next_end are the current or next window as instants, and
-- next_at is when the timers must act next (the start while waiting, the end while the window
-- holds; null when no window is left).
CREATE TABLE schedules (
    id uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status varchar(32) NOT NULL,
    note varchar(80),
    from_local timestamp NOT NULL,
    until_local timestamp NOT NULL,
    weekdays varchar(27),
    repeat_until date,
    running boolean NOT NULL DEFAULT false,
    next_start timestamptz,
    next_end timestamptz,
    next_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (until_local > from_local)
);
CREATE INDEX ix_schedules_user ON schedules (user_id, created_at);
CREATE INDEX ix_schedules_next_at ON schedules (next_at) WHERE next_at IS NOT NULL;

-- The window whose status the user has now, and what they had before it (restored at its end
-- unless they changed their status or note by hand meanwhile: that clears schedule_id).
ALTER TABLE users ADD COLUMN schedule_id uuid REFERENCES schedules (id) ON DELETE SET NULL,
    ADD COLUMN restore_status varchar(32), ADD COLUMN restore_until timestamptz,
    ADD COLUMN restore_note varchar(80), ADD COLUMN restore_note_until timestamptz;
