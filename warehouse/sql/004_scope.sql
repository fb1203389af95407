-- Schema version 4: the columns that say which people a row stands for and
-- where it came from, added empty so each can be filled as its reader
-- learns to: the source's dataset and lineage (a newer snapshot supersedes
-- an older one), whether its data is synthetic, the worksite's county, city
-- and ZIP, a duplicate kept with the source it duplicates (so retiring that
-- source can restore it), a reject's detail beside its reason code, and a
-- published figure's area type and name.
--
-- DuckDB refuses to commit one transaction that altered a table twice, so
-- each statement commits on its own; each is idempotent, so a migration cut
-- short runs again from the start.
-- payband:statement-per-transaction
ALTER TABLE source_files ADD COLUMN IF NOT EXISTS dataset VARCHAR;
ALTER TABLE source_files ADD COLUMN IF NOT EXISTS superseded_by BIGINT;
ALTER TABLE source_files ADD COLUMN IF NOT EXISTS synthetic BOOLEAN DEFAULT false;
ALTER TABLE source_files ADD COLUMN IF NOT EXISTS size_bytes BIGINT;
ALTER TABLE observations ADD COLUMN IF NOT EXISTS county VARCHAR;
ALTER TABLE observations ADD COLUMN IF NOT EXISTS city VARCHAR;
ALTER TABLE observations ADD COLUMN IF NOT EXISTS postal_code VARCHAR;
ALTER TABLE observations ADD COLUMN IF NOT EXISTS dup_of BIGINT;
ALTER TABLE reject_rows ADD COLUMN IF NOT EXISTS detail VARCHAR DEFAULT '';
ALTER TABLE published ADD COLUMN IF NOT EXISTS area_type VARCHAR;
ALTER TABLE published ADD COLUMN IF NOT EXISTS area_name VARCHAR;
ALTER TABLE title_map_t ADD COLUMN IF NOT EXISTS fingerprint VARCHAR DEFAULT '';
