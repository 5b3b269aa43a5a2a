//! The binary itself, as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::fixtures::{Exif, jpeg};

fn albumen(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_albumen"));
    command
        .current_dir(dir)
        .env_remove("ALBUMEN_CONFIG")
        .env("ALBUMEN_LOG", "warn")
        .args(["--library", "photos", "--data", "data"]);
    command
}

#[test]
fn user_add_scan_and_config_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("photos/2013_01_19_Snow in Paris")).unwrap();
    std::fs::write(
        dir.path().join("photos/2013_01_19_Snow in Paris/a.jpg"),
        jpeg(32, 32, &Exif::default()),
    )
    .unwrap();

    let mut add = albumen(dir.path())
        .args(["user", "add", "grandma", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user grandma"));

    let list = albumen(dir.path()).args(["user", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("grandma"));

    let scan = albumen(dir.path())
        .args(["scan", "--json"])
        .output()
        .unwrap();
    assert!(
        scan.status.success(),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(
        (report["albums"].as_i64(), report["photos"].as_i64()),
        (Some(1), Some(1))
    );

    let printed = albumen(dir.path())
        .args(["config", "print"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(
        text.contains("path = \"photos\"") && text.contains("dir = \"data\""),
        "{text}"
    );
}

#[test]
fn a_bad_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("albumen.toml"),
        "[previews]\nmax_pixels = \"lots\"\n",
    )
    .unwrap();
    let out = albumen(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_pixels"), "{err}");

    let out = albumen(dir.path())
        .env("ALBUMEN__SERVER__BIND", "nowhere")
        .args(["--config", "/nonexistent.toml", "config", "check"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.toml"));
}

#[test]
fn serve_refuses_a_missing_library() {
    let dir = tempfile::tempdir().unwrap();
    let out = albumen(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("library folder"));
}
