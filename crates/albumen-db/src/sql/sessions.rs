//! Sessions and login links.

use albumen_core::{GroupId, UserId};
use async_trait::async_trait;
use sqlx::Row;

use super::{SqlRepo, trusted};
use crate::repo::{NewLoginLink, NewSession, SessionRecord, Sessions, StampCheck};
use crate::{RepoError, Result, rows};

#[async_trait]
impl Sessions for SqlRepo {
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
}
