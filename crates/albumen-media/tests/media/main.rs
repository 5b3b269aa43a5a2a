//! Integration tests for albumen-media. All inputs are generated here (see `fixtures`); only
//! the tiny expected outputs under `tests/golden/` are committed.

#![allow(clippy::unwrap_used)]

mod encodings;
mod fixtures;
mod formats;
mod golden;
mod heif;
mod limits;
mod metadata;
mod orientation;
mod probe;
mod raw;
mod render;
mod robustness;
