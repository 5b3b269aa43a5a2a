//! Previews: cached under a content-derived key, rendered on a bounded pool of blocking threads,
//! and single-flight per photo and encoding, so concurrent requests for missing previews of one
//! photo wait for one decode instead of starting their own. One decode makes every preset that
//! is needed at once: on demand, the requested one and the smaller ones missing; in the
//! background ([`Previews::generate`]), all of them. Videos get a frame from `ffmpeg` when it
//! is installed ([`poster`]), a generic poster otherwise.

mod budget;
mod poster;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use albumen_core::access::Grant;
use albumen_core::model::MediaKind;
use albumen_db::{Catalog, Problem, ProblemStage};
use albumen_media::{Encoding, Limits, MediaError, Output, Preset};
use bytes::Bytes;
use tokio::sync::Semaphore;

use crate::clock::unix_now;
use crate::config::Config;
use crate::storage::{CacheKey, Storage, StorageError};

pub use budget::{DecodeBudget, OverBudget, Reservation};

/// A configured preset with the hash of everything that shapes its output.
#[derive(Debug)]
pub struct NamedPreset {
    pub name: String,
    pub preset: Preset,
    settings_hash: String,
    placeholder: OnceLock<Bytes>,
}

impl NamedPreset {
    fn new(name: &str, preset: Preset) -> Self {
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
            name: name.to_owned(),
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

    /// An ETag that changes with the content, the preset's settings and the encoding.
    pub fn etag(&self, fingerprint: &str, encoding: Encoding) -> String {
        match encoding {
            Encoding::Jpeg => format!("\"{fingerprint}-{}\"", self.settings_hash),
            other => format!(
                "\"{fingerprint}-{}-{}\"",
                self.settings_hash,
                other.extension()
            ),
        }
    }

    /// A short tag of the content and settings for `?v=` in page URLs: a versioned preview URL
    /// never changes its bytes (up to the encoding, which `Vary: Accept` covers).
    pub fn version(&self, fingerprint: &str) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(fingerprint.as_bytes());
        hasher.update(b"\0");
        hasher.update(self.settings_hash.as_bytes());
        hasher.finalize().to_hex()[..12].to_owned()
    }

    /// Where this preset's rendition of the content with this fingerprint is cached.
    pub fn cache_key(&self, fingerprint: &str, encoding: Encoding) -> CacheKey {
        CacheKey::preview(fingerprint, &self.settings_hash, encoding.extension())
    }

    /// Box area, to order presets from the most demanding.
    fn area(&self) -> u64 {
        u64::from(self.preset.width) * u64::from(self.preset.height)
    }
}

/// A preview, or the stand-in served when the original cannot be rendered.
#[derive(Debug, Clone)]
pub enum Preview {
    Image(Bytes),
    Placeholder(Bytes),
}

/// What a background generation did for one photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// Renditions made now (0: all were cached already, or the photo is a video).
    Made(usize),
    /// The original cannot be rendered (a recorded problem; trying again will not help).
    Unrenderable(String),
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
    /// From the most demanding box to the least.
    presets: Vec<NamedPreset>,
    by_name: BTreeMap<String, usize>,
    /// Encodings besides JPEG, in order of preference: enabled and encodable by this build.
    modern: Vec<Encoding>,
    limits: Limits,
    max_file_bytes: u64,
    cpu: Semaphore,
    /// Bytes all decodes at once may hold; each reserves its need before it starts.
    memory: DecodeBudget,
    in_flight: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
    /// Where files that cannot be rendered are recorded as problems, and photos' colours.
    problems: Arc<dyn Catalog>,
}

impl Previews {
    pub fn new(config: &Config, problems: Arc<dyn Catalog>) -> Self {
        let mut presets: Vec<NamedPreset> = config
            .previews
            .presets
            .iter()
            .map(|(name, p)| NamedPreset::new(name, p.preset()))
            .collect();
        presets.sort_by_key(|p| std::cmp::Reverse(p.area()));
        let by_name = presets
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        Self {
            presets,
            by_name,
            modern: [
                (Encoding::Avif, config.previews.avif),
                (Encoding::Webp, config.previews.webp),
            ]
            .into_iter()
            .filter(|(encoding, enabled)| *enabled && encoding.available())
            .map(|(encoding, _)| encoding)
            .collect(),
            limits: Limits {
                max_pixels: config.previews.max_pixels,
            },
            max_file_bytes: config.previews.max_file_mb.saturating_mul(1_000_000),
            cpu: Semaphore::new(config.preview_workers()),
            memory: DecodeBudget::new(config.previews.decode_memory_mb.saturating_mul(1 << 20)),
            in_flight: Mutex::new(HashMap::new()),
            problems,
        }
    }

    /// The decode memory budget, for its accounting.
    pub fn memory_budget(&self) -> &DecodeBudget {
        &self.memory
    }

    pub fn preset(&self, name: &str) -> Option<&NamedPreset> {
        self.by_name.get(name).map(|&i| &self.presets[i])
    }

    /// Every configured preset, the most demanding first.
    pub fn presets(&self) -> &[NamedPreset] {
        &self.presets
    }

    /// The encoding to answer a request with `Accept: accept`: the first of AVIF and WebP that
    /// is enabled, encodable and accepted (a `q=0` refuses), else JPEG, which every client shows.
    pub fn negotiate(&self, accept: Option<&str>) -> Encoding {
        let accept = accept.unwrap_or_default();
        self.modern
            .iter()
            .copied()
            .find(|encoding| accepts(accept, encoding.mime()))
            .unwrap_or(Encoding::Jpeg)
    }

    /// The encoding generated ahead of requests: the one current browsers will ask for.
    fn preferred(&self) -> Encoding {
        self.modern.first().copied().unwrap_or(Encoding::Jpeg)
    }

    /// Whether a cached preview named `key` is one some present photo can still be served:
    /// its fingerprint is in `fingerprints` and its settings and encoding are configured.
    pub fn wanted(&self, fingerprints: &std::collections::HashSet<String>, key: &str) -> bool {
        crate::storage::preview_key_parts(key).is_some_and(|(fingerprint, settings, ext)| {
            fingerprints.contains(fingerprint)
                && self.presets.iter().any(|p| p.settings_hash == settings)
                && std::iter::once(Encoding::Jpeg)
                    .chain(self.modern.iter().copied())
                    .any(|encoding| encoding.extension() == ext)
        })
    }

    /// The preview of a granted photo: from the cache, or rendered once (with the smaller
    /// presets still missing, from the same decode) and cached. A file that cannot be rendered
    /// yields the placeholder and a recorded problem, never an error page.
    pub async fn get(
        &self,
        storage: &Storage,
        grant: &Grant,
        preset: &NamedPreset,
        encoding: Encoding,
    ) -> Result<Preview, PreviewError> {
        let media = grant.media();
        if media.kind() == MediaKind::Video && !poster::available() {
            return Ok(Preview::Placeholder(preset.placeholder()));
        }
        let key = preset.cache_key(media.fingerprint(), encoding);
        if let Some(cached) = storage.cached_preview(grant, &key).await? {
            return Ok(Preview::Image(cached.bytes));
        }
        let flight = self.flight(media.fingerprint(), encoding);
        let _turn = flight.lock().await;
        // Whoever held the turn before us may have made it.
        if let Some(cached) = storage.cached_preview(grant, &key).await? {
            return Ok(Preview::Image(cached.bytes));
        }
        // The requested preset and every smaller one not cached yet: the photo page's preview
        // brings the album rows' preview and the thumbnail along from the same decode.
        let mut wanted = Vec::new();
        for other in self.presets.iter().filter(|p| p.area() <= preset.area()) {
            let other_key = other.cache_key(media.fingerprint(), encoding);
            if other.name == preset.name || !storage.has_preview(&other_key).await? {
                wanted.push(other);
            }
        }
        match self.make(storage, grant, &wanted, encoding).await? {
            Ok(made) => {
                let index = wanted
                    .iter()
                    .position(|p| p.name == preset.name)
                    .ok_or_else(|| PreviewError::Worker("requested preset not made".into()))?;
                Ok(Preview::Image(made[index].clone()))
            }
            Err(_) => Ok(Preview::Placeholder(preset.placeholder())),
        }
    }

    /// Makes every missing preset of a photo in the preferred encoding, for the background
    /// queue. Failures to read or decode the original are [`Generated::Unrenderable`]
    /// (recorded as a problem); storage and worker failures are errors worth a retry.
    pub async fn generate(
        &self,
        storage: &Storage,
        grant: &Grant,
    ) -> Result<Generated, PreviewError> {
        let media = grant.media();
        if media.kind() == MediaKind::Video && !poster::available() {
            return Ok(Generated::Made(0));
        }
        let encoding = self.preferred();
        let flight = self.flight(media.fingerprint(), encoding);
        let _turn = flight.lock().await;
        let mut wanted = Vec::new();
        for preset in &self.presets {
            if !storage
                .has_preview(&preset.cache_key(media.fingerprint(), encoding))
                .await?
            {
                wanted.push(preset);
            }
        }
        if wanted.is_empty() {
            return Ok(Generated::Made(0));
        }
        Ok(match self.make(storage, grant, &wanted, encoding).await? {
            Ok(made) => Generated::Made(made.len()),
            Err(reason) => Generated::Unrenderable(reason),
        })
    }

    /// Reads the original (a video's frame), renders `presets` from one decode and caches them;
    /// the caller holds the photo's flight. A file that cannot be rendered is recorded as a
    /// problem.
    async fn make(
        &self,
        storage: &Storage,
        grant: &Grant,
        presets: &[&NamedPreset],
        encoding: Encoding,
    ) -> Result<Result<Vec<Bytes>, String>, PreviewError> {
        let outputs: Vec<Output> = presets.iter().map(|p| p.preset.encoded(encoding)).collect();
        let _permit = self
            .cpu
            .acquire()
            .await
            .map_err(|e| PreviewError::Worker(e.to_string()))?;
        let missing = |path| format!("{path} is no longer in the library");
        let media = grant.media();
        let size = media.size();
        let source = match media.kind() {
            // Read whole, so bounded (the pixel limit comes later, from the header).
            MediaKind::Image if size > self.max_file_bytes => Err(format!(
                "the file is {:.0} MB, above previews.max_file_mb ({} MB)",
                size as f64 / 1e6,
                self.max_file_bytes / 1_000_000
            )),
            MediaKind::Image => match storage.read_original(grant).await {
                Ok(original) => Ok(original),
                Err(StorageError::Missing(path)) => Err(missing(path)),
                Err(err) => return Err(err.into()),
            },
            MediaKind::Video => match storage.open_video(grant).await {
                Ok(video) => poster::frame(video).await.map(Bytes::from),
                Err(StorageError::Missing(path)) => Err(missing(path)),
                Err(err) => return Err(err.into()),
            },
        };
        let rendered = match source {
            Ok(bytes) => self.render(bytes, outputs).await?,
            Err(reason) => Err(reason),
        };
        match rendered {
            Ok((made, colour)) => {
                for (preset, bytes) in presets.iter().zip(&made) {
                    storage
                        .store_preview(
                            &preset.cache_key(media.fingerprint(), encoding),
                            bytes.clone(),
                        )
                        .await?;
                }
                self.problems
                    .clear_problem(media.path(), ProblemStage::Preview)
                    .await
                    .map_err(|e| PreviewError::Worker(e.to_string()))?;
                if let Some(colour) = colour {
                    self.problems
                        .set_colour(media.fingerprint(), colour)
                        .await
                        .map_err(|e| PreviewError::Worker(e.to_string()))?;
                }
                Ok(Ok(made))
            }
            Err(reason) => {
                tracing::warn!(photo = %media.photo(), path = %media.path(), %reason, "cannot render preview");
                let problem = Problem {
                    path: media.path().to_owned(),
                    stage: ProblemStage::Preview,
                    reason: reason.clone(),
                    seen_at: unix_now(),
                };
                if let Err(err) = self.problems.record_problem(&problem).await {
                    tracing::error!(%err, "cannot record preview problem");
                }
                Ok(Err(reason))
            }
        }
    }

    /// Decodes once and encodes every output on a blocking thread (the caller holds a worker
    /// permit: at most `workers` at once), after reserving from the memory budget what the
    /// header says the render will hold; a render that needs more than the whole budget is
    /// refused without decoding.
    async fn render(
        &self,
        original: Bytes,
        outputs: Vec<Output>,
    ) -> Result<Result<(Vec<Bytes>, Option<u32>), String>, PreviewError> {
        let limits = self.limits;
        let (original, outputs, need) = tokio::task::spawn_blocking(move || {
            let need = albumen_media::memory_need(&original, &outputs, &limits);
            (original, outputs, need)
        })
        .await
        .map_err(|e| PreviewError::Worker(e.to_string()))?;
        let need = match need {
            Ok(need) => need,
            Err(err) => return Ok(Err(err.to_string())),
        };
        let _reservation = match self.memory.reserve(need).await {
            Ok(reservation) => reservation,
            Err(over) => return Ok(Err(over.to_string())),
        };
        let result = tokio::task::spawn_blocking(move || {
            albumen_media::render_outputs(&original, &outputs, &limits)
        })
        .await
        .map_err(|e| PreviewError::Worker(e.to_string()))?;
        Ok(result
            .map(|made| {
                // The largest rendition's colour: the whole picture, uncropped.
                let colour = made
                    .iter()
                    .max_by_key(|r| u64::from(r.width) * u64::from(r.height))
                    .map(|r| {
                        r.colour
                            .iter()
                            .fold(0u32, |rgb, &c| (rgb << 8) | u32::from(c))
                    });
                (
                    made.into_iter().map(|r| Bytes::from(r.bytes)).collect(),
                    colour,
                )
            })
            .map_err(|e: MediaError| e.to_string()))
    }

    /// The lock shared by everyone currently rendering `photo` as `encoding`; it disappears
    /// with its last user.
    fn flight(&self, fingerprint: &str, encoding: Encoding) -> Arc<tokio::sync::Mutex<()>> {
        let name = format!("{fingerprint}.{}", encoding.extension());
        let mut map = self
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, weak| weak.strong_count() > 0);
        if let Some(existing) = map.get(&name).and_then(Weak::upgrade) {
            return existing;
        }
        let fresh = Arc::new(tokio::sync::Mutex::new(()));
        map.insert(name, Arc::downgrade(&fresh));
        fresh
    }
}

/// Whether an `Accept` header lists `mime` itself with a non-zero weight. Wildcards do not
/// count: `image/*` is what browsers send for formats they merely might show.
fn accepts(accept: &str, mime: &str) -> bool {
    accept.split(',').any(|range| {
        let mut params = range.split(';').map(str::trim);
        let refused = |param: &str| {
            param
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        };
        params
            .next()
            .is_some_and(|listed| listed.eq_ignore_ascii_case(mime))
            && !params.any(refused)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn previews(webp: bool, avif: bool) -> Previews {
        let mut config = Config::default();
        config.previews.webp = webp;
        config.previews.avif = avif;
        let repo = albumen_db::connect("sqlite::memory:", 1)
            .await
            .expect("an in-memory catalog");
        Previews::new(&config, repo)
    }

    const CHROMIUM: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    const SAFARI: &str = "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,\
                          video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";

    #[tokio::test]
    async fn webp_goes_to_clients_that_accept_it() {
        let on = previews(true, false).await;
        assert_eq!(on.negotiate(Some(CHROMIUM)), Encoding::Webp);
        assert_eq!(on.negotiate(Some("image/webp;q=0.5")), Encoding::Webp);
        for jpeg_only in [
            None,
            Some("*/*"),
            Some("image/*"),
            Some("image/png,image/jpeg"),
            Some("image/webp;q=0, */*"),
            Some("image/webp; q=0.0"),
            Some("image/webp;q=0.000"),
            Some("image/webpx"),
        ] {
            assert_eq!(on.negotiate(jpeg_only), Encoding::Jpeg, "{jpeg_only:?}");
        }
        assert_eq!(
            previews(false, false).await.negotiate(Some(CHROMIUM)),
            Encoding::Jpeg
        );
    }

    #[tokio::test]
    async fn avif_comes_first_when_the_build_can_encode_it() {
        let both = previews(true, true).await;
        if Encoding::Avif.available() {
            // Our preference, not the order the client lists them in.
            assert_eq!(both.negotiate(Some(CHROMIUM)), Encoding::Avif);
            assert_eq!(both.negotiate(Some(SAFARI)), Encoding::Avif);
            assert_eq!(both.preferred(), Encoding::Avif);
            assert_eq!(
                previews(false, true).await.negotiate(Some(CHROMIUM)),
                Encoding::Avif
            );
        } else {
            assert_eq!(both.negotiate(Some(CHROMIUM)), Encoding::Webp);
            assert_eq!(both.preferred(), Encoding::Webp);
            assert_eq!(
                previews(false, true).await.negotiate(Some(CHROMIUM)),
                Encoding::Jpeg
            );
        }
        let refused = "image/avif;q=0,image/webp,*/*;q=0.8";
        assert_eq!(both.negotiate(Some(refused)), Encoding::Webp);
        assert_eq!(both.negotiate(Some("image/webp")), Encoding::Webp);
        assert_eq!(both.negotiate(Some("image/png,*/*")), Encoding::Jpeg);
    }

    #[tokio::test]
    async fn presets_run_from_the_most_demanding() {
        let previews = previews(true, true).await;
        let names: Vec<&str> = previews.presets().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["large", "standard", "grid", "thumb"]);
        assert_eq!(previews.preset("thumb").map(|p| p.preset.width), Some(256));
    }

    #[tokio::test]
    async fn only_keys_of_configured_presets_and_present_photos_are_wanted() {
        let previews = previews(false, false).await;
        let standard = previews.preset("standard").expect("default preset");
        let fingerprints = ["f1".to_owned()].into();
        let key = |fp: &str, encoding: Encoding| {
            CacheKey::preview(fp, &standard.settings_hash, encoding.extension())
        };
        assert!(previews.wanted(&fingerprints, key("f1", Encoding::Jpeg).as_str()));
        // Gone photo, WebP while WebP is off, old settings, foreign files.
        assert!(!previews.wanted(&fingerprints, key("f2", Encoding::Jpeg).as_str()));
        assert!(!previews.wanted(&fingerprints, key("f1", Encoding::Webp).as_str()));
        assert!(!previews.wanted(&fingerprints, key("f1", Encoding::Avif).as_str()));
        let modern = self::previews(true, true).await;
        assert!(modern.wanted(&fingerprints, key("f1", Encoding::Webp).as_str()));
        assert_eq!(
            modern.wanted(&fingerprints, key("f1", Encoding::Avif).as_str()),
            Encoding::Avif.available()
        );
        let old = CacheKey::preview("f1", "0123456789abcdef", "jpg");
        assert!(!previews.wanted(&fingerprints, old.as_str()));
        assert!(!previews.wanted(&fingerprints, "previews/f1/readme.txt"));
    }
}
