//! The catalog implementation shared by both backends: [`SqlRepo`], with each area's trait
//! implemented in the file of the same name (`reader` holds a viewer's scoped reads). Every
//! statement must mean the same on SQLite and PostgreSQL: `$n` placeholders,
//! `ON CONFLICT … DO UPDATE`, `RETURNING`, explicit `NULLS FIRST/LAST`, and byte-order text
//! comparison (PostgreSQL columns use `COLLATE "C"`).

mod catalog;
mod jobs;
mod policies;
mod reader;
mod sessions;
mod shares;
mod users;

pub use jobs::PREVIEWS as PREVIEW_JOBS;

use std::collections::BTreeSet;

use sqlx::{Any, AssertSqlSafe, Pool, Transaction};

use crate::{Backend, Result};

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

/// SQL assembled in these files from constant fragments (column lists, visibility conditions);
/// request data only ever travels as bind parameters.
fn trusted(sql: String) -> AssertSqlSafe<String> {
    AssertSqlSafe(sql)
}
