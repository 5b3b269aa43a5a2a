//! The SQL form of the access policy: a [`VisibilityScope`] becomes `WHERE` fragments plus the
//! values they bind, mirroring [`albumen_core::access::decide`] exactly:
//!
//! - a policy allows ⇔ `public` OR (the subject is a user AND (it is listed OR one of its groups
//!   is listed));
//! - a public policy allows only when the album (the photo's album, for photos) is not unlisted;
//! - an album is visible ⇔ it has a policy that allows;
//! - a photo is visible ⇔ its own policy allows if it has one; otherwise its album has a policy
//!   with `inherit` set that allows;
//! - or a share link the subject holds reaches it: the album is one of the link's albums; the
//!   photo is one of the link's photos, or has no policy of its own and sits in one of the link's
//!   albums.
//!
//! "Can see all" ([`VisibilityScope::Everything`]) is no filter at all. The user id and group ids
//! travel as bind parameters numbered after the query's own; every fragment of one
//! [`Visibility`] refers to the same parameters, so a query may use any number of them.

use albumen_core::access::VisibilityScope;
use sqlx::Any;
use sqlx::any::AnyArguments;

type AnyQuery<'q> = sqlx::query::Query<'q, Any, AnyArguments>;

/// The conditions for one scope, and the values their placeholders stand for.
#[derive(Debug, Clone)]
pub(crate) struct Visibility {
    album: String,
    photo: String,
    listed: &'static str,
    /// The album's date as the scope sees it (see [`Visibility::album_date`]).
    date: String,
    binds: Vec<i64>,
    /// How many of `binds` the album condition uses (the photo links' come after): PostgreSQL
    /// refuses a value bound to no placeholder.
    album_binds: usize,
}

impl Visibility {
    /// Fragments whose placeholders start at `$first` (the query's own come before).
    pub(crate) fn new(scope: &VisibilityScope, first: usize) -> Self {
        match scope {
            VisibilityScope::Everything => Self {
                album: "1 = 1".to_owned(),
                photo: "1 = 1".to_owned(),
                listed: "1 = 1",
                // Kept up to date by every scan: the name's date or the oldest photo's.
                date: "a.date".to_owned(),
                binds: Vec::new(),
                album_binds: 0,
            },
            VisibilityScope::Restricted {
                user,
                groups,
                shared_albums,
                shared_photos,
            } => {
                let mut binds = Vec::new();
                // Anonymous subjects match public policies only, whatever groups they carry.
                let listed = user.map(|user| {
                    binds.push(user.get());
                    let user_param = format!("${first}");
                    let group_params: Vec<String> = groups
                        .iter()
                        .enumerate()
                        .map(|(i, group)| {
                            binds.push(group.get());
                            format!("${}", first + 1 + i)
                        })
                        .collect();
                    Listed {
                        user: user_param,
                        groups: group_params.join(", "),
                    }
                });
                // Public flags count only outside unlisted albums.
                let album_listed = "a.unlisted = 0";
                let photo_album_listed = "NOT EXISTS (SELECT 1 FROM albums ua \
                     WHERE ua.id = p.album_id AND ua.unlisted <> 0)";
                let album_allows = allows(
                    "ap",
                    "album_policy_users",
                    "album_policy_groups",
                    "album_id",
                    listed.as_ref(),
                    album_listed,
                );
                let inherited_allows = allows(
                    "ap",
                    "album_policy_users",
                    "album_policy_groups",
                    "album_id",
                    listed.as_ref(),
                    photo_album_listed,
                );
                let photo_allows = allows(
                    "pp",
                    "photo_policy_users",
                    "photo_policy_groups",
                    "photo_id",
                    listed.as_ref(),
                    photo_album_listed,
                );
                let mut album = format!(
                    "(EXISTS (SELECT 1 FROM album_policies ap WHERE ap.album_id = a.id \
                       AND ({album_allows}))"
                );
                let mut photo = format!(
                    "((EXISTS (SELECT 1 FROM photo_policies pp WHERE pp.photo_id = p.id \
                        AND ({photo_allows})) \
                      OR (NOT EXISTS (SELECT 1 FROM photo_policies pp WHERE pp.photo_id = p.id) \
                        AND EXISTS (SELECT 1 FROM album_policies ap \
                          WHERE ap.album_id = p.album_id AND ap.inherit <> 0 \
                            AND ({inherited_allows}))))"
                );
                // Share links widen the policy; no link, no `IN ()`.
                let params = |binds: &mut Vec<i64>, ids: &mut dyn Iterator<Item = i64>| {
                    let list: Vec<String> = ids
                        .map(|id| {
                            binds.push(id);
                            format!("${}", first + binds.len() - 1)
                        })
                        .collect();
                    list.join(", ")
                };
                let albums = params(&mut binds, &mut shared_albums.iter().map(|a| a.get()));
                let album_binds = binds.len();
                let photos = params(&mut binds, &mut shared_photos.iter().map(|p| p.get()));
                if !albums.is_empty() {
                    album.push_str(&format!(" OR a.id IN ({albums})"));
                    photo.push_str(&format!(
                        " OR (p.album_id IN ({albums}) AND NOT EXISTS \
                           (SELECT 1 FROM photo_policies pp WHERE pp.photo_id = p.id))"
                    ));
                }
                if !photos.is_empty() {
                    photo.push_str(&format!(" OR p.id IN ({photos})"));
                }
                album.push(')');
                photo.push(')');
                // The name's date, else the oldest photo this scope may see: a hidden photo's
                // date must not show through.
                let date = format!(
                    "COALESCE(a.name_date, (SELECT substr(MIN(p.taken_at), 1, 10) FROM photos p \
                       WHERE p.album_id = a.id AND p.missing_since IS NULL AND {photo}))"
                );
                Self {
                    album,
                    photo,
                    listed: "a.unlisted = 0",
                    date,
                    binds,
                    album_binds,
                }
            }
        }
    }

    /// Condition on an album row aliased `a`.
    pub(crate) fn album(&self) -> &str {
        &self.album
    }

    /// Condition on a photo row aliased `p`.
    pub(crate) fn photo(&self) -> &str {
        &self.photo
    }

    /// Condition on an album row aliased `a` for lists: unlisted albums are reachable (through
    /// their share links) but listed only to subjects who see everything.
    pub(crate) fn listed(&self) -> &str {
        self.listed
    }

    /// The date of an album row aliased `a`, over the photos the scope may see.
    pub(crate) fn album_date(&self) -> &str {
        &self.date
    }

    /// Binds the scope's values after the query's own, for a query using the photo condition
    /// or the album date (with or without the album condition).
    pub(crate) fn bind<'q>(&self, mut query: AnyQuery<'q>) -> AnyQuery<'q> {
        for value in &self.binds {
            query = query.bind(*value);
        }
        query
    }

    /// Binds what the album condition uses, for a query using only it.
    pub(crate) fn bind_album<'q>(&self, mut query: AnyQuery<'q>) -> AnyQuery<'q> {
        for value in &self.binds[..self.album_binds] {
            query = query.bind(*value);
        }
        query
    }
}

/// Placeholders for an authenticated subject: its user id and its groups (maybe none).
struct Listed {
    user: String,
    groups: String,
}

/// "The policy row aliased `alias` allows the subject", for a policy table whose lists are
/// `users_table` and `groups_table`, keyed by `key`; its public flag counts when `public_ok`.
fn allows(
    alias: &str,
    users_table: &str,
    groups_table: &str,
    key: &str,
    listed: Option<&Listed>,
    public_ok: &str,
) -> String {
    let mut condition = format!("({alias}.public <> 0 AND {public_ok})");
    if let Some(listed) = listed {
        condition.push_str(&format!(
            " OR EXISTS (SELECT 1 FROM {users_table} lu WHERE lu.{key} = {alias}.{key} \
               AND lu.user_id = {})",
            listed.user
        ));
        // No groups, no `IN ()`: the clause is simply left out.
        if !listed.groups.is_empty() {
            condition.push_str(&format!(
                " OR EXISTS (SELECT 1 FROM {groups_table} lg WHERE lg.{key} = {alias}.{key} \
                   AND lg.group_id IN ({}))",
                listed.groups
            ));
        }
    }
    condition
}

#[cfg(test)]
mod tests {
    use albumen_core::{AlbumId, GroupId, PhotoId, UserId};

    use super::*;

    #[test]
    fn everything_is_unfiltered() {
        let v = Visibility::new(&VisibilityScope::Everything, 1);
        assert_eq!((v.album(), v.photo()), ("1 = 1", "1 = 1"));
        assert!(v.binds.is_empty());
    }

    #[test]
    fn anonymous_scopes_bind_nothing_and_match_public_only() {
        let scope = VisibilityScope::Restricted {
            user: None,
            groups: vec![GroupId::new(3)],
            shared_albums: Vec::new(),
            shared_photos: Vec::new(),
        };
        let v = Visibility::new(&scope, 1);
        assert!(v.binds.is_empty());
        assert!(!v.album().contains('$') && !v.photo().contains('$'));
        assert!(!v.photo().contains("user_id") && !v.photo().contains("group_id"));
    }

    #[test]
    fn placeholders_follow_the_query_and_never_form_an_empty_list() {
        let scope = VisibilityScope::Restricted {
            user: Some(UserId::new(7)),
            groups: vec![GroupId::new(3), GroupId::new(5)],
            shared_albums: Vec::new(),
            shared_photos: Vec::new(),
        };
        let v = Visibility::new(&scope, 2);
        assert_eq!(v.binds, [7, 3, 5]);
        assert!(v.photo().contains("user_id = $2") && v.photo().contains("IN ($3, $4)"));
        assert!(!v.photo().contains("$1") && !v.photo().contains("$5"));

        let alone = VisibilityScope::Restricted {
            user: Some(UserId::new(7)),
            groups: Vec::new(),
            shared_albums: Vec::new(),
            shared_photos: Vec::new(),
        };
        let v = Visibility::new(&alone, 1);
        assert_eq!(v.binds, [7]);
        assert!(!v.album().contains("IN (") && !v.photo().contains("IN ("));
    }

    #[test]
    fn share_links_bind_after_the_subject() {
        let scope = VisibilityScope::Restricted {
            user: Some(UserId::new(7)),
            groups: vec![GroupId::new(3)],
            shared_albums: vec![AlbumId::new(10), AlbumId::new(11)],
            shared_photos: vec![PhotoId::new(20)],
        };
        let v = Visibility::new(&scope, 2);
        assert_eq!(v.binds, [7, 3, 10, 11, 20]);
        assert!(v.album().contains("a.id IN ($4, $5)"), "{}", v.album());
        assert!(v.photo().contains("p.album_id IN ($4, $5)") && v.photo().contains("p.id IN ($6)"));
        assert_eq!(
            v.binds[..v.album_binds],
            [7, 3, 10, 11],
            "what album() uses"
        );
        assert_eq!(v.listed(), "a.unlisted = 0");
        assert_eq!(
            Visibility::new(&VisibilityScope::Everything, 1).listed(),
            "1 = 1"
        );
    }
}
