//! Scoped catalog reads: albums, photos and the policy facts that authorize them, written
//! against one held connection ([`SqlReader`]), so a page runs its queries in a row without
//! handing the connection back to the pool (a round trip to the connection's thread on SQLite)
//! between them.

use albumen_core::access::{
    AlbumFacts, AlbumPolicy, MediaRef, PhotoFacts, Policy, VisibilityScope,
};
use albumen_core::model::{Album, Photo, PhotoEntry};
use albumen_core::{AlbumId, GroupId, PhotoId, UserId};
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Row};

use super::policies::{ALBUM_POLICY, PHOTO_POLICY, PolicyTables};
use super::trusted;
use crate::repo::{PhotoKey, Reader};
use crate::visibility::Visibility;
use crate::{RepoError, Result, rows};

/// A [`Reader`] on a connection taken from the pool; dropping it gives the connection back.
#[derive(Debug)]
pub(super) struct SqlReader {
    pub(super) conn: PoolConnection<Any>,
}

/// Present albums matching `condition`, with the scope's date, photo count and cover (all over
/// the photos the scope may see; the cover as `ID COLOUR FINGERPRINT`, one subquery for all three); `with_policy` adds the album's own policy flags as
/// `policy_public` and `policy_inherit`.
fn album_select(visibility: &Visibility, with_policy: bool, condition: &str) -> String {
    let pv = visibility.photo();
    let date = visibility.album_date();
    let (policy_columns, policy_join) = if with_policy {
        (
            ", pol.public AS policy_public, pol.inherit AS policy_inherit",
            "LEFT JOIN album_policies pol ON pol.album_id = a.id",
        )
    } else {
        ("", "")
    };
    format!(
        "SELECT a.id, a.path, a.category, a.name, {date} AS date, a.unlisted, \
           (SELECT COUNT(*) FROM photos p WHERE p.album_id = a.id \
              AND p.missing_since IS NULL AND {pv}) AS photo_count, \
           (SELECT CAST(p.id AS TEXT) || ' ' || CAST(COALESCE(p.colour, -1) AS TEXT) || ' ' \
                || p.fingerprint FROM photos p \
              WHERE p.album_id = a.id AND p.missing_since IS NULL AND {pv} \
              ORDER BY p.taken_at ASC NULLS LAST, p.filename, p.id LIMIT 1) AS cover \
           {policy_columns} \
         FROM albums a {policy_join} WHERE a.missing_since IS NULL AND {condition}"
    )
}

/// An album policy from nullable `public` and `inherit` columns of a LEFT JOIN (lists empty).
pub(super) fn album_policy(
    row: &AnyRow,
    public: &str,
    inherit: &str,
) -> Result<Option<AlbumPolicy>> {
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

/// Fills in the user and group lists of the given policies, in one round trip.
async fn load_lists(
    conn: &mut AnyConnection,
    targets: &mut [(&PolicyTables, i64, &mut Policy)],
) -> Result<()> {
    if targets.is_empty() {
        return Ok(());
    }
    // Each target contributes two branches; `kind` says which target and which list.
    let branches: Vec<String> = targets
        .iter()
        .enumerate()
        .map(|(i, (tables, _, _))| {
            format!(
                "SELECT CAST({users} AS BIGINT) AS kind, user_id AS member FROM {} \
                   WHERE {key} = ${param} \
                 UNION ALL SELECT CAST({groups} AS BIGINT), group_id FROM {} \
                   WHERE {key} = ${param}",
                tables.users,
                tables.groups,
                users = 2 * i,
                groups = 2 * i + 1,
                key = tables.key,
                param = i + 1,
            )
        })
        .collect();
    let mut query = sqlx::query(trusted(branches.join(" UNION ALL ")));
    for (_, id, _) in targets.iter() {
        query = query.bind(*id);
    }
    for row in query.fetch_all(&mut *conn).await? {
        let kind: i64 = row.try_get(0)?;
        let member: i64 = row.try_get(1)?;
        let policy = usize::try_from(kind / 2)
            .ok()
            .and_then(|i| targets.get_mut(i))
            .ok_or_else(|| RepoError::Corrupt(format!("policy list kind {kind}")))?;
        if kind % 2 == 0 {
            policy.2.users.insert(UserId::new(member));
        } else {
            policy.2.groups.insert(GroupId::new(member));
        }
    }
    Ok(())
}

/// The facts of album `id` from a row's nullable policy columns and its `unlisted` column,
/// lists loaded.
pub(super) async fn album_facts_from(
    conn: &mut AnyConnection,
    id: AlbumId,
    row: &AnyRow,
    public: &str,
    inherit: &str,
) -> Result<AlbumFacts> {
    let mut policy = album_policy(row, public, inherit)?;
    if let Some(policy) = &mut policy {
        load_lists(conn, &mut [(&ALBUM_POLICY, id.get(), &mut policy.policy)]).await?;
    }
    Ok(AlbumFacts {
        id,
        policy,
        unlisted: rows::flag(row, "unlisted")?,
    })
}

impl SqlReader {
    /// The row of present album `id`, counted for the scope (see [`album_select`]).
    async fn one_album(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
        with_policy: bool,
    ) -> Result<Option<AnyRow>> {
        let visibility = Visibility::new(scope, 2);
        let sql = album_select(&visibility, with_policy, "a.id = $1");
        Ok(visibility
            .bind(sqlx::query(trusted(sql)).bind(id.get()))
            .fetch_optional(&mut *self.conn)
            .await?)
    }

    /// `columns` of the present photos of album `id` the scope may see, in album order.
    async fn in_album(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
        columns: &str,
    ) -> Result<Vec<AnyRow>> {
        let visibility = Visibility::new(scope, 2);
        let sql = format!(
            "SELECT {columns} FROM photos p JOIN albums a ON a.id = p.album_id \
             WHERE p.album_id = $1 AND p.missing_since IS NULL AND {} \
             ORDER BY p.taken_at ASC NULLS LAST, p.filename, p.id",
            visibility.photo()
        );
        Ok(visibility
            .bind(sqlx::query(trusted(sql)).bind(id.get()))
            .fetch_all(&mut *self.conn)
            .await?)
    }
}

impl SqlReader {
    /// One part of [`Reader::album_chunk`]: the dated photos (`dated`) or the undated ones,
    /// after `after` (a key of the same part), at most `limit`.
    async fn chunk_part(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
        after: Option<&PhotoKey>,
        dated: bool,
        limit: i64,
    ) -> Result<Vec<AnyRow>> {
        // $1 album, $2 limit, then the key's values, then the scope's.
        let (part, order) = if dated {
            ("p.taken_at IS NOT NULL", "p.taken_at, p.filename, p.id")
        } else {
            ("p.taken_at IS NULL", "p.filename, p.id")
        };
        let key_values = match after {
            Some(_) if dated => 3,
            Some(_) => 2,
            None => 0,
        };
        let keyset = match key_values {
            3 => " AND (p.taken_at, p.filename, p.id) > ($3, $4, $5)",
            2 => " AND (p.filename, p.id) > ($3, $4)",
            _ => "",
        };
        let visibility = Visibility::new(scope, 3 + key_values);
        let sql = format!(
            "SELECT {} FROM photos p \
             WHERE p.album_id = $1 AND p.missing_since IS NULL AND {part}{keyset} AND {} \
             ORDER BY {order} LIMIT $2",
            rows::ENTRY_COLUMNS,
            visibility.photo()
        );
        let mut query = sqlx::query(trusted(sql)).bind(id.get()).bind(limit);
        if let Some(key) = after {
            if dated {
                query = query.bind(key.taken_at.clone());
            }
            query = query.bind(key.filename.clone()).bind(key.id.get());
        }
        Ok(visibility.bind(query).fetch_all(&mut *self.conn).await?)
    }
}

#[async_trait]
impl Reader for SqlReader {
    async fn list_albums(&mut self, scope: &VisibilityScope) -> Result<Vec<Album>> {
        let visibility = Visibility::new(scope, 1);
        let sql = format!(
            "{} ORDER BY date DESC NULLS LAST, a.name, a.id",
            album_select(
                &visibility,
                false,
                &format!(
                    "{} AND {} AND EXISTS (SELECT 1 FROM photos p WHERE p.album_id = a.id \
                       AND p.missing_since IS NULL AND {})",
                    visibility.listed(),
                    visibility.album(),
                    visibility.photo()
                )
            )
        );
        let all = visibility
            .bind(sqlx::query(trusted(sql)))
            .fetch_all(&mut *self.conn)
            .await?;
        all.iter().map(rows::album).collect()
    }

    async fn album(&mut self, scope: &VisibilityScope, id: AlbumId) -> Result<Option<Album>> {
        // The caller authorized this album; the scope only shapes its counts.
        let row = self.one_album(scope, id, false).await?;
        row.as_ref().map(rows::album).transpose()
    }

    async fn album_with_facts(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Option<(Album, AlbumFacts)>> {
        let Some(row) = self.one_album(scope, id, true).await? else {
            return Ok(None);
        };
        let facts =
            album_facts_from(&mut self.conn, id, &row, "policy_public", "policy_inherit").await?;
        Ok(Some((rows::album(&row)?, facts)))
    }

    async fn sub_albums(&mut self, scope: &VisibilityScope, id: AlbumId) -> Result<Vec<Album>> {
        let visibility = Visibility::new(scope, 2);
        // `tree` pairs each child of `$1` with itself and every present album below it.
        let sql = format!(
            "WITH RECURSIVE tree (root, id) AS ( \
               SELECT c.id, c.id FROM albums c \
                 WHERE c.parent_id = $1 AND c.missing_since IS NULL \
               UNION ALL \
               SELECT t.root, x.id FROM albums x JOIN tree t ON x.parent_id = t.id \
                 WHERE x.missing_since IS NULL) \
             {} ORDER BY date DESC NULLS LAST, a.name, a.id",
            album_select(
                &visibility,
                false,
                &format!(
                    "a.parent_id = $1 AND {} AND {} AND EXISTS (SELECT 1 FROM tree t \
                       JOIN photos p ON p.album_id = t.id \
                       WHERE t.root = a.id AND p.missing_since IS NULL AND {})",
                    visibility.listed(),
                    visibility.album(),
                    visibility.photo()
                )
            )
        );
        let all = visibility
            .bind(sqlx::query(trusted(sql)).bind(id.get()))
            .fetch_all(&mut *self.conn)
            .await?;
        all.iter().map(rows::album).collect()
    }

    async fn album_siblings(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<(AlbumId, String)>> {
        let visibility = Visibility::new(scope, 2);
        // Only what the order needs: no counts or covers. `s` is the album itself, whose
        // parent (NULL at the top) the siblings share.
        let sql = format!(
            "SELECT a.id, a.name, {date} AS date FROM albums s JOIN albums a \
               ON a.parent_id = s.parent_id OR (a.parent_id IS NULL AND s.parent_id IS NULL) \
             WHERE s.id = $1 AND a.missing_since IS NULL AND {listed} AND {album} \
               AND EXISTS (SELECT 1 FROM photos p WHERE p.album_id = a.id \
                 AND p.missing_since IS NULL AND {photo}) \
             ORDER BY date DESC NULLS LAST, a.name, a.id",
            date = visibility.album_date(),
            listed = visibility.listed(),
            album = visibility.album(),
            photo = visibility.photo(),
        );
        let rows = visibility
            .bind(sqlx::query(trusted(sql)).bind(id.get()))
            .fetch_all(&mut *self.conn)
            .await?;
        rows.iter()
            .map(|row| Ok((AlbumId::new(row.try_get("id")?), row.try_get("name")?)))
            .collect()
    }

    async fn album_parents(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<(AlbumId, String)>> {
        let visibility = Visibility::new(scope, 2);
        // The depth bound stops a (corrupt) cycle from recursing forever. Ancestors the scope
        // may not see are left out: their names are theirs to show.
        let sql = format!(
            "WITH RECURSIVE up (id, parent_id, depth) AS ( \
               SELECT a.id, a.parent_id, 0 FROM albums a WHERE a.id = $1 \
               UNION ALL \
               SELECT b.id, b.parent_id, u.depth + 1 FROM albums b \
                 JOIN up u ON b.id = u.parent_id WHERE u.depth < 64) \
             SELECT a.id, a.name FROM up JOIN albums a ON a.id = up.id \
             WHERE up.depth > 0 AND a.missing_since IS NULL AND {} \
             ORDER BY up.depth DESC",
            visibility.album()
        );
        let rows = visibility
            .bind_album(sqlx::query(trusted(sql)).bind(id.get()))
            .fetch_all(&mut *self.conn)
            .await?;
        rows.iter()
            .map(|row| Ok((AlbumId::new(row.try_get("id")?), row.try_get("name")?)))
            .collect()
    }

    async fn album_photos(&mut self, scope: &VisibilityScope, id: AlbumId) -> Result<Vec<Photo>> {
        let all = self.in_album(scope, id, rows::PHOTO_COLUMNS).await?;
        all.iter().map(rows::photo).collect()
    }

    async fn album_entries(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<PhotoEntry>> {
        let all = self.in_album(scope, id, rows::ENTRY_COLUMNS).await?;
        all.iter().map(rows::entry).collect()
    }

    async fn album_chunk(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
        after: Option<&PhotoKey>,
        limit: u32,
    ) -> Result<Vec<PhotoEntry>> {
        // `taken_at ASC NULLS LAST` read as two index ranges, dated photos then undated ones,
        // so each statement walks `photos_album_order` in its own order and stops at `limit`
        // (no engine can walk an ascending index NULLS LAST).
        let mut chunk = Vec::new();
        if after.is_none_or(|key| key.taken_at.is_some()) {
            let rows = self
                .chunk_part(scope, id, after, true, i64::from(limit))
                .await?;
            chunk = rows.iter().map(rows::entry).collect::<Result<Vec<_>>>()?;
        }
        let rest = i64::from(limit) - i64::try_from(chunk.len()).unwrap_or(i64::MAX);
        if rest > 0 {
            let undated_after = after.filter(|key| key.taken_at.is_none());
            for row in self
                .chunk_part(scope, id, undated_after, false, rest)
                .await?
            {
                chunk.push(rows::entry(&row)?);
            }
        }
        Ok(chunk)
    }

    async fn album_months(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<(Option<String>, i64)>> {
        let visibility = Visibility::new(scope, 2);
        let sql = format!(
            "SELECT substr(p.taken_at, 1, 7) AS ym, COUNT(*) AS n FROM photos p \
             WHERE p.album_id = $1 AND p.missing_since IS NULL AND {} \
             GROUP BY substr(p.taken_at, 1, 7) ORDER BY ym ASC NULLS LAST",
            visibility.photo()
        );
        let rows = visibility
            .bind(sqlx::query(trusted(sql)).bind(id.get()))
            .fetch_all(&mut *self.conn)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("ym")?, row.try_get("n")?)))
            .collect()
    }

    async fn photo_with_facts(
        &mut self,
        id: PhotoId,
    ) -> Result<Option<(Photo, PhotoFacts, MediaRef)>> {
        let sql = format!(
            "SELECT {}, p.path, p.fs_path, pp.public AS photo_public, ap.public AS album_public, \
               ap.inherit AS album_inherit, a.unlisted FROM photos p \
             JOIN albums a ON a.id = p.album_id \
             LEFT JOIN photo_policies pp ON pp.photo_id = p.id \
             LEFT JOIN album_policies ap ON ap.album_id = p.album_id \
             WHERE p.id = $1 AND p.missing_since IS NULL",
            rows::PHOTO_COLUMNS
        );
        let row = sqlx::query(trusted(sql))
            .bind(id.get())
            .fetch_optional(&mut *self.conn)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let photo = rows::photo(&row)?;
        let media = rows::media(&row)?;
        let mut own = row
            .try_get::<Option<i64>, _>("photo_public")?
            .map(|public| Policy {
                public: public != 0,
                ..Policy::default()
            });
        let mut album = album_policy(&row, "album_public", "album_inherit")?;
        let mut targets = Vec::with_capacity(2);
        if let Some(own) = &mut own {
            targets.push((&PHOTO_POLICY, id.get(), own));
        }
        if let Some(album) = &mut album {
            targets.push((&ALBUM_POLICY, photo.album_id.get(), &mut album.policy));
        }
        load_lists(&mut self.conn, &mut targets).await?;
        let facts = PhotoFacts {
            id,
            album: AlbumFacts {
                id: photo.album_id,
                policy: album,
                unlisted: rows::flag(&row, "unlisted")?,
            },
            policy: own,
        };
        Ok(Some((photo, facts, media)))
    }
}
