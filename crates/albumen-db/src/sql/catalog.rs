//! The catalog as the scanner keeps it (albums, photos, problems, scan reports) and its
//! unscoped reads; a viewer's scoped reads are in `reader`.

use albumen_core::access::{AlbumFacts, MediaRef, PhotoFacts};
use albumen_core::model::Photo;
use albumen_core::{AlbumId, GroupId, PhotoId, UserId};
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::reader::{SqlReader, album_facts_from, album_policy};
use super::{SqlRepo, trusted};
use crate::repo::{
    AlbumUpsert, Catalog, CatalogAlbum, CatalogFile, PhotoUpsert, Problem, ProblemStage, Reader,
    ScanOutcome, ScanRecord,
};
use crate::{Backend, RepoError, Result, rows};

impl SqlRepo {
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

/// Columns after `album_id`, in bind order (see [`bind_photo`]).
const PHOTO_INSERT_COLUMNS: &str = "path, fs_path, filename, kind, size, mtime_ns, fingerprint, \
     taken_at, exif_taken_at, width, height, orientation, camera, lens, exposure_time, f_number, \
     iso, focal_length, latitude, longitude, duration_ms, created_at, updated_at";
/// Parameters per row: the album path plus the columns above.
const PHOTO_PARAMS: usize = 24;
const PHOTO_CONFLICT_SET: &str = "fs_path = excluded.fs_path, filename = excluded.filename, \
     kind = excluded.kind, size = excluded.size, mtime_ns = excluded.mtime_ns, \
     fingerprint = excluded.fingerprint, taken_at = excluded.taken_at, \
     colour = CASE WHEN photos.fingerprint = excluded.fingerprint THEN photos.colour END, \
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
impl Catalog for SqlRepo {
    async fn reader(&self) -> Result<Box<dyn Reader>> {
        Ok(Box::new(SqlReader {
            conn: self.pool.acquire().await?,
        }))
    }

    async fn photo(&self, id: PhotoId) -> Result<Option<Photo>> {
        let sql = format!(
            "SELECT {} FROM photos p WHERE p.id = $1 AND p.missing_since IS NULL",
            rows::PHOTO_COLUMNS
        );
        let row = sqlx::query(trusted(sql))
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::photo).transpose()
    }

    async fn media(&self, id: PhotoId) -> Result<Option<MediaRef>> {
        let sql = format!(
            "SELECT {} FROM photos p WHERE p.id = $1 AND p.missing_since IS NULL",
            rows::MEDIA_COLUMNS
        );
        let row = sqlx::query(trusted(sql))
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::media).transpose()
    }

    async fn album_facts(&self, id: AlbumId) -> Result<Option<AlbumFacts>> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(
            "SELECT ap.public, ap.inherit, a.unlisted FROM albums a \
             LEFT JOIN album_policies ap ON ap.album_id = a.id \
             WHERE a.id = $1 AND a.missing_since IS NULL",
        )
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?;
        match row {
            Some(row) => Ok(Some(
                album_facts_from(&mut conn, id, &row, "public", "inherit").await?,
            )),
            None => Ok(None),
        }
    }

    async fn all_album_facts(&self) -> Result<Vec<AlbumFacts>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT a.id, ap.public, ap.inherit, a.unlisted FROM albums a \
             LEFT JOIN album_policies ap ON ap.album_id = a.id \
             WHERE a.missing_since IS NULL ORDER BY a.id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut facts = std::collections::BTreeMap::new();
        for row in &rows {
            let id = AlbumId::new(row.try_get("id")?);
            let album = AlbumFacts {
                id,
                policy: album_policy(row, "public", "inherit")?,
                unlisted: rows::flag(row, "unlisted")?,
            };
            facts.insert(id, album);
        }
        for (table, column) in [
            ("album_policy_users", "user_id"),
            ("album_policy_groups", "group_id"),
        ] {
            let sql = format!("SELECT album_id, {column} AS member FROM {table}");
            for row in sqlx::query(trusted(sql)).fetch_all(&mut *conn).await? {
                let album = AlbumId::new(row.try_get("album_id")?);
                let member: i64 = row.try_get("member")?;
                // Lists of missing albums, or of no policy (none: deleted with it), are skipped.
                let Some(policy) = facts.get_mut(&album).and_then(|f| f.policy.as_mut()) else {
                    continue;
                };
                if column == "user_id" {
                    policy.policy.users.insert(UserId::new(member));
                } else {
                    policy.policy.groups.insert(GroupId::new(member));
                }
            }
        }
        Ok(facts.into_values().collect())
    }

    async fn photo_facts(&self, id: PhotoId) -> Result<Option<PhotoFacts>> {
        let mut reader = self.reader().await?;
        Ok(reader
            .photo_with_facts(id)
            .await?
            .map(|(_, facts, _)| facts))
    }

    async fn album_subtree(&self, id: AlbumId) -> Result<Vec<AlbumId>> {
        // The depth bound stops a (corrupt) cycle from recursing forever.
        let all = sqlx::query(
            "WITH RECURSIVE down (id, depth) AS ( \
               SELECT a.id, 0 FROM albums a WHERE a.id = $1 AND a.missing_since IS NULL \
               UNION ALL \
               SELECT c.id, d.depth + 1 FROM albums c JOIN down d ON c.parent_id = d.id \
                 WHERE c.missing_since IS NULL AND d.depth < 64) \
             SELECT DISTINCT id FROM down ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?;
        all.iter()
            .map(|r| Ok(AlbumId::new(r.try_get("id")?)))
            .collect()
    }

    async fn set_albums_unlisted(&self, albums: &[AlbumId], unlisted: bool) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for album in albums {
            let done = sqlx::query("UPDATE albums SET unlisted = $2 WHERE id = $1")
                .bind(album.get())
                .bind(i64::from(unlisted))
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(RepoError::NotFound("album"));
            }
        }
        tx.commit().await?;
        Ok(())
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

    async fn set_colour(&self, fingerprint: &str, colour: u32) -> Result<()> {
        sqlx::query(
            "UPDATE photos SET colour = $1 WHERE fingerprint = $2 \
               AND (colour IS NULL OR colour <> $1)",
        )
        .bind(i64::from(colour))
        .bind(fingerprint)
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
}
