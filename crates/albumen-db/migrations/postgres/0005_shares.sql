-- Share links and unlisted albums. A link reaches one album (optionally with every album below
-- it) or the photos listed in `share_photos`. Only the BLAKE3 hash of the link's token is
-- stored; a password, if any, is an argon2id hash. Revoking keeps the row (for the record) and
-- stops the link at once. `secrets` holds server-wide keys shared by every instance.

ALTER TABLE albums ADD COLUMN unlisted BIGINT NOT NULL DEFAULT 0;

CREATE TABLE shares (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash         TEXT COLLATE "C" NOT NULL UNIQUE,
    label              TEXT    NOT NULL DEFAULT '',
    album_id           BIGINT REFERENCES albums (id) ON DELETE CASCADE,
    include_sub_albums BIGINT NOT NULL DEFAULT 0,
    password_hash      TEXT,
    allow_download     BIGINT NOT NULL DEFAULT 0,
    allow_zip          BIGINT NOT NULL DEFAULT 0,
    created_by         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT,
    revoked_at         BIGINT,
    last_used_at       BIGINT,
    view_count         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX shares_album ON shares (album_id);

CREATE TABLE share_photos (
    share_id BIGINT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    photo_id BIGINT NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    PRIMARY KEY (share_id, photo_id)
);
CREATE INDEX share_photos_photo ON share_photos (photo_id);

CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
