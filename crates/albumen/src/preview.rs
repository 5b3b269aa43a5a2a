//! Previews on demand: cached under a content-derived key, rendered on a bounded pool of
//! blocking threads, and single-flight, so concurrent requests for one missing preview wait for
//! one decode instead of starting their own.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use albumen_core::access::Grant;
use albumen_core::model::{MediaKind, Photo};
use albumen_db::{Problem, ProblemStage, Repo};
use albumen_media::{Limits, MediaError, Preset};
use bytes::Bytes;
use tokio::sync::Semaphore;

use crate::clock::unix_now;
use crate::config::Config;
use crate::storage::{CacheKey, Storage, StorageError};

/// A configured preset with the hash of everything that shapes its output.
#[derive(Debug)]
pub struct NamedPreset {
    pub preset: Preset,
    settings_hash: String,
    placeholder: OnceLock<Bytes>,
}

impl NamedPreset {
    fn new(preset: Preset) -> Self {
        let settings = format!(
            "{}x{}-{:?}-q{}-v{}",
            preset.width,
            preset.height,
            preset.fit,
            preset.quality,
            albumen_media::PIPELINE_VERSION
        );
        let settings_hash = blake3::hash(settings.as_bytes()).to_hex()[..16].to_owned();
        Self {
            preset,
            settings_hash,
            placeholder: OnceLock::new(),
        }
    }

    fn placeholder(&self) -> Bytes {
        self.placeholder
            .get_or_init(|| Bytes::from(albumen_media::placeholder(&self.preset).bytes))
            .clone()
    }

    /// An ETag that changes with the content and with the preset's settings.
    pub fn etag(&self, photo: &Photo) -> String {
        format!("\"{}-{}\"", &photo.fingerprint, self.settings_hash)
    }
}

/// A preview, or the stand-in served when the original cannot be rendered.
#[derive(Debug, Clone)]
pub enum Preview {
    Image(Bytes),
    Placeholder(Bytes),
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("preview worker failed: {0}")]
    Worker(String),
}

#[derive(Debug)]
pub struct Previews {
    presets: BTreeMap<String, NamedPreset>,
    limits: Limits,
    cpu: Semaphore,
    in_flight: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

impl Previews {
    pub fn new(config: &Config) -> Self {
        Self {
            presets: config
                .previews
                .presets
                .iter()
                .map(|(name, p)| (name.clone(), NamedPreset::new(p.preset())))
                .collect(),
            limits: Limits {
                max_pixels: config.previews.max_pixels,
            },
            cpu: Semaphore::new(config.preview_workers()),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    pub fn preset(&self, name: &str) -> Option<&NamedPreset> {
        self.presets.get(name)
    }

    /// The preview of a granted photo: from the cache, or rendered once and cached. A file that
    /// cannot be rendered yields the placeholder and a recorded problem, never an error page.
    pub async fn get(
        &self,
        storage: &Storage,
        repo: &dyn Repo,
        grant: &Grant,
        photo: &Photo,
        preset: &NamedPreset,
    ) -> Result<Preview, PreviewError> {
        if photo.kind == MediaKind::Video {
            // A generic poster until video frames are extracted.
            return Ok(Preview::Placeholder(preset.placeholder()));
        }
        let key = CacheKey::preview(&photo.fingerprint, &preset.settings_hash);
        if let Some(bytes) = storage.cached_preview(grant, photo, &key).await? {
            return Ok(Preview::Image(bytes));
        }
        let flight = self.flight(&key);
        let _turn = flight.lock().await;
        // Whoever held the turn before us may have made it.
        if let Some(bytes) = storage.cached_preview(grant, photo, &key).await? {
            return Ok(Preview::Image(bytes));
        }
        let rendered = match storage.read_original(grant, photo).await {
            Ok(original) => self.render(original, preset.preset).await?,
            Err(StorageError::Missing(path)) => Err(format!("{path} is no longer in the library")),
            Err(err) => return Err(err.into()),
        };
        match rendered {
            Ok(bytes) => {
                storage.store_preview(&key, bytes.clone()).await?;
                repo.clear_problem(&photo.path, ProblemStage::Preview)
                    .await
                    .map_err(|e| PreviewError::Worker(e.to_string()))?;
                Ok(Preview::Image(bytes))
            }
            Err(reason) => {
                tracing::warn!(photo = %photo.id, path = %photo.path, %reason, "cannot render preview");
                let problem = Problem {
                    path: photo.path.clone(),
                    stage: ProblemStage::Preview,
                    reason,
                    seen_at: unix_now(),
                };
                if let Err(err) = repo.record_problem(&problem).await {
                    tracing::error!(%err, "cannot record preview problem");
                }
                Ok(Preview::Placeholder(preset.placeholder()))
            }
        }
    }

    /// Decodes and encodes on a blocking thread, at most `workers` at once.
    async fn render(
        &self,
        original: Bytes,
        preset: Preset,
    ) -> Result<Result<Bytes, String>, PreviewError> {
        let _permit = self
            .cpu
            .acquire()
            .await
            .map_err(|e| PreviewError::Worker(e.to_string()))?;
        let limits = self.limits;
        let result =
            tokio::task::spawn_blocking(move || albumen_media::render(&original, &preset, &limits))
                .await
                .map_err(|e| PreviewError::Worker(e.to_string()))?;
        Ok(result
            .map(|r| Bytes::from(r.bytes))
            .map_err(|e: MediaError| e.to_string()))
    }

    /// The lock shared by everyone currently asking for `key`; it disappears with its last user.
    fn flight(&self, key: &CacheKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, weak| weak.strong_count() > 0);
        if let Some(existing) = map.get(key.as_str()).and_then(Weak::upgrade) {
            return existing;
        }
        let fresh = Arc::new(tokio::sync::Mutex::new(()));
        map.insert(key.as_str().to_owned(), Arc::downgrade(&fresh));
        fresh
    }
}
