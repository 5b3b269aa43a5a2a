#![allow(clippy::unwrap_used)]

use figment::providers::{Env, Format, Toml};

use super::*;

fn no_env() -> Env {
    Env::prefixed("ALBUMEN_CONFIG_TEST_UNSET__").split("__")
}

fn from_toml(text: &str) -> Result<Config, ConfigError> {
    Config::from_layers(Toml::string(text), no_env(), &Overrides::default())
}

#[test]
fn the_example_file_is_the_default_configuration() {
    assert_eq!(from_toml(EXAMPLE).unwrap(), Config::default());
}

#[test]
fn file_values_override_defaults_and_flags_override_files() {
    let text = "[library]\npath = \"/srv/photos\"\n[server]\nbind = \"0.0.0.0:9000\"\n";
    let config = from_toml(text).unwrap();
    assert_eq!(config.library.path, PathBuf::from("/srv/photos"));
    assert_eq!(config.server.bind.port(), 9000);

    let flags = Overrides {
        library: Some(LibraryOverride {
            path: PathBuf::from("/mnt/pics"),
        }),
        ..Overrides::default()
    };
    let config = Config::from_layers(Toml::string(text), no_env(), &flags).unwrap();
    assert_eq!(config.library.path, PathBuf::from("/mnt/pics"));
    assert_eq!(config.server.bind.port(), 9000, "untouched by the flags");
}

#[test]
fn environment_overrides_the_file() {
    // A provider shaped exactly like the process one, fed from a private variable set.
    let env = figment::providers::Serialized::defaults(serde_json::json!({
        "server": {"bind": "127.0.0.1:7000"}
    }));
    let config = Config::from_layers(
        Toml::string("[server]\nbind = \"0.0.0.0:9000\"\n"),
        env,
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(config.server.bind.port(), 7000);
}

#[test]
fn presets_can_be_added_and_tuned() {
    let text = "[previews.presets.large]\nwidth = 2560\nheight = 2560\nmode = \"fit\"\nquality = 85\n\
                [previews.presets.thumb]\nwidth = 300\nheight = 300\nmode = \"crop\"\nquality = 80\n";
    let config = from_toml(text).unwrap();
    let names: Vec<_> = config.previews.presets.keys().cloned().collect();
    assert_eq!(names, ["grid", "large", "standard", "thumb"]);
    assert_eq!(config.previews.presets["thumb"].width, 300);
}

#[test]
fn errors_name_the_key_at_fault() {
    let cases = [
        ("[server]\nbind = \"not an address\"\n", "bind"),
        ("[server]\nbnid = \"127.0.0.1:1\"\n", "bnid"),
        ("[previews]\nmax_pixels = -5\n", "max_pixels"),
        (
            "[previews]\ndecode_memory_mb = 10\n",
            "previews.decode_memory_mb",
        ),
        (
            "[previews.presets.thumb]\nwidth = 5\nheight = 256\nmode = \"crop\"\nquality = 80\n",
            "previews.presets.thumb.width",
        ),
        (
            "[previews.presets.thumb]\nwidth = 256\nheight = 256\nmode = \"squash\"\nquality = 80\n",
            "mode",
        ),
        (
            "[previews.presets.\"Big One\"]\nwidth = 256\nheight = 256\nmode = \"fit\"\nquality = 80\n",
            "Big One",
        ),
        ("[database]\nurl = \"mysql://x/y\"\n", "database.url"),
        ("[auth]\nsession_days = 0\n", "auth.session_days"),
        (
            "[auth]\nlogin_attempts_per_account = 0\n",
            "auth.login_attempts_per_account",
        ),
        (
            "[auth]\nlogin_attempts_per_account_and_address = 0\n",
            "auth.login_attempts_per_account_and_address",
        ),
        (
            "[auth]\nlogin_address_delay_max_ms = 60001\nlogin_address_delay_ms = 1\n",
            "auth.login_address_delay_max_ms",
        ),
        (
            "[auth]\nlogin_address_delay_ms = 3000\nlogin_address_delay_max_ms = 2000\n",
            "auth.login_address_delay_ms",
        ),
        // Renamed: an address alone is no longer locked out.
        (
            "[auth]\nlogin_attempts_per_address = 20\n",
            "login_attempts_per_address",
        ),
        (
            "[auth]\nlogin_lockout_seconds = 0\n",
            "auth.login_lockout_seconds",
        ),
        (
            "[auth]\nlogin_lockout_seconds = 600\nlogin_lockout_max_seconds = 60\n",
            "auth.login_lockout_max_seconds",
        ),
        ("[server]\nsend_file = \"sendfile\"\n", "send_file"),
        (
            "[server]\nx_accel_prefix = \"/internal/../etc/\"\n",
            "server.x_accel_prefix",
        ),
        (
            "[server]\nx_accel_prefix = \"internal\"\n",
            "server.x_accel_prefix",
        ),
        (
            "[server]\nx_sendfile_root = \"photos\"\n",
            "server.x_sendfile_root",
        ),
    ];
    for (text, key) in cases {
        let message = from_toml(text).unwrap_err().to_string();
        assert!(message.contains(key), "{key:?} not named in: {message}");
    }
}

#[test]
fn a_built_in_preset_can_be_removed_but_not_a_required_one() {
    let config = from_toml("[previews.presets.large]\nenabled = false\n").unwrap();
    let names: Vec<_> = config.previews.presets.keys().cloned().collect();
    assert_eq!(names, ["grid", "standard", "thumb"]);
    let message = from_toml("[previews.presets.standard]\nenabled = false\n")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("previews.presets.standard") && message.contains("cannot be removed"),
        "{message}"
    );
}

#[test]
fn required_presets_cannot_be_missing() {
    let mut config = Config::default();
    config.previews.presets.remove("standard");
    let message = config.validate().unwrap_err().to_string();
    assert!(message.contains("previews.presets.standard"), "{message}");
}

#[test]
fn printing_hides_the_database_password() {
    let config = from_toml("[database]\nurl = \"postgres://u:hunter2@db/albumen\"\n").unwrap();
    let printed = config.to_redacted_toml();
    assert!(!printed.contains("hunter2"));
    assert!(printed.contains("postgres://u:***@db/albumen"));
}

#[test]
fn database_and_cache_default_into_the_data_dir() {
    let config = from_toml("[data]\ndir = \"/var/lib/albumen\"\n").unwrap();
    assert_eq!(
        config.database_url(),
        "sqlite:///var/lib/albumen/albumen.db"
    );
    assert_eq!(config.cache_dir(), PathBuf::from("/var/lib/albumen/cache"));
}

#[test]
fn offload_modes_are_named_as_in_the_documentation() {
    let config =
        from_toml("[server]\nsend_file = \"x-accel\"\nx_accel_prefix = \"/_protected/\"\n")
            .unwrap();
    assert_eq!(config.server.send_file, SendFile::XAccel);
    assert_eq!(config.server.x_accel_prefix, "/_protected/");
    let config = from_toml("[server]\nsend_file = \"x-sendfile\"\n").unwrap();
    assert_eq!(config.server.send_file, SendFile::XSendfile);
}
