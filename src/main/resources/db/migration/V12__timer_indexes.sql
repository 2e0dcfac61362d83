-- The status expiry timer looks for statuses whose end has come, every second on every replica:
-- without an index it reads the whole users table each time.
CREATE INDEX ix_users_status_until ON users (status_until) WHERE status_until IS NOT NULL;
