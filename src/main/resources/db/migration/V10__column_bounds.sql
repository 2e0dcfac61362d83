-- The API's documented bounds (docs/api.md, "Limits") are what the columns must hold: a call id
-- of up to 256 characters and a registration contact of up to 1024 were accepted by validation
-- and then refused by PostgreSQL (500). Widening a varchar rewrites nothing.
ALTER TABLE device_calls ALTER COLUMN call_id TYPE varchar(256);
ALTER TABLE push_calls ALTER COLUMN call_id TYPE varchar(256);
ALTER TABLE device_registrations ALTER COLUMN contact TYPE varchar(1024);
