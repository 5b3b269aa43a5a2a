//! Accounts and groups.

use std::collections::BTreeSet;

use albumen_core::model::User;
use albumen_core::{GroupId, UserId};
use async_trait::async_trait;
use sqlx::Row;

use super::{SqlRepo, insert_list, trusted};
use crate::repo::{Group, NewUser, UserUpdate, Users};
use crate::{RepoError, Result, rows};

#[async_trait]
impl Users for SqlRepo {
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
}
