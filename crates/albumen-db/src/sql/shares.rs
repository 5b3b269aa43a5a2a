//! Share links and server secrets.

use albumen_core::{AlbumId, PhotoId, ShareId, UserId};
use async_trait::async_trait;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlRepo, trusted};
use crate::repo::{NewShare, ShareRecord, ShareTarget, Shares};
use crate::{RepoError, Result, rows};

const SHARE_COLUMNS: &str = "id, label, album_id, include_sub_albums, password_hash, \
     allow_download, allow_zip, created_by, created_at, expires_at, revoked_at, last_used_at, \
     view_count";

/// How [`SqlRepo::find_share`] looks a link up.
enum Key<'a> {
    Id(ShareId),
    TokenHash(&'a str),
}

impl SqlRepo {
    async fn find_share(&self, by: &str, key: Key<'_>) -> Result<Option<ShareRecord>> {
        let sql = format!("SELECT {SHARE_COLUMNS} FROM shares WHERE {by} = $1");
        let query = sqlx::query(trusted(sql));
        let query = match key {
            Key::Id(id) => query.bind(id.get()),
            Key::TokenHash(hash) => query.bind(hash.to_owned()),
        };
        let Some(row) = query.fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        Ok(Some(self.share_record(&row).await?))
    }

    async fn share_record(&self, row: &AnyRow) -> Result<ShareRecord> {
        let id: i64 = row.try_get("id")?;
        let target = match row.try_get::<Option<i64>, _>("album_id")? {
            Some(album) => ShareTarget::Album {
                id: AlbumId::new(album),
                include_sub_albums: rows::flag(row, "include_sub_albums")?,
            },
            None => {
                let photos = sqlx::query(
                    "SELECT photo_id FROM share_photos WHERE share_id = $1 ORDER BY photo_id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                ShareTarget::Photos(
                    photos
                        .iter()
                        .map(|r| Ok(PhotoId::new(r.try_get("photo_id")?)))
                        .collect::<Result<_>>()?,
                )
            }
        };
        Ok(ShareRecord {
            id: ShareId::new(id),
            label: row.try_get("label")?,
            target,
            password_hash: row.try_get("password_hash")?,
            allow_download: rows::flag(row, "allow_download")?,
            allow_zip: rows::flag(row, "allow_zip")?,
            created_by: row
                .try_get::<Option<i64>, _>("created_by")?
                .map(UserId::new),
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
            revoked_at: row.try_get("revoked_at")?,
            last_used_at: row.try_get("last_used_at")?,
            view_count: row.try_get("view_count")?,
        })
    }
}

#[async_trait]
impl Shares for SqlRepo {
    async fn create_share(&self, share: &NewShare) -> Result<ShareId> {
        let mut tx = self.begin_write().await?;
        let (album, include_sub_albums) = match &share.target {
            ShareTarget::Album {
                id,
                include_sub_albums,
            } => {
                let present =
                    sqlx::query("SELECT id FROM albums WHERE id = $1 AND missing_since IS NULL")
                        .bind(id.get())
                        .fetch_optional(&mut *tx)
                        .await?;
                if present.is_none() {
                    return Err(RepoError::NotFound("album"));
                }
                (Some(id.get()), *include_sub_albums)
            }
            ShareTarget::Photos(_) => (None, false),
        };
        let row = sqlx::query(
            "INSERT INTO shares (token_hash, label, album_id, include_sub_albums, password_hash, \
               allow_download, allow_zip, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&share.token_hash)
        .bind(&share.label)
        .bind(album)
        .bind(i64::from(include_sub_albums))
        .bind(share.password_hash.as_deref())
        .bind(i64::from(share.allow_download))
        .bind(i64::from(share.allow_zip))
        .bind(share.created_by.map(UserId::get))
        .bind(share.created_at)
        .bind(share.expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(RepoError::on_foreign_key("user"))?;
        let id: i64 = row.try_get("id")?;
        if let ShareTarget::Photos(photos) = &share.target {
            for photo in photos {
                let done = sqlx::query(
                    "INSERT INTO share_photos (share_id, photo_id) \
                     SELECT $1, id FROM photos WHERE id = $2 AND missing_since IS NULL \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(photo.get())
                .execute(&mut *tx)
                .await?;
                let listed = sqlx::query(
                    "SELECT 1 AS one FROM share_photos WHERE share_id = $1 AND photo_id = $2",
                )
                .bind(id)
                .bind(photo.get())
                .fetch_optional(&mut *tx)
                .await?;
                if done.rows_affected() == 0 && listed.is_none() {
                    return Err(RepoError::NotFound("photo"));
                }
            }
        }
        tx.commit().await?;
        Ok(ShareId::new(id))
    }

    async fn share_by_token(&self, token_hash: &str) -> Result<Option<ShareRecord>> {
        self.find_share("token_hash", Key::TokenHash(token_hash))
            .await
    }

    async fn share(&self, id: ShareId) -> Result<Option<ShareRecord>> {
        self.find_share("id", Key::Id(id)).await
    }

    async fn list_shares(&self) -> Result<Vec<ShareRecord>> {
        let sql = format!("SELECT {SHARE_COLUMNS} FROM shares ORDER BY created_at DESC, id DESC");
        let all = sqlx::query(trusted(sql)).fetch_all(&self.pool).await?;
        let mut shares = Vec::with_capacity(all.len());
        for row in &all {
            shares.push(self.share_record(row).await?);
        }
        Ok(shares)
    }

    async fn revoke_share(&self, id: ShareId, now: i64) -> Result<()> {
        let done =
            sqlx::query("UPDATE shares SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
                .bind(id.get())
                .bind(now)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound("share"));
        }
        Ok(())
    }

    async fn record_share_use(&self, id: ShareId, now: i64, opened: bool) -> Result<()> {
        sqlx::query(
            "UPDATE shares SET last_used_at = $2, view_count = view_count + $3 WHERE id = $1",
        )
        .bind(id.get())
        .bind(now)
        .bind(i64::from(opened))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn secret(&self, name: &str, candidate: &str) -> Result<String> {
        sqlx::query(
            "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }
}
