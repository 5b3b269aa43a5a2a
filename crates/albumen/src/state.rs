//! The one application state: cheap to clone (`Arc`s inside), built once by `serve` and by every
//! test, never global.

use std::sync::Arc;

use albumen_db::Repo;

use crate::auth::limiter::LoginLimiter;
use crate::config::Config;
use crate::preview::Previews;
use crate::scan::ScanControl;
use crate::share::UnlockKey;
use crate::storage::{Storage, StorageError};
use crate::templates::{TemplateError, Templates};

#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// The whole catalog, unscoped: reached through [`AppState::unscoped_repo`], which
    /// `clippy.toml` bans outside the extractors, the session resolver, the CLI and system
    /// jobs. A viewer's handlers read through `Viewer::gallery` instead.
    repo: Arc<dyn Repo>,
    pub storage: Arc<Storage>,
    pub previews: Arc<Previews>,
    pub templates: Arc<Templates>,
    pub scans: Arc<ScanControl>,
    /// Failed-login counters (in memory, per process); share-link passwords count here too.
    pub login_limiter: Arc<LoginLimiter>,
    /// The key for share-link unlock cookies, read from the catalog on first use.
    pub unlock_key: Arc<UnlockKey>,
}

impl AppState {
    /// The catalog without any viewer's scope (see the field's documentation).
    pub fn unscoped_repo(&self) -> &Arc<dyn Repo> {
        &self.repo
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the catalog at {url}: {source}")]
    Database {
        url: String,
        source: albumen_db::RepoError,
    },
    #[error("cannot open the data folder: {0}")]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Templates(#[from] TemplateError),
}

impl AppState {
    /// Opens the catalog (migrating it), the storages and the templates named by `config`.
    pub async fn open(config: Config) -> Result<Self, StartupError> {
        let url = config.database_url();
        if url.starts_with("sqlite:") {
            std::fs::create_dir_all(&config.data.dir).map_err(StorageError::Io)?;
        }
        let repo = albumen_db::connect(&url, config.database.max_connections)
            .await
            .map_err(|source| StartupError::Database {
                url: albumen_db::redact_url(&url),
                source,
            })?;
        Self::with_repo(config, repo)
    }

    /// Builds the state around an already opened catalog.
    pub fn with_repo(config: Config, repo: Arc<dyn Repo>) -> Result<Self, StartupError> {
        let storage = Storage::local(
            &config.library.path,
            &config.cache_dir(),
            config.previews.memory_cache_mb.saturating_mul(1 << 20),
        )?;
        let templates = Templates::load(config.server.templates_dir.as_deref())?;
        Ok(Self {
            login_limiter: Arc::new(LoginLimiter::new(&config.auth)),
            previews: Arc::new(Previews::new(&config, repo.clone())),
            config: Arc::new(config),
            repo,
            storage: Arc::new(storage),
            templates: Arc::new(templates),
            scans: Arc::new(ScanControl::default()),
            unlock_key: Arc::default(),
        })
    }
}
