//! The catalog: one trait per area ([`Users`], [`Sessions`], [`Catalog`], [`Policies`],
//! [`Shares`], [`Jobs`]; [`Repo`] is all of them), implemented once in portable SQL over sqlx's
//! `Any` driver, one file per area, with the dialect differences (connection set-up, migrations,
//! write transactions) confined to [`sqlite`] and [`postgres`]. The conformance suite in
//! `tests/` runs on both backends.

mod error;
pub mod postgres;
mod repo;
mod rows;
mod sql;
pub mod sqlite;
mod visibility;

use std::sync::Arc;

pub use error::{RepoError, Result};
pub use repo::{
    AlbumUpsert, Catalog, CatalogAlbum, CatalogFile, Group, Job, JobCounts, Jobs, NewLoginLink,
    NewSession, NewShare, NewUser, PhotoKey, PhotoUpsert, Policies, Problem, ProblemStage, Reader,
    Repo, ScanOutcome, ScanRecord, SessionRecord, Sessions, ShareRecord, ShareTarget, Shares,
    StampCheck, UserUpdate, Users,
};
pub use sql::PREVIEW_JOBS;

/// Which SQL engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite:` or `postgres:`/`postgresql:` URLs; anything else is a configuration error.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(RepoError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// Opens the catalog named by `url`, applying pending migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<Arc<dyn Repo>> {
    let repo = match Backend::from_url(url)? {
        Backend::Sqlite => sqlite::connect(url, max_connections).await?,
        Backend::Postgres => postgres::connect(url, max_connections).await?,
    };
    Ok(Arc::new(repo))
}

/// A database URL safe to print: the password, if any, is replaced.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://alice:s3cret@db:5432/x"),
            "postgres://alice:***@db:5432/x"
        );
        assert_eq!(redact_url("postgres://alice@db/x"), "postgres://alice@db/x");
        assert_eq!(redact_url("sqlite:data/a.db"), "sqlite:data/a.db");
    }

    #[test]
    fn backend_from_scheme() {
        assert_eq!(Backend::from_url("sqlite://a.db"), Ok(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgresql://h/d"), Ok(Backend::Postgres));
        assert!(Backend::from_url("mysql://h/d").is_err());
    }
}
