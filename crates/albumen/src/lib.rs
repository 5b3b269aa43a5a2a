//! Albumen: a self-hosted photo gallery with granular access control.
//!
//! The binary is a thin shell over [`cli`]; the server is [`web::build_app`] over an
//! [`state::AppState`].

pub mod auth;
#[cfg(test)]
mod ban_canary;
pub mod cli;
pub mod clock;
pub mod config;
pub mod gallery;
pub mod i18n;
pub mod library;
pub mod media_tools;
pub mod media_type;
pub mod preview;
pub mod preview_jobs;
pub mod scan;
pub mod server;
pub mod share;
pub mod state;
pub mod storage;
pub mod templates;
pub mod web;
pub mod zip;

pub use state::AppState;
pub use web::build_app;
