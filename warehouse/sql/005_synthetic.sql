-- Schema version 5: sources say whether their data is synthetic (payband
-- gen, demo). Version 4 added source_files.synthetic empty; from version 5
-- loads fill it and the sources and source_lineage views show it. The
-- version bump makes an older file migrate once, so that its views are
-- rebuilt with the column before a read-only command reads them.
ALTER TABLE source_files ADD COLUMN IF NOT EXISTS synthetic BOOLEAN DEFAULT false;
