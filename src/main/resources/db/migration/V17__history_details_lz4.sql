-- Every routing decision writes its whole answer (several KB of JSON) into history_items.details,
-- and history is written far more often than read: lz4 compresses such values at a fraction of the
-- CPU of PostgreSQL's default (pglz). A setting of the column, not a rewrite: only values written
-- from now on use it. A server built without lz4 keeps pglz and says so.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE history_items ALTER COLUMN details SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
    RAISE NOTICE 'history_items.details keeps the default compression: %', SQLERRM;
END
$$;
