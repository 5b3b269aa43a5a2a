//! Configuration: compiled-in defaults, then `albumen.toml`, then `ALBUMEN__SECTION__KEY`
//! environment variables, then command-line flags. Validated once; the typed value is passed
//! down in `AppState` (no global).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use albumen_media::{Fit, Preset};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

mod network;
pub use network::IpNetwork;

/// Read from the working directory when no `--config` is given, if it exists.
pub const DEFAULT_FILE: &str = "albumen.toml";

/// The prefix of environment overrides: `ALBUMEN__SERVER__BIND=0.0.0.0:8080`.
pub const ENV_PREFIX: &str = "ALBUMEN__";

/// Bounds of `previews.decode_memory_mb`: below 64 MB few camera photos render at all (a 12 MP
/// JPEG reserves about 130 MB for its presets); above, a terabyte.
const MIN_DECODE_MEMORY_MB: u64 = 64;
const MAX_DECODE_MEMORY_MB: u64 = 1 << 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub library: LibraryConfig,
    pub data: DataConfig,
    pub database: DatabaseConfig,
    pub scan: ScanConfig,
    pub previews: PreviewsConfig,
    pub auth: AuthConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Scan the library in the background when the server starts.
    pub scan_on_start: bool,
    /// Directory whose `*.html` files override the built-in templates (optional).
    pub templates_dir: Option<PathBuf>,
    /// Who sends the bytes of an authorized original: Albumen itself, or the front server.
    pub send_file: SendFile,
    /// `x-accel`: the internal nginx location that maps to the library folder.
    pub x_accel_prefix: String,
    /// `x-sendfile`: the library folder as the front server sees it; defaults to `library.path`
    /// made absolute.
    pub x_sendfile_root: Option<PathBuf>,
    /// Reverse proxies (addresses or CIDR networks) whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed: the client's address for login limits, and HTTPS for
    /// `Secure` cookies and HSTS. Empty: the TCP peer is the client and the connection is plain.
    pub trusted_proxies: Vec<IpNetwork>,
    /// `Strict-Transport-Security: max-age=…` on answers to HTTPS requests; unset, none.
    pub hsts_max_age_seconds: Option<u64>,
    /// Connections served at once; more wait until one closes.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, and how long a kept-alive
    /// connection may sit idle.
    pub header_timeout_seconds: u64,
    /// How long an answer may wait on a client that reads nothing before the connection drops.
    pub write_timeout_seconds: u64,
}

/// How originals leave the server once authorized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendFile {
    /// Albumen streams the file.
    #[default]
    Stream,
    /// An empty answer with `X-Accel-Redirect: <x_accel_prefix><library path>` (nginx).
    XAccel,
    /// An empty answer with `X-Sendfile: <absolute path>` (Apache mod_xsendfile, lighttpd).
    XSendfile,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LibraryConfig {
    /// The folder of originals. Albumen never writes to it.
    pub path: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataConfig {
    /// Where the SQLite catalog and the preview cache live unless configured elsewhere.
    pub dir: PathBuf,
    /// Preview cache folder; defaults to `<data.dir>/cache`. Safe to delete at any time.
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; defaults to `<data.dir>/albumen.db`.
    pub url: Option<String>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanConfig {
    /// Rules deriving album category, name and date (and optionally the photo date) from a
    /// file's library-relative path. The first whose regex matches the *whole* path wins.
    pub patterns: Vec<PatternConfig>,
    /// Regexes (whole-path match) for files and folders the scan skips silently.
    pub ignore: Vec<String>,
    /// Photos and albums missing this long are purged at the end of a scan.
    pub missing_grace_days: u32,
    /// A scan that would mark more than this share of the catalogued files missing stops
    /// without changing anything (an unmounted disk looks like a mass deletion).
    pub max_vanished_share: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternConfig {
    #[serde(default)]
    pub category: String,
    /// Named captures: `a_name` (or `a_name1`…`a_nameN`, joined in numeric order), `a_year`,
    /// `a_month`, `a_day` for the album; optional `p_year`…`p_second` for the photo.
    pub regex: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PreviewsConfig {
    /// Decodes running at once; 0 means one per CPU core.
    pub workers: usize,
    /// Originals above this many pixels are refused before decoding.
    pub max_pixels: u64,
    /// Originals (or videos, for posters: those are not read whole) above this many megabytes
    /// are not read for a preview.
    pub max_file_mb: u64,
    /// Megabytes all decodes running at once may hold (decoded pixels, resize and encode
    /// buffers), worked out from each file's header before it is decoded. A decode waits for
    /// room; one that needs more than all of it is refused.
    pub decode_memory_mb: u64,
    /// Serve WebP to clients whose `Accept` lists it: about a quarter smaller than JPEG at the
    /// same closeness to the original, slower to make.
    pub webp: bool,
    /// Serve AVIF to clients whose `Accept` lists it, in preference to WebP, when the build can
    /// encode it (the `heif` feature with an AV1 encoder): about 40% smaller than JPEG, and
    /// quicker to make than WebP.
    pub avif: bool,
    /// Make the previews of new and changed photos after each scan, in the background.
    pub background: bool,
    /// Megabytes of recently served previews kept in memory, in front of the cache folder.
    pub memory_cache_mb: u64,
    /// Named sizes. `thumb` and `standard` are used by the web UI, `grid` (when present) by
    /// album pages' justified rows (else `standard`), `large` (when present) for high-DPI
    /// screens.
    pub presets: BTreeMap<String, PresetConfig>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetConfig {
    pub width: u32,
    pub height: u32,
    /// `crop` fills the box and trims the overflow; `fit` keeps the whole picture inside it.
    pub mode: PresetMode,
    pub quality: u8,
    /// `false` removes a preset, the built-in ones included (a file can only add to the
    /// defaults' table, not take keys out of it). `thumb` and `standard` cannot be removed.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PresetMode {
    Crop,
    Fit,
}

impl PresetConfig {
    pub fn preset(self) -> Preset {
        Preset {
            width: self.width,
            height: self.height,
            fit: match self.mode {
                PresetMode::Crop => Fit::Crop,
                PresetMode::Fit => Fit::Contain,
            },
            quality: self.quality,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// How long a login lasts.
    pub session_days: u32,
    /// Mark cookies `Secure` (with the `__Host-` prefix) on every answer. Without it they are,
    /// on answers to HTTPS requests: those through a `server.trusted_proxies` entry that sends
    /// `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// Failed passwords for one username (as typed) or one share link, from any address,
    /// before it is locked out for everyone.
    pub login_attempts_per_account: u32,
    /// Failed passwords for one username or share link from one client address before it is
    /// locked out from that address.
    pub login_attempts_per_account_and_address: u32,
    /// Failed passwords from one client address, for any names, before its attempts are slowed
    /// down. An address is never locked out: behind a proxy it is everyone's.
    pub login_address_free_failures: u32,
    /// Each further failure from the address delays its next attempts this much more.
    pub login_address_delay_ms: u64,
    /// The longest such delay.
    pub login_address_delay_max_ms: u64,
    /// The first lockout; it doubles with every further failure.
    pub login_lockout_seconds: u64,
    /// The longest lockout; failures are also forgotten after this long without a new one.
    pub login_lockout_max_seconds: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            scan_on_start: true,
            templates_dir: None,
            send_file: SendFile::Stream,
            x_accel_prefix: "/_albumen_internal/".to_owned(),
            x_sendfile_root: None,
            trusted_proxies: Vec::new(),
            hsts_max_age_seconds: None,
            max_connections: 512,
            header_timeout_seconds: 20,
            write_timeout_seconds: 60,
        }
    }
}

impl Default for LibraryConfig {
    fn default() -> Self {
        Self {
            path: PathBuf::from("photos"),
        }
    }
}

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("albumen-data"),
            cache_dir: None,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 8,
        }
    }
}

impl Default for ScanConfig {
    fn default() -> Self {
        let pattern = |regex: &str| PatternConfig {
            category: String::new(),
            regex: regex.to_owned(),
        };
        Self {
            patterns: vec![
                // 2013_01_19_Snow in Paris/IMG_0001.jpg
                pattern(
                    r"(?:.*/)?(?P<a_year>\d{4})_(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/[^/]+",
                ),
                // 2013/01_19_Snow in Paris/IMG_0001.jpg
                pattern(
                    r"(?:.*/)?(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/[^/]+",
                ),
                // Any other folder is an album named after it, dated by its oldest photo.
                pattern(r"(?:.*/)?(?P<a_name>[^/]+)/[^/]+"),
                // Files at the top of the library: an album named after the library.
                pattern(r"[^/]+"),
            ],
            ignore: vec![
                // Hidden files and folders, NAS thumbnail folders, OS clutter, sidecars.
                r"(?:.*/)?\..*".to_owned(),
                r"(?:.*/)?@eaDir(?:/.*)?".to_owned(),
                r"(?:.*/)?(?:Thumbs\.db|desktop\.ini)".to_owned(),
                r"(?i).*\.(?:xmp|aae|thm|ini|db)".to_owned(),
            ],
            missing_grace_days: 30,
            max_vanished_share: 0.5,
        }
    }
}

impl Default for PreviewsConfig {
    fn default() -> Self {
        let preset = |width, height, mode, quality| PresetConfig {
            width,
            height,
            mode,
            quality,
            enabled: true,
        };
        Self {
            workers: 0,
            max_pixels: 100_000_000,
            max_file_mb: 200,
            decode_memory_mb: 1024,
            webp: true,
            avif: true,
            background: true,
            memory_cache_mb: 64,
            presets: BTreeMap::from([
                // 2× the 128 px grid cell, for high-DPI screens.
                ("thumb".to_owned(), preset(256, 256, PresetMode::Crop, 82)),
                // The album's justified rows, uncropped: rows are up to 260 CSS px tall, so a
                // 3:2 landscape needs 780 px across on 2x screens.
                ("grid".to_owned(), preset(800, 800, PresetMode::Fit, 82)),
                (
                    "standard".to_owned(),
                    preset(1600, 1600, PresetMode::Fit, 85),
                ),
                // Full-screen on 1440p and high-DPI laptop screens.
                ("large".to_owned(), preset(2560, 2560, PresetMode::Fit, 82)),
            ]),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            session_days: 30,
            secure_cookies: false,
            login_attempts_per_account: 20,
            login_attempts_per_account_and_address: 5,
            login_address_free_failures: 10,
            login_address_delay_ms: 250,
            login_address_delay_max_ms: 2000,
            login_lockout_seconds: 60,
            login_lockout_max_seconds: 900,
        }
    }
}

/// A configuration that cannot be used, with the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Load(Box<figment::Error>),
    #[error("invalid value for `{key}`: {reason}")]
    Invalid { key: String, reason: String },
}

/// Command-line values that override every other source (only those given).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<LibraryOverride>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<DataOverride>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerOverride>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseOverride>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LibraryOverride {
    pub path: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataOverride {
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerOverride {
    pub bind: SocketAddr,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatabaseOverride {
    pub url: String,
}

impl Config {
    /// Loads and validates the layered configuration from the file (or `./albumen.toml` if it
    /// exists), the process environment and the flags. A file named explicitly must exist.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let file = match file {
            Some(path) if !path.is_file() => {
                return Err(ConfigError::Invalid {
                    key: "--config".to_owned(),
                    reason: format!("{} does not exist", path.display()),
                });
            }
            Some(path) => Toml::file_exact(path),
            None if Path::new(DEFAULT_FILE).is_file() => Toml::file_exact(DEFAULT_FILE),
            None => Toml::string(""),
        };
        Self::from_layers(file, Env::prefixed(ENV_PREFIX).split("__"), overrides)
    }

    /// Merges the layers in precedence order and validates the result.
    pub fn from_layers(
        file: impl figment::Provider,
        env: impl figment::Provider,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        let mut config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(file)
            .merge(env)
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| ConfigError::Load(Box::new(e)))?;
        config.previews.presets.retain(|_, preset| preset.enabled);
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, reason: &str| ConfigError::Invalid {
            key: key.to_owned(),
            reason: reason.to_owned(),
        };
        for required in ["thumb", "standard"] {
            if !self.previews.presets.contains_key(required) {
                return Err(invalid(
                    &format!("previews.presets.{required}"),
                    "this preset is required by the web interface and cannot be removed",
                ));
            }
        }
        for (name, preset) in &self.previews.presets {
            let key = |field: &str| format!("previews.presets.{name}.{field}");
            if !valid_preset_name(name) {
                return Err(invalid(
                    &format!("previews.presets.{name}"),
                    "preset names use lowercase letters, digits, '-' and '_' (at most 32)",
                ));
            }
            for (field, value) in [("width", preset.width), ("height", preset.height)] {
                if !(16..=8192).contains(&value) {
                    return Err(invalid(&key(field), "must be between 16 and 8192 pixels"));
                }
            }
            if !(1..=100).contains(&preset.quality) {
                return Err(invalid(&key("quality"), "must be between 1 and 100"));
            }
        }
        for (i, pattern) in self.scan.patterns.iter().enumerate() {
            regex::Regex::new(&pattern.regex)
                .map_err(|e| invalid(&format!("scan.patterns[{i}].regex"), &e.to_string()))?;
        }
        for (i, ignore) in self.scan.ignore.iter().enumerate() {
            regex::Regex::new(ignore)
                .map_err(|e| invalid(&format!("scan.ignore[{i}]"), &e.to_string()))?;
        }
        if !(0.0..=1.0).contains(&self.scan.max_vanished_share) {
            return Err(invalid(
                "scan.max_vanished_share",
                "must be between 0 and 1",
            ));
        }
        if self.previews.max_pixels < 1_000_000 {
            return Err(invalid("previews.max_pixels", "must be at least 1000000"));
        }
        if self.previews.max_file_mb == 0 {
            return Err(invalid("previews.max_file_mb", "must be at least 1"));
        }
        if !(MIN_DECODE_MEMORY_MB..=MAX_DECODE_MEMORY_MB).contains(&self.previews.decode_memory_mb)
        {
            return Err(invalid(
                "previews.decode_memory_mb",
                &format!("must be between {MIN_DECODE_MEMORY_MB} and {MAX_DECODE_MEMORY_MB}"),
            ));
        }
        if self.auth.session_days == 0 || self.auth.session_days > 3650 {
            return Err(invalid("auth.session_days", "must be between 1 and 3650"));
        }
        for (key, value) in [
            (
                "auth.login_attempts_per_account",
                self.auth.login_attempts_per_account,
            ),
            (
                "auth.login_attempts_per_account_and_address",
                self.auth.login_attempts_per_account_and_address,
            ),
        ] {
            if value == 0 {
                return Err(invalid(key, "must be at least 1"));
            }
        }
        if self.auth.login_address_delay_max_ms > 60_000 {
            return Err(invalid(
                "auth.login_address_delay_max_ms",
                "must be at most 60000",
            ));
        }
        if self.auth.login_address_delay_ms > self.auth.login_address_delay_max_ms {
            return Err(invalid(
                "auth.login_address_delay_ms",
                "must be at most auth.login_address_delay_max_ms",
            ));
        }
        if !(1..=86_400).contains(&self.auth.login_lockout_seconds) {
            return Err(invalid(
                "auth.login_lockout_seconds",
                "must be between 1 and 86400",
            ));
        }
        if self.auth.login_lockout_max_seconds < self.auth.login_lockout_seconds
            || self.auth.login_lockout_max_seconds > 86_400
        {
            return Err(invalid(
                "auth.login_lockout_max_seconds",
                "must be between auth.login_lockout_seconds and 86400",
            ));
        }
        if !(1..=1_000_000).contains(&self.server.max_connections) {
            return Err(invalid(
                "server.max_connections",
                "must be between 1 and 1000000",
            ));
        }
        for (key, seconds) in [
            (
                "server.header_timeout_seconds",
                self.server.header_timeout_seconds,
            ),
            (
                "server.write_timeout_seconds",
                self.server.write_timeout_seconds,
            ),
        ] {
            if !(1..=3600).contains(&seconds) {
                return Err(invalid(key, "must be between 1 and 3600"));
            }
        }
        if !valid_x_accel_prefix(&self.server.x_accel_prefix) {
            return Err(invalid(
                "server.x_accel_prefix",
                "must start and end with '/' and hold only letters, digits, '-', '_', '.' and '/' \
                 (no '..')",
            ));
        }
        if let Some(root) = &self.server.x_sendfile_root
            && !root.is_absolute()
        {
            return Err(invalid(
                "server.x_sendfile_root",
                "must be an absolute path",
            ));
        }
        if self.database.max_connections == 0 {
            return Err(invalid("database.max_connections", "must be at least 1"));
        }
        if let Some(url) = &self.database.url {
            albumen_db::Backend::from_url(url)
                .map_err(|e| invalid("database.url", &e.to_string()))?;
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database
            .url
            .clone()
            .unwrap_or_else(|| albumen_db::sqlite::url_for_path(&self.data.dir.join("albumen.db")))
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.data
            .cache_dir
            .clone()
            .unwrap_or_else(|| self.data.dir.join("cache"))
    }

    pub fn preview_workers(&self) -> usize {
        match self.previews.workers {
            0 => std::thread::available_parallelism().map_or(2, usize::from),
            n => n,
        }
    }

    /// The effective configuration as TOML, with the database password hidden.
    pub fn to_redacted_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database.url = Some(albumen_db::redact_url(&self.database_url()));
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

/// Names end up in URLs (`/media/photos/1/preview/thumb`), so keep them tame.
pub fn valid_preset_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The prefix is copied into a header and must equal an nginx `location`: keep it plain.
fn valid_x_accel_prefix(prefix: &str) -> bool {
    prefix.len() >= 3
        && prefix.starts_with('/')
        && prefix.ends_with('/')
        && !prefix.contains("..")
        && !prefix.contains("//")
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
}

/// The documented example configuration printed by `albumen config example`.
pub const EXAMPLE: &str = include_str!("../../../config/albumen.example.toml");

#[cfg(test)]
mod tests;
