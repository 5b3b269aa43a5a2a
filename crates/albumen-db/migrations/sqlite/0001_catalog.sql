-- Accounts, sessions, the catalog, scan problems and leases.
-- Flags are INTEGER 0/1 and times Unix seconds, so both backends map to the same Rust types.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    can_see_all   INTEGER NOT NULL DEFAULT 0,
    can_scan      INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE albums (
    id            INTEGER PRIMARY KEY,
    path          TEXT    NOT NULL UNIQUE,
    category      TEXT    NOT NULL DEFAULT '',
    name          TEXT    NOT NULL,
    name_date     TEXT,
    date          TEXT,
    missing_since INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX albums_date ON albums (date, name);

CREATE TABLE photos (
    id            INTEGER PRIMARY KEY,
    album_id      INTEGER NOT NULL REFERENCES albums (id),
    path          TEXT    NOT NULL UNIQUE,
    filename      TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    fingerprint   TEXT    NOT NULL,
    taken_at      TEXT,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    orientation   INTEGER NOT NULL,
    camera        TEXT,
    missing_since INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX photos_album ON photos (album_id, taken_at, filename);
CREATE INDEX photos_fingerprint ON photos (fingerprint);

CREATE TABLE problems (
    id       INTEGER PRIMARY KEY,
    path     TEXT    NOT NULL,
    stage    TEXT    NOT NULL,
    reason   TEXT    NOT NULL,
    photo_id INTEGER REFERENCES photos (id) ON DELETE CASCADE,
    seen_at  INTEGER NOT NULL,
    UNIQUE (path, stage)
);

CREATE TABLE scans (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    outcome     TEXT    NOT NULL,
    files       INTEGER NOT NULL,
    albums      INTEGER NOT NULL,
    photos      INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    missing     INTEGER NOT NULL,
    problems    INTEGER NOT NULL,
    error       TEXT
);

CREATE TABLE leases (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
