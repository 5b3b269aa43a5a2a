//! Albumen's integration tests: one binary, the real router in-process, a fresh temporary
//! library, cache and SQLite catalog per test.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod access;
mod admin;
mod admin_access;
mod admin_pages;
mod admin_scan;
mod auth;
mod big_album;
mod cli;
mod common;
mod connections;
mod decode_memory;
mod delivery;
mod explain;
mod fixtures;
mod guest;
mod heif;
mod html;
mod identity;
mod languages;
mod library;
mod login_link;
mod matrix;
mod media;
mod pages;
mod previews;
mod rate_limit;
mod scan;
mod share;
mod videos;
mod view_as;
mod zip;
