-- A short plain-text note beside the status ("at the dentist, back at 3"), optionally ending by itself.
ALTER TABLE users ADD COLUMN note varchar(80), ADD COLUMN note_until timestamptz,
    ADD CONSTRAINT users_note_until_needs_note CHECK (note_until IS NULL OR note IS NOT NULL);
-- What colleagues were last shown of the note, beside the rest of the published presence.
ALTER TABLE presence_states ADD COLUMN note varchar(80);
-- The note expiry timer looks for notes whose end has come, every tick on every replica.
CREATE INDEX ix_users_note_until ON users (note_until) WHERE note_until IS NOT NULL;
