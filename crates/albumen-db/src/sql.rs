//! The [`Repo`] implementation shared by both backends. Every statement here must mean the same
//! on SQLite and PostgreSQL: `$n` placeholders, `ON CONFLICT … DO UPDATE`, `RETURNING`, explicit
//! `NULLS FIRST/LAST`, and byte-order text comparison (PostgreSQL columns use `COLLATE "C"`).

mod catalog;
mod jobs;
mod shares;

pub use jobs::PREVIEWS as PREVIEW_JOBS;

use self::catalog::SqlReader;

use std::collections::BTreeSet;

use albumen_core::access::{AlbumFacts, AlbumPolicy, MediaRef, PhotoFacts, Policy};
use albumen_core::model::{Photo, User};
use albumen_core::{AlbumId, GroupId, PhotoId, ShareId, UserId};
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Pool, Row, Transaction};

use crate::repo::{
    AlbumUpsert, CatalogAlbum, CatalogFile, Group, Job, JobCounts, NewLoginLink, NewSession,
    NewShare, NewUser, PhotoUpsert, Problem, ProblemStage, Reader, Repo, ScanOutcome, ScanRecord,
    SessionRecord, ShareRecord, StampCheck, UserUpdate,
};
use crate::{Backend, RepoError, Result, rows};

#[derive(Debug, Clone)]
pub(crate) struct SqlRepo {
    pub(crate) pool: Pool<Any>,
    pub(crate) backend: Backend,
}

impl SqlRepo {
    /// A transaction that will write. SQLite takes the write lock up front (`BEGIN IMMEDIATE`),
    /// so two writers queue on the busy timeout instead of failing on lock upgrade.
    async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    async fn sql_reader(&self) -> Result<SqlReader> {
        Ok(SqlReader {
            conn: self.pool.acquire().await?,
        })
    }

    /// Rows per multi-row insert. PostgreSQL saves a round trip per row (500 × 24 = 12,000
    /// parameters, under its limit). SQLite runs in-process, and sqlx binds each parameter by
    /// name lookup, which is quadratic in the parameter count: one row per statement, with the
    /// statement prepared once and reused, is fastest there.
    fn rows_per_insert(&self) -> usize {
        match self.backend {
            Backend::Sqlite => 1,
            Backend::Postgres => 500,
        }
    }
}

/// Where one kind of access policy is stored.
#[derive(Debug)]
struct PolicyTables {
    /// What an unknown key is called in [`RepoError::NotFound`].
    what: &'static str,
    /// The table of the objects the policies protect.
    objects: &'static str,
    policies: &'static str,
    users: &'static str,
    groups: &'static str,
    /// The key column of the policy table and its lists.
    key: &'static str,
    /// Creates or replaces the policy row: `$1` key, `$2` public, `$3` updated_at, and for
    /// albums `$4` inherit.
    upsert: &'static str,
}

const ALBUM_POLICY: PolicyTables = PolicyTables {
    what: "album",
    objects: "albums",
    policies: "album_policies",
    users: "album_policy_users",
    groups: "album_policy_groups",
    key: "album_id",
    upsert: "INSERT INTO album_policies (album_id, public, updated_at, inherit) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (album_id) DO UPDATE SET public = excluded.public, \
               inherit = excluded.inherit, updated_at = excluded.updated_at",
};

const PHOTO_POLICY: PolicyTables = PolicyTables {
    what: "photo",
    objects: "photos",
    policies: "photo_policies",
    users: "photo_policy_users",
    groups: "photo_policy_groups",
    key: "photo_id",
    upsert: "INSERT INTO photo_policies (photo_id, public, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (photo_id) DO UPDATE SET public = excluded.public, \
               updated_at = excluded.updated_at",
};

impl SqlRepo {
    /// Creates or replaces the same policy on every object, in one transaction.
    async fn set_policies(
        &self,
        tables: &PolicyTables,
        ids: &[i64],
        policy: &Policy,
        inherit: Option<bool>,
        now: i64,
    ) -> Result<()> {
        let users: BTreeSet<i64> = policy.users.iter().map(|u| u.get()).collect();
        let groups: BTreeSet<i64> = policy.groups.iter().map(|g| g.get()).collect();
        let mut tx = self.begin_write().await?;
        for &id in ids {
            let mut upsert = sqlx::query(tables.upsert)
                .bind(id)
                .bind(i64::from(policy.public))
                .bind(now);
            if let Some(inherit) = inherit {
                upsert = upsert.bind(i64::from(inherit));
            }
            upsert
                .execute(&mut *tx)
                .await
                .map_err(RepoError::on_foreign_key(tables.what))?;
            for list in [tables.users, tables.groups] {
                let sql = format!("DELETE FROM {list} WHERE {} = $1", tables.key);
                sqlx::query(trusted(sql)).bind(id).execute(&mut *tx).await?;
            }
            insert_list(&mut tx, tables.users, tables.key, "user_id", id, &users)
                .await
                .map_err(RepoError::on_foreign_key("user"))?;
            insert_list(&mut tx, tables.groups, tables.key, "group_id", id, &groups)
                .await
                .map_err(RepoError::on_foreign_key("group"))?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes the policies of every object, in one transaction; an unknown object changes
    /// nothing.
    async fn delete_policies(&self, tables: &PolicyTables, ids: &[i64]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let exists = format!("SELECT id FROM {} WHERE id = $1", tables.objects);
        for &id in ids {
            let found = sqlx::query(trusted(exists.clone()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(RepoError::NotFound(tables.what));
            }
            // The lists cascade from the policy row too; deleting them first does not depend on it.
            for table in [tables.users, tables.groups, tables.policies] {
                let sql = format!("DELETE FROM {table} WHERE {} = $1", tables.key);
                sqlx::query(trusted(sql)).bind(id).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// An album policy from nullable `public` and `inherit` columns of a LEFT JOIN (lists empty).
fn album_policy(row: &AnyRow, public: &str, inherit: &str) -> Result<Option<AlbumPolicy>> {
    let public = row.try_get::<Option<i64>, _>(public)?;
    let inherit = row.try_get::<Option<i64>, _>(inherit)?;
    Ok(public.zip(inherit).map(|(public, inherit)| AlbumPolicy {
        policy: Policy {
            public: public != 0,
            ..Policy::default()
        },
        inherit: inherit != 0,
    }))
}

/// Inserts `(owner, member)` rows into a two-column list table, in one statement.
async fn insert_list(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    owner_column: &str,
    member_column: &str,
    owner: i64,
    members: &BTreeSet<i64>,
) -> std::result::Result<(), sqlx::Error> {
    if members.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..members.len())
        .map(|i| format!("($1, ${})", i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({owner_column}, {member_column}) VALUES {}",
        values.join(", ")
    );
    let mut query = sqlx::query(trusted(sql)).bind(owner);
    for member in members {
        query = query.bind(*member);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// SQL assembled in this file from constant fragments (column lists, visibility conditions);
/// request data only ever travels as bind parameters.
fn trusted(sql: String) -> AssertSqlSafe<String> {
    AssertSqlSafe(sql)
}

/// Columns after `album_id`, in bind order (see [`bind_photo`]).
const PHOTO_INSERT_COLUMNS: &str = "path, fs_path, filename, kind, size, mtime_ns, fingerprint, \
     taken_at, exif_taken_at, width, height, orientation, camera, lens, exposure_time, f_number, \
     iso, focal_length, latitude, longitude, duration_ms, created_at, updated_at";
/// Parameters per row: the album path plus the columns above.
const PHOTO_PARAMS: usize = 24;
const PHOTO_CONFLICT_SET: &str = "fs_path = excluded.fs_path, filename = excluded.filename, \
     kind = excluded.kind, size = excluded.size, mtime_ns = excluded.mtime_ns, \
     fingerprint = excluded.fingerprint, taken_at = excluded.taken_at, \
     exif_taken_at = excluded.exif_taken_at, width = excluded.width, height = excluded.height, \
     orientation = excluded.orientation, camera = excluded.camera, lens = excluded.lens, \
     exposure_time = excluded.exposure_time, f_number = excluded.f_number, iso = excluded.iso, \
     focal_length = excluded.focal_length, latitude = excluded.latitude, \
     longitude = excluded.longitude, duration_ms = excluded.duration_ms, \
     updated_at = excluded.updated_at";
type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>;

/// Binds one photo's [`PHOTO_PARAMS`] values, album path first.
fn bind_photo<'q>(query: AnyQuery<'q>, p: &'q PhotoUpsert, now: i64) -> AnyQuery<'q> {
    let (lat, lon) = p.meta.gps.unzip();
    query
        .bind(&p.album_path)
        .bind(&p.path)
        .bind(&p.fs_path)
        .bind(&p.filename)
        .bind(p.kind.as_str())
        .bind(p.size)
        .bind(p.mtime_ns)
        .bind(&p.fingerprint)
        .bind(&p.taken_at)
        .bind(&p.exif_taken_at)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .bind(i64::from(p.orientation))
        .bind(&p.meta.camera)
        .bind(&p.meta.lens)
        .bind(&p.meta.exposure_time)
        .bind(p.meta.f_number)
        .bind(p.meta.iso.map(i64::from))
        .bind(p.meta.focal_length)
        .bind(lat)
        .bind(lon)
        .bind(p.meta.duration_ms)
        .bind(now)
        .bind(now)
}

fn outcome_str(outcome: ScanOutcome) -> &'static str {
    match outcome {
        ScanOutcome::Completed => "completed",
        ScanOutcome::Failed => "failed",
    }
}

fn scan_record(row: &AnyRow) -> Result<ScanRecord> {
    let outcome: String = row.try_get("outcome")?;
    Ok(ScanRecord {
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        outcome: match outcome.as_str() {
            "completed" => ScanOutcome::Completed,
            "failed" => ScanOutcome::Failed,
            other => return Err(RepoError::Corrupt(format!("scan outcome {other}"))),
        },
        files: row.try_get("files")?,
        albums: row.try_get("albums")?,
        photos: row.try_get("photos")?,
        added: row.try_get("added")?,
        updated: row.try_get("updated")?,
        missing: row.try_get("missing")?,
        problems: row.try_get("problems")?,
        error: row.try_get("error")?,
        config_hash: row.try_get("config_hash")?,
        listing_digest: row.try_get("listing_digest")?,
    })
}

#[async_trait]
impl Repo for SqlRepo {
    async fn create_share(&self, share: &NewShare) -> Result<ShareId> {
        self.insert_share(share).await
    }

    async fn share_by_token(&self, token_hash: &str) -> Result<Option<ShareRecord>> {
        self.find_share("token_hash", shares::Key::TokenHash(token_hash))
            .await
    }

    async fn share(&self, id: ShareId) -> Result<Option<ShareRecord>> {
        self.find_share("id", shares::Key::Id(id)).await
    }

    async fn list_shares(&self) -> Result<Vec<ShareRecord>> {
        self.all_shares().await
    }

    async fn revoke_share(&self, id: ShareId, now: i64) -> Result<()> {
        self.mark_share_revoked(id, now).await
    }

    async fn record_share_use(&self, id: ShareId, now: i64, opened: bool) -> Result<()> {
        self.note_share_use(id, now, opened).await
    }

    async fn album_subtree(&self, id: AlbumId) -> Result<Vec<AlbumId>> {
        self.subtree(id).await
    }

    async fn set_albums_unlisted(&self, albums: &[AlbumId], unlisted: bool) -> Result<()> {
        self.mark_unlisted(albums, unlisted).await
    }

    async fn secret(&self, name: &str, candidate: &str) -> Result<String> {
        self.get_or_store_secret(name, candidate).await
    }

    async fn create_user(&self, user: &NewUser) -> Result<User> {
        let p = user.permissions;
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, is_admin, can_see_all, can_scan, \
               disabled, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.password_hash)
        .bind(i64::from(p.admin))
        .bind(i64::from(p.can_see_all))
        .bind(i64::from(p.can_scan))
        .bind(user.now)
        .fetch_one(&self.pool)
        .await
        .map_err(RepoError::on_unique("user"))?;
        Ok(User {
            id: UserId::new(row.try_get("id")?),
            username: user.username.clone(),
            permissions: p,
            disabled: false,
            created_at: user.now,
        })
    }

    async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>> {
        let sql = format!(
            "SELECT {}, u.password_hash FROM users u WHERE u.username = $1",
            rows::USER_COLUMNS
        );
        let row = sqlx::query(trusted(sql))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((rows::user(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        let sql = format!("SELECT {} FROM users u WHERE u.id = $1", rows::USER_COLUMNS);
        let row = sqlx::query(trusted(sql))
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn list_users(&self) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {} FROM users u ORDER BY u.username",
            rows::USER_COLUMNS
        );
        let all = sqlx::query(trusted(sql)).fetch_all(&self.pool).await?;
        all.iter().map(rows::user).collect()
    }

    async fn count_users(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    async fn update_user(&self, id: UserId, update: &UserUpdate) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT id FROM users WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(RepoError::NotFound("user"));
        }
        if let Some(disabled) = update.disabled {
            sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                .bind(i64::from(disabled))
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        if let Some(hash) = &update.password_hash {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        if let Some(p) = update.permissions {
            sqlx::query(
                "UPDATE users SET is_admin = $1, can_see_all = $2, can_scan = $3 WHERE id = $4",
            )
            .bind(i64::from(p.admin))
            .bind(i64::from(p.can_see_all))
            .bind(i64::from(p.can_scan))
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        }
        if update.ends_sessions() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        if update.ends_login_links() {
            sqlx::query("DELETE FROM login_links WHERE user_id = $1")
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        let sql = format!("SELECT {} FROM users u WHERE u.id = $1", rows::USER_COLUMNS);
        let row = sqlx::query(trusted(sql))
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?;
        let user = rows::user(&row)?;
        tx.commit().await?;
        Ok(user)
    }

    async fn create_session(&self, session: &NewSession) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id.get())
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.pool)
        .await
        .map_err(RepoError::on_unique("session"))?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>> {
        // One row per group the user belongs to (one with a NULL group for none), so a request
        // learns who it is from one statement.
        let sql = format!(
            "SELECT {}, s.csrf_token, s.expires_at, gm.group_id FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             LEFT JOIN group_members gm ON gm.user_id = u.id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0 \
             ORDER BY gm.group_id",
            rows::USER_COLUMNS
        );
        let all = sqlx::query(trusted(sql))
            .bind(token_hash)
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        let Some(first) = all.first() else {
            return Ok(None);
        };
        let mut groups = Vec::new();
        for row in &all {
            if let Some(group) = row.try_get::<Option<i64>, _>("group_id")? {
                groups.push(GroupId::new(group));
            }
        }
        Ok(Some(SessionRecord {
            user: rows::user(first)?,
            groups,
            csrf_token: first.try_get("csrf_token")?,
            expires_at: first.try_get("expires_at")?,
        }))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn create_login_link(&self, link: &NewLoginLink) -> Result<()> {
        sqlx::query(
            "INSERT INTO login_links \
             (token_hash, user_id, created_at, expires_at, single_use, password_stamp) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&link.token_hash)
        .bind(link.user_id.get())
        .bind(link.created_at)
        .bind(link.expires_at)
        .bind(i64::from(link.single_use))
        .bind(&link.password_stamp)
        .execute(&self.pool)
        .await
        .map_err(RepoError::on_unique("login link"))?;
        Ok(())
    }

    async fn redeem_login_link(
        &self,
        token_hash: &str,
        now: i64,
        stamp_matches: &StampCheck<'_>,
    ) -> Result<Option<UserId>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT l.user_id, l.password_stamp, u.password_hash \
             FROM login_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.expires_at > $2 AND l.used_at IS NULL \
             AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let user_id: i64 = row.try_get("user_id")?;
        let password_hash: String = row.try_get("password_hash")?;
        let stamp: String = row.try_get("password_stamp")?;
        if !stamp_matches(&password_hash, &stamp) {
            return Ok(None);
        }
        // The arbiter. SQLite's `BEGIN IMMEDIATE` already serializes redemptions; on
        // PostgreSQL a concurrent redemption that marked the link first, a deletion (the account
        // disabled) or a new password since the SELECT makes this match no row. A reusable link
        // keeps `used_at` NULL.
        let marked = sqlx::query(
            "UPDATE login_links SET used_at = CASE WHEN single_use = 1 THEN $2 ELSE NULL END \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
             AND EXISTS (SELECT 1 FROM users u WHERE u.id = login_links.user_id \
             AND u.disabled = 0 AND u.password_hash = $3)",
        )
        .bind(token_hash)
        .bind(now)
        .bind(&password_hash)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(UserId::new(user_id)))
    }

    async fn delete_expired_login_links(&self, now: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM login_links WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn reader(&self) -> Result<Box<dyn Reader>> {
        Ok(Box::new(self.sql_reader().await?))
    }

    async fn photo(&self, id: PhotoId) -> Result<Option<Photo>> {
        self.sql_reader().await?.photo(id).await
    }

    async fn media(&self, id: PhotoId) -> Result<Option<MediaRef>> {
        self.sql_reader().await?.media(id).await
    }

    async fn album_facts(&self, id: AlbumId) -> Result<Option<AlbumFacts>> {
        self.sql_reader().await?.album_facts(id).await
    }

    async fn photo_facts(&self, id: PhotoId) -> Result<Option<PhotoFacts>> {
        self.sql_reader().await?.photo_facts(id).await
    }

    async fn create_group(&self, name: &str, now: i64) -> Result<GroupId> {
        let row = sqlx::query("INSERT INTO groups (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(RepoError::on_unique("group"))?;
        Ok(GroupId::new(row.try_get("id")?))
    }

    async fn list_groups(&self) -> Result<Vec<Group>> {
        let all = sqlx::query("SELECT id, name, created_at FROM groups ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?;
        all.iter()
            .map(|r| {
                Ok(Group {
                    id: GroupId::new(r.try_get("id")?),
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn delete_group(&self, id: GroupId) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // The foreign keys cascade too; saying it keeps the result independent of them.
        for sql in [
            "DELETE FROM group_members WHERE group_id = $1",
            "DELETE FROM album_policy_groups WHERE group_id = $1",
            "DELETE FROM photo_policy_groups WHERE group_id = $1",
            "DELETE FROM groups WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id.get()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_group_members(&self, group: GroupId, users: &[UserId]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT id FROM groups WHERE id = $1")
            .bind(group.get())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(RepoError::NotFound("group"));
        }
        sqlx::query("DELETE FROM group_members WHERE group_id = $1")
            .bind(group.get())
            .execute(&mut *tx)
            .await?;
        let users: BTreeSet<i64> = users.iter().map(|u| u.get()).collect();
        insert_list(
            &mut tx,
            "group_members",
            "group_id",
            "user_id",
            group.get(),
            &users,
        )
        .await
        .map_err(RepoError::on_foreign_key("user"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn group_members(&self, group: GroupId) -> Result<Vec<UserId>> {
        let all =
            sqlx::query("SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id")
                .bind(group.get())
                .fetch_all(&self.pool)
                .await?;
        all.iter()
            .map(|r| Ok(UserId::new(r.try_get("user_id")?)))
            .collect()
    }

    async fn user_groups(&self, user: UserId) -> Result<Vec<GroupId>> {
        let all =
            sqlx::query("SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id")
                .bind(user.get())
                .fetch_all(&self.pool)
                .await?;
        all.iter()
            .map(|r| Ok(GroupId::new(r.try_get("group_id")?)))
            .collect()
    }

    async fn set_album_policy(&self, album: AlbumId, policy: &AlbumPolicy, now: i64) -> Result<()> {
        self.set_album_policies(&[album], policy, now).await
    }

    async fn set_album_policies(
        &self,
        albums: &[AlbumId],
        policy: &AlbumPolicy,
        now: i64,
    ) -> Result<()> {
        let ids: Vec<i64> = albums.iter().map(|a| a.get()).collect();
        self.set_policies(
            &ALBUM_POLICY,
            &ids,
            &policy.policy,
            Some(policy.inherit),
            now,
        )
        .await
    }

    async fn delete_album_policy(&self, album: AlbumId) -> Result<()> {
        self.delete_album_policies(&[album]).await
    }

    async fn delete_album_policies(&self, albums: &[AlbumId]) -> Result<()> {
        let ids: Vec<i64> = albums.iter().map(|a| a.get()).collect();
        self.delete_policies(&ALBUM_POLICY, &ids).await
    }

    async fn set_photo_policy(&self, photo: PhotoId, policy: &Policy, now: i64) -> Result<()> {
        self.set_photo_policies(&[photo], policy, now).await
    }

    async fn set_photo_policies(
        &self,
        photos: &[PhotoId],
        policy: &Policy,
        now: i64,
    ) -> Result<()> {
        let ids: Vec<i64> = photos.iter().map(|p| p.get()).collect();
        self.set_policies(&PHOTO_POLICY, &ids, policy, None, now)
            .await
    }

    async fn delete_photo_policy(&self, photo: PhotoId) -> Result<()> {
        self.delete_photo_policies(&[photo]).await
    }

    async fn delete_photo_policies(&self, photos: &[PhotoId]) -> Result<()> {
        let ids: Vec<i64> = photos.iter().map(|p| p.get()).collect();
        self.delete_policies(&PHOTO_POLICY, &ids).await
    }

    async fn catalog_files(&self) -> Result<Vec<CatalogFile>> {
        let all = sqlx::query(
            "SELECT id, album_id, path, size, mtime_ns, fingerprint, taken_at, exif_taken_at, \
               CASE WHEN missing_since IS NULL THEN 0 ELSE 1 END AS missing FROM photos",
        )
        .fetch_all(&self.pool)
        .await?;
        // By position: this runs over every file of the library on every scan.
        all.iter()
            .map(|r| {
                Ok(CatalogFile {
                    id: PhotoId::new(r.try_get(0)?),
                    album_id: AlbumId::new(r.try_get(1)?),
                    path: r.try_get(2)?,
                    size: r.try_get(3)?,
                    mtime_ns: r.try_get(4)?,
                    fingerprint: r.try_get(5)?,
                    taken_at: r.try_get(6)?,
                    exif_taken_at: r.try_get(7)?,
                    missing: r.try_get::<i64, _>(8)? != 0,
                })
            })
            .collect()
    }

    async fn catalog_albums(&self) -> Result<Vec<CatalogAlbum>> {
        let all = sqlx::query(
            "SELECT id, path, CASE WHEN missing_since IS NULL THEN 0 ELSE 1 END AS missing \
             FROM albums",
        )
        .fetch_all(&self.pool)
        .await?;
        all.iter()
            .map(|r| {
                Ok(CatalogAlbum {
                    id: AlbumId::new(r.try_get("id")?),
                    path: r.try_get("path")?,
                    missing: rows::flag(r, "missing")?,
                })
            })
            .collect()
    }

    async fn upsert_albums(&self, albums: &[AlbumUpsert], now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for album in albums {
            sqlx::query(
                "INSERT INTO albums (path, parent_id, category, name, name_date, date, \
                   created_at, updated_at) \
                 VALUES ($1, (SELECT id FROM albums WHERE path = $2), $3, $4, $5, $5, $6, $6) \
                 ON CONFLICT (path) DO UPDATE SET parent_id = excluded.parent_id, \
                   category = excluded.category, name = excluded.name, \
                   name_date = excluded.name_date, missing_since = NULL, \
                   updated_at = excluded.updated_at",
            )
            .bind(&album.path)
            .bind(&album.parent_path)
            .bind(&album.category)
            .bind(&album.name)
            .bind(&album.name_date)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn rename_album(&self, id: AlbumId, new_path: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE albums SET path = $1, updated_at = $2 WHERE id = $3")
            .bind(new_path)
            .bind(now)
            .bind(id.get())
            .execute(&self.pool)
            .await
            .map_err(RepoError::on_unique("album path"))?;
        Ok(())
    }

    async fn mark_albums_missing(&self, ids: &[AlbumId], now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for id in ids {
            sqlx::query(
                "UPDATE albums SET missing_since = $1 WHERE id = $2 AND missing_since IS NULL",
            )
            .bind(now)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn upsert_photos(&self, photos: &[PhotoUpsert], now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // A moved file first takes its new path; the upsert below then updates it like any
        // changed file, so its id (and everything keyed by it) stays.
        for p in photos {
            if let Some(id) = p.id {
                sqlx::query("UPDATE photos SET path = $1 WHERE id = $2")
                    .bind(&p.path)
                    .bind(id.get())
                    .execute(&mut *tx)
                    .await
                    .map_err(RepoError::on_unique("photo path"))?;
            }
        }
        // Many rows per statement: one round trip per batch on PostgreSQL.
        for chunk in photos.chunks(self.rows_per_insert()) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let n = i * PHOTO_PARAMS;
                    let rest: Vec<String> =
                        (2..=PHOTO_PARAMS).map(|k| format!("${}", n + k)).collect();
                    format!(
                        "((SELECT id FROM albums WHERE path = ${}), {})",
                        n + 1,
                        rest.join(", ")
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO photos (album_id, {PHOTO_INSERT_COLUMNS}) VALUES {} \
                 ON CONFLICT (path) DO UPDATE SET album_id = excluded.album_id, \
                   {PHOTO_CONFLICT_SET}, missing_since = NULL",
                values.join(", ")
            );
            let mut query = sqlx::query(trusted(sql));
            for p in chunk {
                query = bind_photo(query, p, now);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn mark_missing(&self, ids: &[PhotoId], now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for id in ids {
            sqlx::query(
                "UPDATE photos SET missing_since = $1 WHERE id = $2 AND missing_since IS NULL",
            )
            .bind(now)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_taken_at(&self, dates: &[(PhotoId, Option<String>)]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for (id, taken_at) in dates {
            sqlx::query("UPDATE photos SET taken_at = $1 WHERE id = $2")
                .bind(taken_at)
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn refresh_albums(&self) -> Result<()> {
        sqlx::query(
            "UPDATE albums SET \
               date = COALESCE(name_date, (SELECT substr(MIN(p.taken_at), 1, 10) FROM photos p \
                 WHERE p.album_id = albums.id AND p.missing_since IS NULL))",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn purge_missing(&self, before: i64) -> Result<(u64, u64)> {
        let mut tx = self.begin_write().await?;
        let photos = sqlx::query("DELETE FROM photos WHERE missing_since < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // Leaves first: an album goes once it has neither photos nor sub-albums left.
        let mut albums = 0;
        loop {
            let deleted = sqlx::query(
                "DELETE FROM albums WHERE missing_since < $1 \
                   AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.album_id = albums.id) \
                   AND NOT EXISTS (SELECT 1 FROM albums c WHERE c.parent_id = albums.id)",
            )
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            albums += deleted;
            if deleted == 0 {
                break;
            }
        }
        tx.commit().await?;
        Ok((photos, albums))
    }

    async fn record_problem(&self, problem: &Problem) -> Result<()> {
        sqlx::query(
            "INSERT INTO problems (path, stage, reason, photo_id, seen_at) \
             VALUES ($1, $2, $3, (SELECT id FROM photos WHERE path = $1), $4) \
             ON CONFLICT (path, stage) DO UPDATE SET reason = excluded.reason, \
               photo_id = excluded.photo_id, seen_at = excluded.seen_at",
        )
        .bind(&problem.path)
        .bind(problem.stage.as_str())
        .bind(&problem.reason)
        .bind(problem.seen_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn clear_problem(&self, path: &str, stage: ProblemStage) -> Result<()> {
        sqlx::query("DELETE FROM problems WHERE path = $1 AND stage = $2")
            .bind(path)
            .bind(stage.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn problems(&self) -> Result<Vec<Problem>> {
        let all =
            sqlx::query("SELECT path, stage, reason, seen_at FROM problems ORDER BY path, stage")
                .fetch_all(&self.pool)
                .await?;
        all.iter()
            .map(|r| {
                let stage: String = r.try_get("stage")?;
                Ok(Problem {
                    path: r.try_get("path")?,
                    stage: ProblemStage::parse(&stage)
                        .ok_or_else(|| RepoError::Corrupt(format!("problem stage {stage}")))?,
                    reason: r.try_get("reason")?,
                    seen_at: r.try_get("seen_at")?,
                })
            })
            .collect()
    }

    async fn record_scan(&self, scan: &ScanRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO scans (started_at, finished_at, outcome, files, albums, photos, added, \
               updated, missing, problems, error, config_hash, listing_digest) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(scan.started_at)
        .bind(scan.finished_at)
        .bind(outcome_str(scan.outcome))
        .bind(scan.files)
        .bind(scan.albums)
        .bind(scan.photos)
        .bind(scan.added)
        .bind(scan.updated)
        .bind(scan.missing)
        .bind(scan.problems)
        .bind(&scan.error)
        .bind(&scan.config_hash)
        .bind(&scan.listing_digest)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn last_scan(&self) -> Result<Option<ScanRecord>> {
        let row = sqlx::query(
            "SELECT started_at, finished_at, outcome, files, albums, photos, added, updated, \
               missing, problems, error, config_hash, listing_digest FROM scans \
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(scan_record).transpose()
    }

    async fn queue_preview_jobs(&self, since: i64, now: i64) -> Result<u64> {
        self.insert_preview_jobs(since, now).await
    }

    async fn claim_jobs(
        &self,
        kind: &str,
        worker: &str,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<Job>> {
        self.lease_jobs(kind, worker, now, lease_until, limit).await
    }

    async fn finish_job(&self, job: &Job) -> Result<()> {
        self.delete_job(job).await
    }

    async fn retry_job(&self, job: &Job, error: &str, run_after: i64) -> Result<()> {
        self.release_job(job, error, Some(run_after), None).await
    }

    async fn fail_job(&self, job: &Job, error: &str, now: i64) -> Result<()> {
        self.release_job(job, error, None, Some(now)).await
    }

    async fn job_counts(&self, kind: &str, now: i64) -> Result<JobCounts> {
        self.count_jobs(kind, now).await
    }

    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
               expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= $4",
        )
        .bind(name)
        .bind(holder)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
