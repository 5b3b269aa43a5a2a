//! The one authorization decision.
//!
//! [`decide`] is a pure function of the subject, the action and the facts about the target, with
//! the exact semantics of the gallery we replace (default deny; album policy with "photos
//! inherit"; a photo policy overrides the album's in both directions; "can see all").
//! [`authorize`] turns an allow into a [`Grant`], which only this module can construct and which
//! storage demands before it hands out media bytes. List queries use a [`VisibilityScope`] built
//! from the same subject, which the repository turns into SQL.

use std::collections::BTreeSet;

use crate::id::{AlbumId, GroupId, PhotoId, UserId};
use crate::model::Permissions;

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
        }
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
    /// `public`, or an authenticated subject listed directly or through one of its groups.
    pub fn allows(&self, subject: &Subject) -> bool {
        self.public
            || subject.user.is_some_and(|user| {
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
pub fn decide(subject: &Subject, action: Action, target: Target<'_>) -> Decision {
    // Download is granted exactly where view is, until share links restrict downloads.
    let _ = action;
    let allowed = subject.sees_all
        || match target {
            Target::Album(album) => album
                .policy
                .as_ref()
                .is_some_and(|p| p.policy.allows(subject)),
            Target::Photo(photo) => match &photo.policy {
                // A photo policy overrides the album's, to widen or to narrow.
                Some(own) => own.allows(subject),
                None => photo
                    .album
                    .policy
                    .as_ref()
                    .is_some_and(|p| p.inherit && p.policy.allows(subject)),
            },
        };
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// A denial. Deliberately carries nothing: callers answer exactly as for a nonexistent object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not found")]
pub struct Denied;

/// Proof that an action on one photo was authorized. Only this module constructs it, so any
/// function that takes a `&Grant` cannot be reached without the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    photo: PhotoId,
    action: Action,
}

impl Grant {
    pub fn photo(&self) -> PhotoId {
        self.photo
    }

    pub fn action(&self) -> Action {
        self.action
    }

    /// Whether this grant covers `action` on `photo`. A download grant also covers viewing.
    pub fn covers(&self, photo: PhotoId, action: Action) -> bool {
        self.photo == photo && (self.action == action || self.action == Action::Download)
    }
}

/// Runs [`decide`] and hands out a [`Grant`] on allow.
pub fn authorize(subject: &Subject, action: Action, facts: &PhotoFacts) -> Result<Grant, Denied> {
    match decide(subject, action, Target::Photo(facts)) {
        Decision::Allow => Ok(Grant {
            photo: facts.id,
            action,
        }),
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
pub fn system_grant(photo: PhotoId, reason: SystemReason) -> Grant {
    let _ = reason;
    Grant {
        photo,
        action: Action::Download,
    }
}

/// What a subject may list, in the form the repository turns into a SQL filter. Built only from a
/// [`Subject`], so lists and [`decide`] cannot disagree about who the viewer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisibilityScope {
    /// "Can see all": no filter.
    Everything,
    /// Only objects whose policy allows this (possibly anonymous) user and groups.
    Restricted {
        user: Option<UserId>,
        groups: Vec<GroupId>,
    },
}

impl VisibilityScope {
    pub fn of(subject: &Subject) -> Self {
        if subject.sees_all {
            Self::Everything
        } else {
            Self::Restricted {
                user: subject.user,
                groups: subject.groups.iter().copied().collect(),
            }
        }
    }
}
