use thiserror::Error;

pub type Result<T, E = RepoError> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum RepoError {
    #[error("unsupported database URL {0:?} (expected sqlite: or postgres:)")]
    UnsupportedUrl(String),
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A write named an album, photo, user or group that does not exist; nothing was changed.
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("stored value out of range: {0}")]
    Corrupt(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Backend(#[from] sqlx::Error),
}

impl PartialEq for RepoError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::UnsupportedUrl(a), Self::UnsupportedUrl(b)) => a == b,
            (Self::Conflict(a), Self::Conflict(b)) => a == b,
            (Self::NotFound(a), Self::NotFound(b)) => a == b,
            _ => false,
        }
    }
}

impl RepoError {
    /// Maps a unique-constraint violation to [`RepoError::Conflict`], naming what collided.
    pub(crate) fn on_unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |err| match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(what),
            _ => Self::Backend(err),
        }
    }

    /// Maps a foreign-key violation to [`RepoError::NotFound`], naming what was missing.
    pub(crate) fn on_foreign_key(what: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |err| match &err {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => Self::NotFound(what),
            _ => Self::Backend(err),
        }
    }
}
