//! Flows a person goes through, proven in a real browser: headless Chromium (Debian's
//! `chromium`) driven through chromedriver over WebDriver, against the real router served over
//! TCP. In-process tests send no `Origin`, no `Sec-Fetch-*` headers and run no CSP; these do.
//! Without Chromium the tests say so and pass, unless `ALBUMEN_REQUIRE_BROWSER` is set (CI).
#![allow(clippy::unwrap_used, unreachable_pub)]

mod access;
mod admin;
mod big_album;
#[allow(dead_code)]
#[path = "../it/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "../it/fixtures.rs"]
mod fixtures;
mod gallery;
mod harness;
mod login;
mod scan;
mod share;
mod viewer;
