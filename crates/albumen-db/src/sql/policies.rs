//! Album and photo policies: the writes. Reads come with the objects they protect (see
//! `reader`).

use std::collections::BTreeSet;

use albumen_core::access::{AlbumPolicy, Policy};
use albumen_core::{AlbumId, PhotoId};
use async_trait::async_trait;

use super::{SqlRepo, insert_list, trusted};
use crate::repo::Policies;
use crate::{RepoError, Result};

/// Where one kind of access policy is stored; the reader loads policy lists through it too.
#[derive(Debug)]
pub(super) struct PolicyTables {
    /// What an unknown key is called in [`RepoError::NotFound`].
    what: &'static str,
    /// The table of the objects the policies protect.
    objects: &'static str,
    policies: &'static str,
    pub(super) users: &'static str,
    pub(super) groups: &'static str,
    /// The key column of the policy table and its lists.
    pub(super) key: &'static str,
    /// Creates or replaces the policy row: `$1` key, `$2` public, `$3` updated_at, and for
    /// albums `$4` inherit.
    upsert: &'static str,
}

pub(super) const ALBUM_POLICY: PolicyTables = PolicyTables {
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

pub(super) const PHOTO_POLICY: PolicyTables = PolicyTables {
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

#[async_trait]
impl Policies for SqlRepo {
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
}
