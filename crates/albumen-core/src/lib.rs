//! Albumen's pure domain: typed ids, the catalog model and the access policy.
//!
//! Nothing here does IO or async work, so the policy can be property-tested in isolation and
//! every other crate depends on the same definitions.

pub mod access;
pub mod id;
pub mod model;

pub use id::{AlbumId, GroupId, IdParseError, PhotoId, ShareId, UserId};
