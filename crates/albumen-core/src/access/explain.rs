//! Why [`decide`](super::decide) decides as it does: the rule that settled it, in words.

use std::fmt;

use super::{Action, Decision, Policy, Subject, Target};
use crate::id::{GroupId, ShareId};

/// A decision with the rule that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub decision: Decision,
    pub rule: Rule,
}

impl Explanation {
    /// `visible` or `hidden`, as the CLI and the API print it.
    pub fn verdict(&self) -> &'static str {
        match self.decision {
            Decision::Allow => "visible",
            Decision::Deny => "hidden",
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.verdict(), self.rule)
    }
}

/// The rule that decided. Where several groups would do, the one with the lowest id is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The subject can see all photos.
    SeesAll,
    AlbumPublic,
    AlbumListsUser,
    AlbumListsGroup(GroupId),
    /// The album has no policy, so it is private.
    AlbumNoPolicy,
    /// The album's policy lists neither the subject nor its groups and is not public.
    AlbumPolicyExcludes,
    /// The policy is public, but the album is unlisted: only those it names, or a link, get in.
    AlbumUnlisted,
    PhotoOwnPublic,
    PhotoOwnListsUser,
    PhotoOwnListsGroup(GroupId),
    /// The photo's own policy (possibly empty) does not let the subject in, whatever the album says.
    PhotoOwnPolicyExcludes,
    /// The photo has no policy of its own and follows its album's, which decided by this rule.
    PhotoInheritsAlbum(Box<Rule>),
    /// The photo has no policy of its own and its album's policy does not pass to photos.
    AlbumDoesNotInherit,
    /// A share link the subject holds allows it (`None`: a link not yet stored).
    ShareLink(Option<ShareId>),
    /// A share link reaches the object, but does not allow downloading or exporting it; the
    /// policy says no by the boxed rule.
    ShareWithholds(Option<ShareId>, Box<Rule>),
}

impl Rule {
    /// Whether this rule lets the subject through.
    pub fn allows(&self) -> bool {
        match self {
            Self::SeesAll
            | Self::AlbumPublic
            | Self::AlbumListsUser
            | Self::AlbumListsGroup(_)
            | Self::PhotoOwnPublic
            | Self::PhotoOwnListsUser
            | Self::PhotoOwnListsGroup(_)
            | Self::ShareLink(_) => true,
            Self::AlbumNoPolicy
            | Self::AlbumPolicyExcludes
            | Self::AlbumUnlisted
            | Self::PhotoOwnPolicyExcludes
            | Self::AlbumDoesNotInherit
            | Self::ShareWithholds(..) => false,
            Self::PhotoInheritsAlbum(album) => album.allows(),
        }
    }

    /// The group the rule names, if any (for rendering it with its name).
    pub fn group(&self) -> Option<GroupId> {
        match self {
            Self::AlbumListsGroup(group) | Self::PhotoOwnListsGroup(group) => Some(*group),
            Self::PhotoInheritsAlbum(album) | Self::ShareWithholds(_, album) => album.group(),
            _ => None,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SeesAll => f.write_str("the user can see all photos"),
            Self::AlbumPublic => f.write_str("album policy is public"),
            Self::AlbumListsUser => f.write_str("album policy lists the user"),
            Self::AlbumListsGroup(group) => write!(f, "album policy lists group {group}"),
            Self::AlbumNoPolicy => f.write_str("album has no policy (private)"),
            Self::AlbumPolicyExcludes => f.write_str(
                "album policy is not public and lists neither the user nor their groups",
            ),
            Self::AlbumUnlisted => f.write_str(
                "album is unlisted: a public policy opens it to link holders only, and the \
                 policy names neither the user nor their groups",
            ),
            Self::PhotoOwnPublic => f.write_str("photo's own policy is public"),
            Self::PhotoOwnListsUser => f.write_str("photo's own policy lists the user"),
            Self::PhotoOwnListsGroup(group) => write!(f, "photo's own policy lists group {group}"),
            Self::PhotoOwnPolicyExcludes => f.write_str(
                "photo's own policy (which overrides the album's) is not public and lists \
                 neither the user nor their groups",
            ),
            Self::PhotoInheritsAlbum(album) => write!(f, "{album}, photo inherits"),
            Self::AlbumDoesNotInherit => f.write_str(
                "photo has no policy of its own and its album's policy does not pass to photos",
            ),
            Self::ShareLink(Some(id)) => write!(f, "share link {id} allows it"),
            Self::ShareLink(None) => f.write_str("a share link allows it"),
            Self::ShareWithholds(id, policy) => {
                match id {
                    Some(id) => write!(f, "share link {id}")?,
                    None => f.write_str("a share link")?,
                }
                write!(f, " shows it but does not allow this; {policy}")
            }
        }
    }
}

/// How a policy lets a subject in, if it does.
enum Match {
    Public,
    User,
    Group(GroupId),
}

/// How `policy` lets `subject` in; `Err(())` when only its public flag would, and the album is
/// unlisted.
fn matches(policy: &Policy, subject: &Subject, unlisted: bool) -> Result<Option<Match>, ()> {
    if policy.public && !unlisted {
        return Ok(Some(Match::Public));
    }
    let named = named(policy, subject);
    if named.is_none() && policy.public {
        return Err(());
    }
    Ok(named)
}

fn named(policy: &Policy, subject: &Subject) -> Option<Match> {
    let user = subject.user?;
    if policy.users.contains(&user) {
        return Some(Match::User);
    }
    policy
        .groups
        .intersection(&subject.groups)
        .next()
        .map(|group| Match::Group(*group))
}

/// [`decide`](super::decide), with the rule that decided. Property-tested to agree with it.
pub fn explain(subject: &Subject, action: Action, target: Target<'_>) -> Explanation {
    let policy = policy_rule(subject, target);
    let rule = if policy.allows() {
        policy
    } else if let Some(share) = subject.shares.iter().find(|s| s.allows(action, target)) {
        Rule::ShareLink(share.share)
    } else if let Some(share) = subject.shares.iter().find(|s| s.reaches(target)) {
        Rule::ShareWithholds(share.share, Box::new(policy))
    } else {
        policy
    };
    let decision = if rule.allows() {
        Decision::Allow
    } else {
        Decision::Deny
    };
    Explanation { decision, rule }
}

/// The rule of the policy part: "can see all", the album's policy, the photo's own.
fn policy_rule(subject: &Subject, target: Target<'_>) -> Rule {
    if subject.sees_all {
        Rule::SeesAll
    } else {
        match target {
            Target::Album(album) => match &album.policy {
                None => Rule::AlbumNoPolicy,
                Some(p) => match matches(&p.policy, subject, album.unlisted) {
                    Ok(Some(Match::Public)) => Rule::AlbumPublic,
                    Ok(Some(Match::User)) => Rule::AlbumListsUser,
                    Ok(Some(Match::Group(group))) => Rule::AlbumListsGroup(group),
                    Ok(None) => Rule::AlbumPolicyExcludes,
                    Err(()) => Rule::AlbumUnlisted,
                },
            },
            Target::Photo(photo) => match &photo.policy {
                Some(own) => match matches(own, subject, photo.album.unlisted) {
                    Ok(Some(Match::Public)) => Rule::PhotoOwnPublic,
                    Ok(Some(Match::User)) => Rule::PhotoOwnListsUser,
                    Ok(Some(Match::Group(group))) => Rule::PhotoOwnListsGroup(group),
                    Ok(None) => Rule::PhotoOwnPolicyExcludes,
                    Err(()) => Rule::AlbumUnlisted,
                },
                None => match &photo.album.policy {
                    Some(p) if !p.inherit => Rule::AlbumDoesNotInherit,
                    _ => Rule::PhotoInheritsAlbum(Box::new(policy_rule(
                        subject,
                        Target::Album(&photo.album),
                    ))),
                },
            },
        }
    }
}
