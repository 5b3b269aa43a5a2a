-- Album tree, exact file-system names, camera metadata, videos, and the pattern settings a
-- scan ran with.

ALTER TABLE albums ADD COLUMN parent_id BIGINT REFERENCES albums (id);
CREATE INDEX albums_parent ON albums (parent_id);

-- The library-relative path as the file system spells it, when it differs from the NFC `path`
-- (macOS NFD names, names that are not UTF-8). NULL means "same as path".
ALTER TABLE photos ADD COLUMN fs_path BYTEA;
ALTER TABLE photos ADD COLUMN exif_taken_at TEXT COLLATE "C";
ALTER TABLE photos ADD COLUMN lens TEXT;
ALTER TABLE photos ADD COLUMN exposure_time TEXT;
ALTER TABLE photos ADD COLUMN f_number DOUBLE PRECISION;
ALTER TABLE photos ADD COLUMN iso BIGINT;
ALTER TABLE photos ADD COLUMN focal_length DOUBLE PRECISION;
ALTER TABLE photos ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE photos ADD COLUMN longitude DOUBLE PRECISION;
ALTER TABLE photos ADD COLUMN duration_ms BIGINT;
CREATE INDEX photos_missing ON photos (missing_since);

ALTER TABLE scans ADD COLUMN config_hash TEXT;
-- Digest of the listing (paths, sizes, mtimes) a completed scan saw: an identical listing
-- next time means nothing to read or write.
ALTER TABLE scans ADD COLUMN listing_digest TEXT;
