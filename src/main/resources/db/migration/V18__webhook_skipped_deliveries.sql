-- An event for a disabled webhook is recorded too, as 'skipped': never sent (no claim picks it),
-- kept for switchboard.webhooks.retention like a delivered or dead row, so that a replay after the
-- webhook is enabled again re-sends what it missed while disabled (docs/api.md "Webhooks").
ALTER TABLE webhook_deliveries DROP CONSTRAINT ck_webhook_deliveries_state;
ALTER TABLE webhook_deliveries ADD CONSTRAINT ck_webhook_deliveries_state
    CHECK (state IN ('pending', 'delivered', 'dead', 'skipped'));
