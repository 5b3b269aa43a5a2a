-- Groups and access policies. An album or photo without a policy row is visible only to users
-- who can see all; a policy grants `public` access and/or access to listed users and groups.
-- A photo's own policy overrides its album's; without one, the photo follows the album's policy
-- when `inherit` is set. The user and group lists hang off the policy row, so deleting a policy
-- (or its album, photo, user or group) deletes the entries with it.

CREATE TABLE groups (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL
);

CREATE TABLE group_members (
    group_id BIGINT  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id, group_id);

CREATE TABLE album_policies (
    album_id   BIGINT  PRIMARY KEY REFERENCES albums (id) ON DELETE CASCADE,
    public     BIGINT  NOT NULL DEFAULT 0,
    inherit    BIGINT  NOT NULL DEFAULT 1,
    updated_at BIGINT  NOT NULL
);

CREATE TABLE album_policy_users (
    album_id BIGINT  NOT NULL REFERENCES album_policies (album_id) ON DELETE CASCADE,
    user_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (album_id, user_id)
);
CREATE INDEX album_policy_users_user ON album_policy_users (user_id, album_id);

CREATE TABLE album_policy_groups (
    album_id BIGINT  NOT NULL REFERENCES album_policies (album_id) ON DELETE CASCADE,
    group_id BIGINT  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    PRIMARY KEY (album_id, group_id)
);
CREATE INDEX album_policy_groups_group ON album_policy_groups (group_id, album_id);

CREATE TABLE photo_policies (
    photo_id   BIGINT  PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    public     BIGINT  NOT NULL DEFAULT 0,
    updated_at BIGINT  NOT NULL
);

CREATE TABLE photo_policy_users (
    photo_id BIGINT  NOT NULL REFERENCES photo_policies (photo_id) ON DELETE CASCADE,
    user_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (photo_id, user_id)
);
CREATE INDEX photo_policy_users_user ON photo_policy_users (user_id, photo_id);

CREATE TABLE photo_policy_groups (
    photo_id BIGINT  NOT NULL REFERENCES photo_policies (photo_id) ON DELETE CASCADE,
    group_id BIGINT  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    PRIMARY KEY (photo_id, group_id)
);
CREATE INDEX photo_policy_groups_group ON photo_policy_groups (group_id, photo_id);
