-- Magic login links. Only the BLAKE3 hash of the link's token is stored; `password_stamp` is a
-- hash of the user's password hash when the link was made, so a new password voids the link.

CREATE TABLE login_links (
    token_hash     TEXT    PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    single_use     INTEGER NOT NULL DEFAULT 0,
    used_at        INTEGER,
    password_stamp TEXT    NOT NULL
);
CREATE INDEX login_links_user ON login_links (user_id);
CREATE INDEX login_links_expiry ON login_links (expires_at);
