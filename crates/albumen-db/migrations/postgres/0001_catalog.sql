-- Accounts, sessions, the catalog, scan problems and leases.
-- Flags are BIGINT 0/1 and times Unix seconds, so both backends map to the same Rust types.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT COLLATE "C"    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    is_admin      BIGINT  NOT NULL DEFAULT 0,
    can_see_all   BIGINT  NOT NULL DEFAULT 0,
    can_scan      BIGINT  NOT NULL DEFAULT 0,
    disabled      BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE albums (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path          TEXT COLLATE "C"    NOT NULL UNIQUE,
    category      TEXT COLLATE "C"    NOT NULL DEFAULT '',
    name          TEXT COLLATE "C"    NOT NULL,
    name_date     TEXT COLLATE "C",
    date          TEXT COLLATE "C",
    missing_since BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX albums_date ON albums (date, name);

CREATE TABLE photos (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    album_id      BIGINT  NOT NULL REFERENCES albums (id),
    path          TEXT COLLATE "C"    NOT NULL UNIQUE,
    filename      TEXT COLLATE "C"    NOT NULL,
    kind          TEXT    NOT NULL,
    size          BIGINT  NOT NULL,
    mtime_ns      BIGINT  NOT NULL,
    fingerprint   TEXT    NOT NULL,
    taken_at      TEXT COLLATE "C",
    width         BIGINT  NOT NULL,
    height        BIGINT  NOT NULL,
    orientation   BIGINT  NOT NULL,
    camera        TEXT,
    missing_since BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX photos_album ON photos (album_id, taken_at, filename);
CREATE INDEX photos_fingerprint ON photos (fingerprint);

CREATE TABLE problems (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path     TEXT COLLATE "C"    NOT NULL,
    stage    TEXT    NOT NULL,
    reason   TEXT    NOT NULL,
    photo_id BIGINT  REFERENCES photos (id) ON DELETE CASCADE,
    seen_at  BIGINT  NOT NULL,
    UNIQUE (path, stage)
);

CREATE TABLE scans (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT  NOT NULL,
    outcome     TEXT    NOT NULL,
    files       BIGINT  NOT NULL,
    albums      BIGINT  NOT NULL,
    photos      BIGINT  NOT NULL,
    added       BIGINT  NOT NULL,
    updated     BIGINT  NOT NULL,
    missing     BIGINT  NOT NULL,
    problems    BIGINT  NOT NULL,
    error       TEXT
);

CREATE TABLE leases (
    name       TEXT COLLATE "C"    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL
);
