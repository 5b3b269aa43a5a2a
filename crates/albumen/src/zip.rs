//! A streaming ZIP writer for exports: every entry STOREd (JPEG, HEIC and video are compressed
//! already; deflate would burn CPU to save almost nothing), CRC-32 computed while the bytes go
//! out and written in a data descriptor after them, zip64 records where sizes, offsets or the
//! entry count need them, UTF-8 names.
//!
//! Written here rather than taken from a crate because the web layer needs what streaming ZIP
//! crates do not offer: the archive's exact length before the first byte (`Content-Length`),
//! and any byte range of it (resumed downloads) from the same deterministic layout.
//!
//! [`ZipPlan`] is the layout, from names and sizes alone; [`stream`] produces the bytes.

mod plan;
mod stream;

pub use plan::{DosDateTime, EntryMeta, ZipPlan};
pub use stream::{EntryReader, EntrySource, stream};
