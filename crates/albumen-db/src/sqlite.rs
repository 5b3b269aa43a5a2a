//! SQLite: the embedded default. WAL so readers never block the writer, a busy timeout so
//! writers queue instead of failing, `BEGIN IMMEDIATE` for write transactions (see `sql.rs`).

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Connection, Executor};

use crate::sql::SqlRepo;
use crate::{Backend, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Opens (creating if needed) the database file, switches it to WAL and migrates it.
pub(crate) async fn connect(url: &str, max_connections: u32) -> Result<SqlRepo> {
    sqlx::any::install_default_drivers();
    let url = with_create_mode(url);
    let options: AnyConnectOptions = url.parse()?;

    // journal_mode needs an exclusive lock the busy timeout cannot wait for, so set it once
    // (it persists in the file) before the pool opens concurrent connections.
    let mut setup = sqlx::AnyConnection::connect_with(&options).await?;
    setup.execute("PRAGMA journal_mode = WAL").await?;
    MIGRATOR.run(&mut setup).await?;
    setup.close().await?;

    let pool = AnyPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(30))
        // An in-process connection cannot have been dropped by a server while idle, and each
        // ping is a round trip to the connection's thread: not before every query.
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                // Durable at checkpoints and safe against corruption in WAL mode, far fewer fsyncs.
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    Ok(SqlRepo {
        pool,
        backend: Backend::Sqlite,
    })
}

/// `sqlite:` URLs create the file unless the caller chose a mode.
fn with_create_mode(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The URL of a database file at `path`.
pub fn url_for_path(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}
