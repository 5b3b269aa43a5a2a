//! The catalog interface the application programs against: one trait per area, each with the
//! records it exchanges, and [`Repo`], all of them at once. A function that needs one area
//! takes that area's trait (`&dyn Sessions`); `Arc<dyn Repo>` upcasts to any of them.

mod catalog;
mod jobs;
mod policies;
mod sessions;
mod shares;
mod users;

pub use catalog::{
    AlbumUpsert, Catalog, CatalogAlbum, CatalogFile, PhotoKey, PhotoUpsert, Problem, ProblemStage,
    Reader, ScanOutcome, ScanRecord,
};
pub use jobs::{Job, JobCounts, Jobs};
pub use policies::Policies;
pub use sessions::{NewLoginLink, NewSession, SessionRecord, Sessions, StampCheck};
pub use shares::{NewShare, ShareRecord, ShareTarget, Shares};
pub use users::{Group, NewUser, UserUpdate, Users};

/// Every area of the catalog: what a connection implements and the application state holds.
/// Each area trait is `Debug`, so a handle holding one can derive it.
pub trait Repo: Users + Sessions + Catalog + Policies + Shares + Jobs + Send + Sync {}

impl<T: Users + Sessions + Catalog + Policies + Shares + Jobs> Repo for T {}
