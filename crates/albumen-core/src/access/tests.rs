//! The seed's `AccessPolicyTests`, ported, plus properties of the policy.

use proptest::prelude::*;

use super::*;

const ALBUM: AlbumId = AlbumId::new(1);
const PHOTO: PhotoId = PhotoId::new(1);
const GROUP: GroupId = GroupId::new(1);
const USER: UserId = UserId::new(1);
const OTHER: UserId = UserId::new(2);

fn user() -> Subject {
    Subject::user(USER, [GROUP], Permissions::default())
}

fn other() -> Subject {
    Subject::user(OTHER, [], Permissions::default())
}

fn policy(public: bool, users: &[UserId], groups: &[GroupId]) -> Policy {
    Policy {
        public,
        users: users.iter().copied().collect(),
        groups: groups.iter().copied().collect(),
    }
}

fn album(p: Option<Policy>, inherit: bool) -> AlbumFacts {
    AlbumFacts {
        id: ALBUM,
        policy: p.map(|policy| AlbumPolicy { policy, inherit }),
    }
}

fn photo(album: AlbumFacts, own: Option<Policy>) -> PhotoFacts {
    PhotoFacts {
        id: PHOTO,
        album,
        policy: own,
    }
}

fn sees_album(s: &Subject, a: &AlbumFacts) -> bool {
    decide(s, Action::View, Target::Album(a)) == Decision::Allow
}

fn sees_photo(s: &Subject, p: &PhotoFacts) -> bool {
    decide(s, Action::View, Target::Photo(p)) == Decision::Allow
}

#[test]
fn private_album() {
    assert!(!sees_album(&user(), &album(None, true)));
}

#[test]
fn public_album() {
    let a = album(Some(policy(true, &[], &[])), true);
    assert!(sees_album(&user(), &a));
    assert!(sees_album(&Subject::anonymous(), &a));
}

#[test]
fn user_album() {
    let a = album(Some(policy(false, &[USER], &[])), true);
    assert!(sees_album(&user(), &a));
    assert!(!sees_album(&other(), &a));
}

#[test]
fn group_album() {
    let a = album(Some(policy(false, &[], &[GROUP])), true);
    assert!(sees_album(&user(), &a));
    assert!(!sees_album(&other(), &a));
}

#[test]
fn private_photo() {
    assert!(!sees_photo(&user(), &photo(album(None, true), None)));
}

#[test]
fn public_photo_needs_no_album_policy() {
    let p = photo(album(None, true), Some(policy(true, &[], &[])));
    assert!(sees_photo(&user(), &p));
}

#[test]
fn user_and_group_photo() {
    for own in [policy(false, &[USER], &[]), policy(false, &[], &[GROUP])] {
        let p = photo(album(None, true), Some(own));
        assert!(sees_photo(&user(), &p));
        assert!(!sees_photo(&other(), &p));
    }
}

#[test]
fn photos_inherit_album_policy() {
    let p = photo(album(Some(policy(true, &[], &[])), true), None);
    assert!(sees_photo(&user(), &p));
    for album_policy in [policy(false, &[USER], &[]), policy(false, &[], &[GROUP])] {
        let p = photo(album(Some(album_policy), true), None);
        assert!(sees_photo(&user(), &p));
        assert!(!sees_photo(&other(), &p));
    }
}

#[test]
fn no_inherit_hides_photos_until_they_have_their_own_policy() {
    let public = album(Some(policy(true, &[], &[])), false);
    assert!(!sees_photo(&user(), &photo(public.clone(), None)));
    assert!(sees_photo(
        &user(),
        &photo(public, Some(policy(true, &[], &[])))
    ));

    for grant in [policy(false, &[USER], &[]), policy(false, &[], &[GROUP])] {
        let a = album(Some(grant.clone()), false);
        assert!(!sees_photo(&user(), &photo(a.clone(), None)));
        assert!(!sees_photo(&other(), &photo(a.clone(), None)));
        let p = photo(a, Some(grant));
        assert!(sees_photo(&user(), &p));
        assert!(!sees_photo(&other(), &p));
    }
}

#[test]
fn empty_photo_policy_overrides_an_inherited_allow() {
    for grant in [
        policy(true, &[], &[]),
        policy(false, &[USER], &[]),
        policy(false, &[], &[GROUP]),
    ] {
        let a = album(Some(grant), true);
        assert!(sees_photo(&user(), &photo(a.clone(), None)));
        assert!(!sees_photo(&user(), &photo(a, Some(Policy::default()))));
    }
}

#[test]
fn anonymous_is_never_matched_by_user_or_group_lists() {
    let a = album(Some(policy(false, &[USER], &[GROUP])), true);
    assert!(!sees_album(&Subject::anonymous(), &a));
    assert!(!sees_photo(&Subject::anonymous(), &photo(a, None)));
}

#[test]
fn grant_is_bound_to_its_photo_and_action() {
    let admin = Subject::user(OTHER, [], Permissions::ADMIN);
    let p = photo(album(None, true), None);
    let grant = authorize(&admin, Action::View, &p).expect("admins see everything");
    assert!(grant.covers(PHOTO, Action::View));
    assert!(!grant.covers(PHOTO, Action::Download));
    assert!(!grant.covers(PhotoId::new(2), Action::View));
    assert_eq!(authorize(&user(), Action::View, &p), Err(Denied));
}

#[test]
fn scope_follows_the_subject() {
    assert_eq!(
        VisibilityScope::of(&Subject::user(USER, [], Permissions::ADMIN)),
        VisibilityScope::Everything
    );
    assert_eq!(
        VisibilityScope::of(&user()),
        VisibilityScope::Restricted {
            user: Some(USER),
            groups: vec![GROUP]
        }
    );
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    (
        any::<bool>(),
        prop::collection::btree_set((1i64..5).prop_map(UserId::new), 0..3),
        prop::collection::btree_set((1i64..5).prop_map(GroupId::new), 0..3),
    )
        .prop_map(|(public, users, groups)| Policy {
            public,
            users,
            groups,
        })
}

fn arb_photo() -> impl Strategy<Value = PhotoFacts> {
    (
        prop::option::of(arb_policy()),
        any::<bool>(),
        prop::option::of(arb_policy()),
    )
        .prop_map(|(album_policy, inherit, own)| photo(album(album_policy, inherit), own))
}

fn arb_subject() -> impl Strategy<Value = Subject> {
    prop_oneof![
        Just(Subject::anonymous()),
        (
            (1i64..5).prop_map(UserId::new),
            prop::collection::btree_set((1i64..5).prop_map(GroupId::new), 0..3),
            any::<bool>(),
        )
            .prop_map(|(id, groups, can_see_all)| Subject::user(
                id,
                groups,
                Permissions {
                    can_see_all,
                    ..Permissions::default()
                }
            )),
    ]
}

proptest! {
    /// Without any policy, only "can see all" gets through.
    #[test]
    fn default_deny(subject in arb_subject()) {
        let p = photo(album(None, true), None);
        prop_assert_eq!(sees_photo(&subject, &p), subject.sees_all);
        prop_assert_eq!(sees_album(&subject, &p.album), subject.sees_all);
    }

    /// Joining a group never takes access away.
    #[test]
    fn more_groups_never_remove_access(subject in arb_subject(), p in arb_photo(), extra in 1i64..5) {
        let mut wider = subject.clone();
        wider.groups.insert(GroupId::new(extra));
        if sees_photo(&subject, &p) {
            prop_assert!(sees_photo(&wider, &p));
        }
        if sees_album(&subject, &p.album) {
            prop_assert!(sees_album(&wider, &p.album));
        }
    }

    /// A download is never allowed where viewing is not.
    #[test]
    fn download_implies_view(subject in arb_subject(), p in arb_photo()) {
        if decide(&subject, Action::Download, Target::Photo(&p)) == Decision::Allow {
            prop_assert!(sees_photo(&subject, &p));
        }
    }

    /// A grant exists exactly when decide allows.
    #[test]
    fn authorize_agrees_with_decide(subject in arb_subject(), p in arb_photo()) {
        prop_assert_eq!(authorize(&subject, Action::View, &p).is_ok(), sees_photo(&subject, &p));
    }
}

fn why_album(s: &Subject, a: &AlbumFacts) -> Explanation {
    explain(s, Action::View, Target::Album(a))
}

fn why_photo(s: &Subject, p: &PhotoFacts) -> Explanation {
    explain(s, Action::View, Target::Photo(p))
}

#[test]
fn explain_names_each_album_rule() {
    let admin = Subject::user(OTHER, [], Permissions::ADMIN);
    let cases = [
        (admin, album(None, true), Rule::SeesAll, true),
        (user(), album(None, true), Rule::AlbumNoPolicy, false),
        (
            Subject::anonymous(),
            album(Some(policy(true, &[], &[])), true),
            Rule::AlbumPublic,
            true,
        ),
        (
            user(),
            album(Some(policy(false, &[USER], &[GROUP])), true),
            Rule::AlbumListsUser,
            true,
        ),
        (
            user(),
            album(Some(policy(false, &[], &[GROUP])), true),
            Rule::AlbumListsGroup(GROUP),
            true,
        ),
        (
            other(),
            album(Some(policy(false, &[USER], &[GROUP])), true),
            Rule::AlbumPolicyExcludes,
            false,
        ),
    ];
    for (subject, a, rule, visible) in cases {
        let why = why_album(&subject, &a);
        assert_eq!(why.rule, rule);
        assert_eq!(why.decision == Decision::Allow, visible, "{why}");
    }
}

#[test]
fn explain_names_each_photo_rule() {
    let group_album = album(Some(policy(false, &[], &[GROUP])), true);
    let cases = [
        (
            Subject::user(OTHER, [], Permissions::ADMIN),
            photo(album(None, true), Some(Policy::default())),
            Rule::SeesAll,
            true,
        ),
        (
            other(),
            photo(album(None, true), Some(policy(true, &[], &[]))),
            Rule::PhotoOwnPublic,
            true,
        ),
        (
            user(),
            photo(album(None, true), Some(policy(false, &[USER], &[]))),
            Rule::PhotoOwnListsUser,
            true,
        ),
        (
            user(),
            photo(album(None, true), Some(policy(false, &[], &[GROUP]))),
            Rule::PhotoOwnListsGroup(GROUP),
            true,
        ),
        (
            user(),
            photo(group_album.clone(), Some(Policy::default())),
            Rule::PhotoOwnPolicyExcludes,
            false,
        ),
        (
            user(),
            photo(group_album.clone(), None),
            Rule::PhotoInheritsAlbum(Box::new(Rule::AlbumListsGroup(GROUP))),
            true,
        ),
        (
            other(),
            photo(group_album, None),
            Rule::PhotoInheritsAlbum(Box::new(Rule::AlbumPolicyExcludes)),
            false,
        ),
        (
            user(),
            photo(album(None, true), None),
            Rule::PhotoInheritsAlbum(Box::new(Rule::AlbumNoPolicy)),
            false,
        ),
        (
            user(),
            photo(album(Some(policy(true, &[], &[])), false), None),
            Rule::AlbumDoesNotInherit,
            false,
        ),
    ];
    for (subject, p, rule, visible) in cases {
        let why = why_photo(&subject, &p);
        assert_eq!(why.rule, rule);
        assert_eq!(why.decision == Decision::Allow, visible, "{why}");
    }
}

#[test]
fn explanations_read_as_sentences() {
    let p = photo(
        album(Some(policy(false, &[], &[GroupId::new(3)])), true),
        None,
    );
    let s = Subject::user(USER, [GroupId::new(3)], Permissions::default());
    let why = why_photo(&s, &p);
    assert_eq!(
        why.to_string(),
        "visible: album policy lists group 3, photo inherits"
    );
    assert_eq!(why.rule.group(), Some(GroupId::new(3)));
    let hidden = why_photo(&s, &photo(p.album.clone(), Some(Policy::default())));
    assert_eq!(hidden.verdict(), "hidden");
    assert!(hidden.rule.to_string().contains("own policy"), "{hidden}");
}

proptest! {
    /// `explain` never disagrees with `decide`, for albums and photos, for either action.
    #[test]
    fn explain_agrees_with_decide(subject in arb_subject(), p in arb_photo(), download in any::<bool>()) {
        let action = if download { Action::Download } else { Action::View };
        for target in [Target::Photo(&p), Target::Album(&p.album)] {
            let why = explain(&subject, action, target);
            prop_assert_eq!(why.decision, decide(&subject, action, target));
            prop_assert_eq!(why.decision == Decision::Allow, why.rule.allows());
        }
    }
}
