//! PostgreSQL: for several server instances sharing one catalog.

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

use crate::sql::SqlRepo;
use crate::{Backend, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connects and applies pending migrations (sqlx serialises concurrent migrators with an
/// advisory lock, so instances may start together).
pub(crate) async fn connect(url: &str, max_connections: u32) -> Result<SqlRepo> {
    sqlx::any::install_default_drivers();
    let options: AnyConnectOptions = url.parse()?;
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(SqlRepo {
        pool,
        backend: Backend::Postgres,
    })
}
