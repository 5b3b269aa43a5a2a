//! The seed's `AccessPolicyTests`, ported, plus properties of the policy.
// Tests build subjects, links and media references by hand: that is what they test.
#![allow(clippy::disallowed_methods)]

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
        unlisted: false,
    }
}

fn unlisted(mut album: AlbumFacts) -> AlbumFacts {
    album.unlisted = true;
    album
}

fn media(id: PhotoId) -> MediaRef {
    MediaRef::new(
        id,
        MediaKind::Image,
        "A/a.jpg".to_owned(),
        None,
        "f".to_owned(),
        1,
    )
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
    let grant = authorize(&admin, Action::View, &p, media(PHOTO)).expect("admins see everything");
    assert_eq!(grant.photo(), PHOTO);
    assert_eq!(grant.media().path(), "A/a.jpg");
    assert!(grant.covers(Action::View));
    assert!(!grant.covers(Action::Download));
    assert!(!grant.covers(Action::Export));
    assert_eq!(
        authorize(&user(), Action::View, &p, media(PHOTO)),
        Err(Denied)
    );
    // The bytes of another photo are never granted on this one's facts.
    assert_eq!(
        authorize(&admin, Action::View, &p, media(PhotoId::new(2))),
        Err(Denied)
    );
    let download = authorize(&admin, Action::Download, &p, media(PHOTO)).expect("allowed");
    assert!(download.covers(Action::View) && download.covers(Action::Export));
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
            groups: vec![GROUP],
            shared_albums: Vec::new(),
            shared_photos: Vec::new(),
        }
    );
    let holder = Subject::anonymous()
        .with_share(album_link(false, false))
        .with_share(ShareGrant::new(
            None,
            [ALBUM, AlbumId::new(5)].into(),
            [PHOTO].into(),
            false,
            false,
        ));
    assert_eq!(
        VisibilityScope::of(&holder),
        VisibilityScope::Restricted {
            user: None,
            groups: Vec::new(),
            shared_albums: vec![ALBUM, AlbumId::new(5)],
            shared_photos: vec![PHOTO],
        }
    );
    assert!(!VisibilityScope::of(&holder).lists_unlisted());
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
        any::<bool>(),
    )
        .prop_map(|(album_policy, inherit, own, hidden)| {
            let a = album(album_policy, inherit);
            photo(if hidden { unlisted(a) } else { a }, own)
        })
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

    /// Downloading or exporting is never allowed where viewing is not.
    #[test]
    fn reading_originals_implies_view(subject in arb_holder(), p in arb_photo()) {
        for action in [Action::Download, Action::Export] {
            if decide(&subject, action, Target::Photo(&p)) == Decision::Allow {
                prop_assert!(sees_photo(&subject, &p));
            }
            if decide(&subject, action, Target::Album(&p.album)) == Decision::Allow {
                prop_assert!(sees_album(&subject, &p.album));
            }
        }
    }

    /// Holding a share link never takes access away, and without one, shares change nothing.
    #[test]
    fn share_links_only_add(subject in arb_subject(), p in arb_photo(), share in arb_share()) {
        let holder = subject.clone().with_share(share.clone());
        for action in ACTIONS {
            for target in [Target::Photo(&p), Target::Album(&p.album)] {
                let before = decide(&subject, action, target);
                let after = decide(&holder, action, target);
                if before == Decision::Allow {
                    prop_assert_eq!(after, Decision::Allow);
                }
                if after == Decision::Allow && before == Decision::Deny {
                    prop_assert!(share.allows(action, target));
                }
            }
        }
    }

    /// A grant exists exactly when decide allows.
    #[test]
    fn authorize_agrees_with_decide(subject in arb_subject(), p in arb_photo()) {
        prop_assert_eq!(
            authorize(&subject, Action::View, &p, media(PHOTO)).is_ok(),
            sees_photo(&subject, &p)
        );
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

fn arb_share() -> impl Strategy<Value = ShareGrant> {
    (
        prop::collection::btree_set((1i64..3).prop_map(AlbumId::new), 0..2),
        prop::collection::btree_set((1i64..3).prop_map(PhotoId::new), 0..2),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(albums, photos, allow_download, allow_zip)| {
            ShareGrant::new(
                Some(ShareId::new(9)),
                albums,
                photos,
                allow_download,
                allow_zip,
            )
        })
}

/// A subject that may also hold share links.
fn arb_holder() -> impl Strategy<Value = Subject> {
    (arb_subject(), prop::collection::vec(arb_share(), 0..3))
        .prop_map(|(subject, shares)| shares.into_iter().fold(subject, Subject::with_share))
}

const ACTIONS: [Action; 3] = [Action::View, Action::Download, Action::Export];

fn album_link(download: bool, zip: bool) -> ShareGrant {
    ShareGrant::new(
        Some(ShareId::new(4)),
        [ALBUM].into(),
        BTreeSet::new(),
        download,
        zip,
    )
}

#[test]
fn an_album_link_shows_a_private_album_and_its_inheriting_photos() {
    let holder = Subject::anonymous().with_share(album_link(false, false));
    let private = album(None, true);
    assert!(sees_album(&holder, &private));
    assert!(sees_photo(&holder, &photo(private.clone(), None)));
    // Only viewing: the link allows neither originals nor archives.
    let p = photo(private.clone(), None);
    assert_eq!(
        decide(&holder, Action::Download, Target::Photo(&p)),
        Decision::Deny
    );
    assert_eq!(
        decide(&holder, Action::Export, Target::Album(&private)),
        Decision::Deny
    );
    let why = explain(&holder, Action::Download, Target::Photo(&p));
    assert_eq!(
        why.to_string(),
        "hidden: share link 4 shows it but does not allow this; album has no policy (private), \
         photo inherits"
    );
    let generous = Subject::anonymous().with_share(album_link(true, true));
    assert_eq!(
        decide(&generous, Action::Download, Target::Photo(&p)),
        Decision::Allow
    );
    assert_eq!(
        decide(&generous, Action::Export, Target::Album(&private)),
        Decision::Allow
    );
    assert_eq!(
        explain(&generous, Action::Export, Target::Album(&private)).to_string(),
        "visible: share link 4 allows it"
    );
}

#[test]
fn an_album_link_keeps_photo_restrictions_and_reaches_no_other_album() {
    let holder = Subject::anonymous().with_share(album_link(true, true));
    // An explicit deny on one photo survives the link.
    let hidden = photo(album(None, true), Some(Policy::default()));
    assert!(!sees_photo(&holder, &hidden));
    let elsewhere = AlbumFacts {
        id: AlbumId::new(2),
        policy: None,
        unlisted: false,
    };
    assert!(!sees_album(&holder, &elsewhere));
    assert!(!sees_photo(&holder, &photo(elsewhere, None)));
}

#[test]
fn a_photo_link_reaches_exactly_its_photos() {
    let holder = Subject::anonymous().with_share(ShareGrant {
        photos: [PHOTO].into(),
        ..ShareGrant::default()
    });
    let restricted = photo(album(None, true), Some(Policy::default()));
    assert!(
        sees_photo(&holder, &restricted),
        "the link names this photo"
    );
    assert!(!sees_album(&holder, &restricted.album), "but not its album");
    let sibling = PhotoFacts {
        id: PhotoId::new(2),
        ..restricted.clone()
    };
    assert!(!sees_photo(&holder, &sibling));
}

#[test]
fn grants_to_read_originals_cover_viewing_but_not_the_reverse() {
    let admin = Subject::user(USER, [], Permissions::ADMIN);
    let p = photo(album(None, true), None);
    for action in [Action::Download, Action::Export] {
        let grant = authorize(&admin, action, &p, media(PHOTO)).expect("admins may");
        assert!(ACTIONS.iter().all(|a| grant.covers(*a)));
    }
    let view = authorize(&admin, Action::View, &p, media(PHOTO)).expect("admins may");
    assert!(!view.covers(Action::Export));
}

proptest! {
    /// `explain` never disagrees with `decide`, for albums and photos, for every action, with or
    /// without share links.
    #[test]
    fn explain_agrees_with_decide(subject in arb_holder(), p in arb_photo(), a in 0usize..3) {
        let action = ACTIONS[a];
        for target in [Target::Photo(&p), Target::Album(&p.album)] {
            let why = explain(&subject, action, target);
            prop_assert_eq!(why.decision, decide(&subject, action, target));
            prop_assert_eq!(why.decision == Decision::Allow, why.rule.allows());
        }
    }
}

#[test]
fn an_unlisted_album_opens_only_by_name_or_link() {
    let public = album(Some(policy(true, &[], &[])), true);
    let shown = unlisted(public.clone());
    // Its public flag lets nobody in: counting ids finds nothing.
    assert!(sees_album(&user(), &public));
    assert!(!sees_album(&user(), &shown));
    assert!(!sees_album(&Subject::anonymous(), &shown));
    assert!(!sees_photo(
        &Subject::anonymous(),
        &photo(shown.clone(), None)
    ));
    // Nor does a photo's own public policy inside it.
    let own_public = photo(shown.clone(), Some(policy(true, &[], &[])));
    assert!(!sees_photo(&Subject::anonymous(), &own_public));
    assert_eq!(
        why_photo(&Subject::anonymous(), &own_public).rule,
        Rule::AlbumUnlisted
    );
    // Those it names, "can see all" and link holders get in.
    let named = unlisted(album(Some(policy(true, &[USER], &[])), true));
    assert!(sees_album(&user(), &named));
    assert!(sees_photo(&user(), &photo(named, None)));
    assert!(!sees_album(&other(), &shown));
    let viewer = Subject::user(
        OTHER,
        [],
        Permissions {
            can_see_all: true,
            ..Permissions::default()
        },
    );
    assert!(sees_album(&viewer, &shown));
    let holder = Subject::anonymous().with_share(album_link(false, false));
    assert!(sees_album(&holder, &shown));
    assert!(sees_photo(&holder, &photo(shown.clone(), None)));
    assert_eq!(why_album(&user(), &shown).rule, Rule::AlbumUnlisted);
}
