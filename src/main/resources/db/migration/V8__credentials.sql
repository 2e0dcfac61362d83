-- Canonical emails and a per-user credentials version.

-- 1. Emails are stored canonical: trimmed (as Java's String.trim, U+0001..U+0020) and lower-cased.
--    uq_users_email (on lower(email)) already made emails unique regardless of case; trimming can
--    still make two rows collide (" a@x" and "a@x"). The migration must not fail on that: per
--    canonical address the row that already has it (else the oldest) gets it, and any other row
--    keeps its stored email unchanged. Such a row can no longer sign in (sign-in looks up the
--    canonical form) until an admin gives it another address or deletes it; a notice names them.
CREATE TEMPORARY TABLE canonical_emails AS
SELECT id, email,
       lower(regexp_replace(email, '^[\u0001-\u0020]+|[\u0001-\u0020]+$', '', 'g')) AS canonical
FROM users;

CREATE TEMPORARY TABLE canonical_winners AS
SELECT DISTINCT ON (c.canonical) c.id, c.canonical
FROM canonical_emails c JOIN users u ON u.id = c.id
ORDER BY c.canonical, (lower(c.email) = c.canonical) DESC, u.created_at, u.id;

UPDATE users u SET email = w.canonical
FROM canonical_winners w
WHERE u.id = w.id AND u.email <> w.canonical;

DO $$
DECLARE
    left_over integer;
BEGIN
    SELECT count(*) INTO left_over FROM canonical_emails c
    WHERE NOT EXISTS (SELECT 1 FROM canonical_winners w WHERE w.id = c.id);
    IF left_over > 0 THEN
        RAISE NOTICE '% user(s) keep a non-canonical email because another user has its canonical form: %',
            left_over, (SELECT string_agg(c.id::text, ', ') FROM canonical_emails c
                        WHERE NOT EXISTS (SELECT 1 FROM canonical_winners w WHERE w.id = c.id));
    END IF;
END $$;

DROP TABLE canonical_winners;
DROP TABLE canonical_emails;

-- 2. Raised by every password change or reset, email change and role change; tokens and ws
--    tickets carry the version they were issued at and are refused once it is no longer current.
--    Existing tokens carry none, which counts as 0: they keep working until the next change.
ALTER TABLE users ADD COLUMN credentials_version bigint NOT NULL DEFAULT 0;
ALTER TABLE ws_tickets ADD COLUMN credentials_version bigint;
