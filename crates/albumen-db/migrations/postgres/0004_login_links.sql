-- Magic login links. Only the BLAKE3 hash of the link's token is stored; `password_stamp` is a
-- hash of the user's password hash when the link was made, so a new password voids the link.

CREATE TABLE login_links (
    token_hash     TEXT    PRIMARY KEY,
    user_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    single_use     BIGINT  NOT NULL DEFAULT 0,
    used_at        BIGINT,
    password_stamp TEXT    NOT NULL
);
CREATE INDEX login_links_user ON login_links (user_id);
CREATE INDEX login_links_expiry ON login_links (expires_at);
