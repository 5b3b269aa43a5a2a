//! One call per ban of `clippy.toml` on this crate's decoders, each expecting the lint: a ban
//! that stops firing leaves its expectation unfulfilled, and `cargo clippy --all-targets
//! -- -D warnings` fails (with `--features heif` for libheif's). Never called; tests only.
#![allow(dead_code, reason = "never called: these exist to be linted")]

const NOWHERE: &str = "/nonexistent";

#[expect(clippy::disallowed_methods)]
fn image_open() {
    let _ = image::open(NOWHERE);
}

#[expect(clippy::disallowed_methods)]
fn image_reader_open() {
    let _ = image::ImageReader::open(NOWHERE);
}

#[cfg(feature = "heif")]
#[expect(clippy::disallowed_methods)]
fn heif_read_from_file() {
    let _ = libheif_rs::HeifContext::read_from_file(NOWHERE);
}

#[cfg(feature = "heif")]
#[expect(clippy::disallowed_methods)]
fn heif_read_file() {
    if let Ok(mut context) = libheif_rs::HeifContext::new() {
        let _ = context.read_file(NOWHERE);
    }
}
