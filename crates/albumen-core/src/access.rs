//! The one authorization decision.
//!
//! [`decide`] is a pure function of the subject, the action and the facts about the target, with
//! the exact semantics of the gallery we replace (default deny; album policy with "photos
//! inherit"; a photo policy overrides the album's in both directions; "can see all"), plus the
//! rights of the share links the subject holds ([`ShareGrant`]).
//! [`authorize`] turns an allow into a [`Grant`], which only this module can construct and which
//! carries what storage needs to read the photo (its [`MediaRef`]): storage takes nothing else,
//! so it never reads a location a caller put together. List queries use a [`VisibilityScope`]
//! built from the same subject, which the repository turns into SQL.
//!
//! An unlisted album is reachable only by name or by link: its `public` flag (and the `public`
//! flag of its photos' own policies) lets nobody in, so counting ids finds nothing.
//!
//! `Subject::user`, `Subject::with_share`, `ShareGrant::new`, `MediaRef::new` and
//! `system_grant` are banned by `clippy.toml` outside the few places that resolve sessions and
//! links, map catalog rows or run system jobs.

use std::collections::BTreeSet;

use crate::id::{AlbumId, GroupId, PhotoId, ShareId, UserId};
use crate::model::{MediaKind, Permissions};

mod explain;
#[cfg(test)]
mod tests;

pub use explain::{Explanation, Rule, explain};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subject {
    user: Option<UserId>,
    groups: BTreeSet<GroupId>,
    sees_all: bool,
    shares: Vec<ShareGrant>,
}

/// What one open share link lets its holder do, resolved from the link when the request
/// arrives (a revoked or expired link yields no grant at all).
///
/// An album link covers the album (and, if the link says so, every album below it, listed here
/// one by one) and those of its photos that follow their album, i.e. have no policy of their
/// own: a photo an administrator restricted keeps its restriction. A photo link covers exactly
/// the photos it names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShareGrant {
    share: Option<ShareId>,
    albums: BTreeSet<AlbumId>,
    photos: BTreeSet<PhotoId>,
    /// Originals may be downloaded one by one.
    allow_download: bool,
    /// Albums may be exported as a ZIP of originals.
    allow_zip: bool,
}

impl ShareGrant {
    /// The rights of one live link. Built only by the share resolver, from a stored link.
    pub fn new(
        share: Option<ShareId>,
        albums: BTreeSet<AlbumId>,
        photos: BTreeSet<PhotoId>,
        allow_download: bool,
        allow_zip: bool,
    ) -> Self {
        Self {
            share,
            albums,
            photos,
            allow_download,
            allow_zip,
        }
    }

    pub fn share(&self) -> Option<ShareId> {
        self.share
    }

    pub fn albums(&self) -> &BTreeSet<AlbumId> {
        &self.albums
    }

    pub fn photos(&self) -> &BTreeSet<PhotoId> {
        &self.photos
    }

    pub fn allow_download(&self) -> bool {
        self.allow_download
    }

    pub fn allow_zip(&self) -> bool {
        self.allow_zip
    }

    /// Whether the link reaches `target` at all (for viewing).
    pub fn reaches(&self, target: Target<'_>) -> bool {
        match target {
            Target::Album(album) => self.albums.contains(&album.id),
            Target::Photo(photo) => {
                self.photos.contains(&photo.id)
                    || (photo.policy.is_none() && self.albums.contains(&photo.album.id))
            }
        }
    }

    /// Whether the link lets its holder do `action` on `target`.
    pub fn allows(&self, action: Action, target: Target<'_>) -> bool {
        self.reaches(target)
            && match action {
                Action::View => true,
                Action::Download => self.allow_download,
                Action::Export => self.allow_zip,
            }
    }
}

impl Subject {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn user(
        id: UserId,
        groups: impl IntoIterator<Item = GroupId>,
        permissions: Permissions,
    ) -> Self {
        Self {
            user: Some(id),
            groups: groups.into_iter().collect(),
            sees_all: permissions.sees_all(),
            shares: Vec::new(),
        }
    }

    /// The same subject holding one more share link.
    pub fn with_share(mut self, grant: ShareGrant) -> Self {
        self.shares.push(grant);
        self
    }

    pub fn shares(&self) -> &[ShareGrant] {
        &self.shares
    }

    pub fn user_id(&self) -> Option<UserId> {
        self.user
    }

    pub fn is_authenticated(&self) -> bool {
        self.user.is_some()
    }
}

/// Who may see an object: everyone, and/or listed users and groups.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    pub public: bool,
    pub users: BTreeSet<UserId>,
    pub groups: BTreeSet<GroupId>,
}

impl Policy {
    /// `public` (unless the album is unlisted), or an authenticated subject listed directly or
    /// through one of its groups.
    pub fn allows(&self, subject: &Subject, unlisted: bool) -> bool {
        (self.public && !unlisted) || self.names(subject)
    }

    /// Whether the policy names the subject, directly or through one of its groups.
    pub fn names(&self, subject: &Subject) -> bool {
        subject.user.is_some_and(|user| {
            self.users.contains(&user) || !self.groups.is_disjoint(&subject.groups)
        })
    }
}

/// An album's policy; `inherit` lets photos without their own policy follow it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlbumPolicy {
    pub policy: Policy,
    pub inherit: bool,
}

/// Everything [`decide`] needs to know about an album.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbumFacts {
    pub id: AlbumId,
    pub policy: Option<AlbumPolicy>,
    /// Reachable only by name or link: public flags do not apply to it or its photos.
    pub unlisted: bool,
}

/// Everything [`decide`] needs to know about a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoFacts {
    pub id: PhotoId,
    pub album: AlbumFacts,
    pub policy: Option<Policy>,
}

/// What the subject wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the album or photo page, its previews and its place in lists.
    View,
    /// Fetch the original bytes.
    Download,
    /// Fetch the originals of an album as one archive.
    Export,
}

/// The object acted upon.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Album(&'a AlbumFacts),
    Photo(&'a PhotoFacts),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

/// The pure policy. Default deny: no policy means only "can see all" subjects get through.
/// Whoever may view by policy may also download and export; a share link grants viewing, and
/// downloading or exporting only when the link allows it.
pub fn decide(subject: &Subject, action: Action, target: Target<'_>) -> Decision {
    let allowed =
        policy_allows(subject, target) || subject.shares.iter().any(|s| s.allows(action, target));
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// The policy part of [`decide`]: "can see all", the album's policy, the photo's own.
fn policy_allows(subject: &Subject, target: Target<'_>) -> bool {
    subject.sees_all
        || match target {
            Target::Album(album) => album
                .policy
                .as_ref()
                .is_some_and(|p| p.policy.allows(subject, album.unlisted)),
            Target::Photo(photo) => {
                match &photo.policy {
                    // A photo policy overrides the album's, to widen or to narrow.
                    Some(own) => own.allows(subject, photo.album.unlisted),
                    None => photo.album.policy.as_ref().is_some_and(|p| {
                        p.inherit && p.policy.allows(subject, photo.album.unlisted)
                    }),
                }
            }
        }
}

/// A denial. Deliberately carries nothing: callers answer exactly as for a nonexistent object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not found")]
pub struct Denied;

/// Where one photo's bytes are and what they are: what storage needs to read them. Built from
/// a catalog row only (`MediaRef::new` is banned elsewhere), and handed to storage only inside
/// a [`Grant`], so storage never reads a location a caller put together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRef {
    photo: PhotoId,
    kind: MediaKind,
    path: String,
    fs_path: Option<Vec<u8>>,
    fingerprint: String,
    size: u64,
}

impl MediaRef {
    /// `path` is the NFC catalog path; `fs_path` the exact bytes on disk when they differ.
    pub fn new(
        photo: PhotoId,
        kind: MediaKind,
        path: String,
        fs_path: Option<Vec<u8>>,
        fingerprint: String,
        size: u64,
    ) -> Self {
        Self {
            photo,
            kind,
            path,
            fs_path,
            fingerprint,
            size,
        }
    }

    pub fn photo(&self) -> PhotoId {
        self.photo
    }

    pub fn kind(&self) -> MediaKind {
        self.kind
    }

    /// The library-relative catalog path (NFC, `/`-separated).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The exact relative path bytes on disk, when they differ from [`Self::path`].
    pub fn fs_path(&self) -> Option<&[u8]> {
        self.fs_path.as_deref()
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The size the scan recorded.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// Proof that an action on one photo was authorized, carrying what storage needs to act on
/// it. Only this module constructs it, so any function that takes a `&Grant` cannot be reached
/// without the check, nor pointed at another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    action: Action,
    media: MediaRef,
}

impl Grant {
    pub fn photo(&self) -> PhotoId {
        self.media.photo
    }

    pub fn action(&self) -> Action {
        self.action
    }

    /// The photo's bytes this grant opens.
    pub fn media(&self) -> &MediaRef {
        &self.media
    }

    /// Whether this grant covers `action` on its photo. Downloading or exporting a photo reads
    /// its original, which also covers viewing it.
    pub fn covers(&self, action: Action) -> bool {
        let reads_original = |a| matches!(a, Action::Download | Action::Export);
        self.action == action
            || reads_original(self.action) && (action == Action::View || reads_original(action))
    }
}

/// Runs [`decide`] and hands out a [`Grant`] for `media` on allow. `media` must be the photo
/// the facts describe (both come from one catalog read); anything else is a denial.
pub fn authorize(
    subject: &Subject,
    action: Action,
    facts: &PhotoFacts,
    media: MediaRef,
) -> Result<Grant, Denied> {
    if media.photo != facts.id {
        return Err(Denied);
    }
    match decide(subject, action, Target::Photo(facts)) {
        Decision::Allow => Ok(Grant { action, media }),
        Decision::Deny => Err(Denied),
    }
}

/// Why the system itself needs media bytes without a viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemReason {
    /// Background preview generation.
    PreviewJob,
    /// An administrator's command-line operation.
    Cli,
}

/// A grant for the system's own work. Banned by `clippy.toml` outside the few places allowed to
/// use it, so every use is visible in review.
pub fn system_grant(media: MediaRef, reason: SystemReason) -> Grant {
    let _ = reason;
    Grant {
        action: Action::Download,
        media,
    }
}

/// What a subject may list, in the form the repository turns into a SQL filter. Built only from a
/// [`Subject`], so lists and [`decide`] cannot disagree about who the viewer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisibilityScope {
    /// "Can see all": no filter.
    Everything,
    /// Only objects whose policy allows this (possibly anonymous) user and groups, or that a
    /// share link the subject holds reaches (see [`ShareGrant::reaches`]).
    Restricted {
        user: Option<UserId>,
        groups: Vec<GroupId>,
        shared_albums: Vec<AlbumId>,
        shared_photos: Vec<PhotoId>,
    },
}

impl VisibilityScope {
    pub fn of(subject: &Subject) -> Self {
        if subject.sees_all {
            return Self::Everything;
        }
        let albums: BTreeSet<AlbumId> = subject
            .shares
            .iter()
            .flat_map(|s| &s.albums)
            .copied()
            .collect();
        let photos: BTreeSet<PhotoId> = subject
            .shares
            .iter()
            .flat_map(|s| &s.photos)
            .copied()
            .collect();
        Self::Restricted {
            user: subject.user,
            groups: subject.groups.iter().copied().collect(),
            shared_albums: albums.into_iter().collect(),
            shared_photos: photos.into_iter().collect(),
        }
    }

    /// Whether unlisted albums appear in lists: only for subjects who can see everything.
    pub fn lists_unlisted(&self) -> bool {
        matches!(self, Self::Everything)
    }
}
