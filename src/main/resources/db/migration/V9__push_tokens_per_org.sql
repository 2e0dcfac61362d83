-- Push registrations are per organization. A token held in one organization must neither move
-- when another organization registers it nor let that organization learn that it exists there:
-- the same (platform, token) may now be registered once in each organization.
ALTER TABLE push_devices DROP CONSTRAINT uq_push_devices_token;
ALTER TABLE push_devices ADD CONSTRAINT uq_push_devices_org_token UNIQUE (org_id, platform, token);
