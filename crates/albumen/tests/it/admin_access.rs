//! The access page (`/admin/access`): the folder tree says what the authorization check does
//! (badges, reasons and who gets in, against the engine's facts and `explain`), its forms change
//! exactly what they name, all or nothing, and only for an administrator with the CSRF token.

use std::collections::BTreeMap;

use albumen::auth;
use albumen_core::access::{self, Action, AlbumFacts, Decision, Rule, Subject, Target};
use albumen_core::model::Permissions;
use albumen_core::{AlbumId, PhotoId};
use axum::http::Method;
use serde_json::json;

use crate::admin_pages::{Html, followed, page, post_form, send_form};
use crate::common::{Session, TestApp};
use crate::fixtures::{Exif, jpeg};

/// The library: a folder without photos above two albums, a group's album with a photo made
/// public on its own, a private album, an unlisted public one, and an album with a live link
/// "with sub-albums" to the one below it.
const FILES: [&str; 8] = [
    "Trips/Alps/a.jpg",
    "Trips/Alps/Day1/b.jpg",
    "Family/c.jpg",
    "Family/d.jpg",
    "Private/e.jpg",
    "Secret/f.jpg",
    "Linked/g.jpg",
    "Linked/Sub/h.jpg",
];

pub(crate) struct World {
    pub(crate) t: TestApp,
    pub(crate) admin: Session,
    albums: BTreeMap<String, AlbumId>,
    family: i64,
}

impl World {
    pub(crate) fn album(&self, path: &str) -> AlbumId {
        self.albums[path]
    }

    /// Every album's facts, by path.
    pub(crate) async fn facts(&self) -> BTreeMap<String, AlbumFacts> {
        let mut out = BTreeMap::new();
        for (path, id) in &self.albums {
            let facts = self.t.repo().album_facts(*id).await.unwrap().unwrap();
            out.insert(path.clone(), facts);
        }
        out
    }
}

pub(crate) async fn world() -> World {
    let t = TestApp::new().await;
    for (i, file) in FILES.iter().enumerate() {
        let size = 24 + u32::try_from(i).unwrap();
        t.add(file, &jpeg(size, size, &Exif::default()));
    }
    t.scan().await;
    let admin = t.admin().await;
    let albums: BTreeMap<String, AlbumId> = t
        .repo()
        .catalog_albums()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.path, a.id))
        .collect();
    let ann = t.api_user(&admin, "ann", json!([])).await;
    t.api_user(&admin, "bob", json!([])).await;
    let reply = t
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&admin),
            Some(json!({"name": "family", "members": [ann]})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let family = reply.json()["id"].as_i64().unwrap();
    let w = World {
        t,
        admin,
        albums,
        family,
    };
    let policies = [
        ("Trips/Alps", json!({"public": true})),
        ("Family", json!({"groups": [family]})),
        ("Secret", json!({"public": true})),
        ("Linked", json!({"users": [ann], "inherit": false})),
    ];
    for (path, policy) in policies {
        let uri = format!("/api/v1/albums/{}/policy", w.album(path));
        w.t.put_ok(&w.admin, &uri, policy).await;
    }
    let uri = format!("/api/v1/albums/{}", w.album("Secret"));
    let reply =
        w.t.call(
            Method::PATCH,
            &uri,
            Some(&w.admin),
            Some(json!({"unlisted": true})),
        )
        .await;
    assert_eq!(reply.status, 204);
    let c = w.t.photo_id("Family/c.jpg").await;
    let uri = format!("/api/v1/photos/{c}/policy");
    w.t.put_ok(&w.admin, &uri, json!({"public": true})).await;
    let share = json!({"album_id": w.album("Linked"), "include_sub_albums": true});
    let reply =
        w.t.call(Method::POST, "/api/v1/shares", Some(&w.admin), Some(share))
            .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    w
}

/// The row of one album in the tree: its own line, without the albums below it.
fn row(html: &str, id: AlbumId) -> String {
    let start = html
        .find(&format!("<li id=\"album-{id}\""))
        .unwrap_or_else(|| panic!("album {id} in the tree"));
    let rest = &html[start + 4..];
    let end = [rest.find("<li"), rest.find("</li>")]
        .into_iter()
        .flatten()
        .min()
        .unwrap();
    rest[..end].to_owned()
}

#[tokio::test]
async fn the_tree_shows_what_the_authorization_check_decides() {
    let w = world().await;
    let html = page(&w.t, "/admin/access", &w.admin).await.html();
    assert!(html.contains("aria-current=\"page\">Access</a>"), "{html}");
    let facts = w.facts().await;
    let mut subjects = Vec::new();
    for name in ["ann", "bob"] {
        let user = w.t.repo().user_credentials(name).await.unwrap().unwrap().0;
        let subject = auth::subject_of(w.t.repo().as_ref(), &user).await.unwrap();
        subjects.push((name, subject));
    }
    for (path, facts) in &facts {
        let row = row(&html, facts.id);
        let name = path.rsplit('/').next().unwrap();
        assert!(
            row.contains(&format!("<span>{name}</span>")),
            "{path}: {row}"
        );
        // The badges are the engine's: anonymous visitors get in, the policy names someone.
        let anonymous = access::explain(&Subject::anonymous(), Action::View, Target::Album(facts));
        let public = anonymous.decision == Decision::Allow;
        assert_eq!(public, anonymous.rule == Rule::AlbumPublic, "{path}");
        let shared = facts
            .policy
            .as_ref()
            .is_some_and(|p| !p.policy.users.is_empty() || !p.policy.groups.is_empty());
        let badge = |b: &str| row.contains(&format!("access-badge access-{b}\""));
        assert_eq!(badge("public"), public, "{path}: {row}");
        assert_eq!(badge("shared"), shared, "{path}: {row}");
        assert_eq!(badge("private"), !public && !shared, "{path}: {row}");
        assert_eq!(badge("unlisted"), facts.unlisted, "{path}: {row}");
        // Who gets in, each as `explain` says.
        for (name, subject) in &subjects {
            let allowed = access::decide(subject, Action::View, Target::Album(facts));
            let listed = row.contains(&format!("<b>{name}</b>"));
            if public {
                assert!(row.contains("Visible to everyone"), "{path}: {row}");
            } else {
                assert_eq!(listed, allowed == Decision::Allow, "{name} {path}: {row}");
            }
        }
        if facts.policy.is_none() {
            assert!(row.contains("No policy: private"), "{path}: {row}");
        }
        // Every node links to its album page, its access page and a new link for it.
        for link in [
            format!("href=\"/albums/{}\"", facts.id),
            format!("href=\"/admin/access/albums/{}\"", facts.id),
            format!("href=\"/admin/links?album={}#new-link\"", facts.id),
        ] {
            assert!(row.contains(&link), "{path}: {link}");
        }
    }
    // The reasons, as a person reads them.
    let says = |path: &str, text: &str| {
        let row = row(&html, w.album(path));
        assert!(row.contains(text), "{path} should say {text:?}: {row}");
    };
    says("Trips", "No policy: private");
    says("Trips/Alps", "Own policy: public, everyone may see it.");
    says("Trips/Alps/Day1", "Nothing is inherited from Trips/Alps");
    says("Family", "Own policy: group family.");
    says(
        "Family",
        "<b>ann</b> <span class=\"admin-muted\">(in family)</span>",
    );
    says(
        "Secret",
        "Own policy: public, but the album is unlisted, so only link holders get in.",
    );
    says("Linked", "Its photos do not follow it");
    says("Linked", "1 link</span>");
    says(
        "Linked/Sub",
        "Also open to holders of a link to Linked with its sub-albums.",
    );
    assert!(!row(&html, w.album("Family")).contains("<b>bob</b>"));
    // The tree nests by folder: Day1 inside Alps inside Trips (no item closes in between).
    let at = |path: &str| {
        html.find(&format!("<li id=\"album-{}\"", w.album(path)))
            .unwrap()
    };
    let (trips, alps, day1) = (at("Trips"), at("Trips/Alps"), at("Trips/Alps/Day1"));
    assert!(trips < alps && alps < day1);
    assert!(!html[trips..day1].contains("</li>"));
    // The filter keeps the matches and the albums above them.
    let html = page(&w.t, "/admin/access?q=day1", &w.admin).await.html();
    for (path, id) in &w.albums {
        let shown = html.contains(&format!("<li id=\"album-{id}\""));
        let expected = ["Trips", "Trips/Alps", "Trips/Alps/Day1"].contains(&path.as_str());
        assert_eq!(shown, expected, "{path} with ?q=day1");
    }

    // One album's page: its photos with their own policy or "inherits".
    let uri = format!("/admin/access/albums/{}", w.album("Family"));
    let html = page(&w.t, &uri, &w.admin).await.html();
    let c = w.t.photo_id("Family/c.jpg").await;
    let d = w.t.photo_id("Family/d.jpg").await;
    let photo = |id: i64| {
        let start = html.find(&format!("<li id=\"photo-{id}\"")).unwrap();
        html[start..start + html[start..].find("</li>").unwrap()].to_owned()
    };
    assert!(photo(c).contains("own policy: public"), "{}", photo(c));
    assert!(photo(c).contains("seen by <b>everyone</b>"), "{}", photo(c));
    assert!(photo(d).contains(">inherits<"), "{}", photo(d));
    assert!(photo(d).contains("seen by <b>ann</b>"), "{}", photo(d));
    // "Why can … see this?": the rule `explain` names, for the album and each photo.
    let users = w.t.repo().list_users().await.unwrap();
    let id_of = |name: &str| users.iter().find(|u| u.username == name).unwrap().id;
    let uri = format!(
        "/admin/access/albums/{}?why={}",
        w.album("Family"),
        id_of("bob")
    );
    let html = page(&w.t, &uri, &w.admin).await.html();
    assert!(
        html.contains(
            "<b>bob</b>: hidden — album policy is not public and lists neither the user nor \
             their groups."
        ),
        "{html}"
    );
    let start = html.find(&format!("<li id=\"photo-{c}\"")).unwrap();
    assert!(html[start..].contains("bob: visible — photo&#x27;s own policy is public"));
    let uri = format!(
        "/admin/access/albums/{}?why={}",
        w.album("Family"),
        id_of("ann")
    );
    let html = page(&w.t, &uri, &w.admin).await.html();
    assert!(
        html.contains("<b>ann</b>: visible — album policy lists group family."),
        "{html}"
    );
    // The links page starts its form with the album the tree's "Create link" names.
    let uri = format!("/admin/links?album={}", w.album("Family"));
    let html = page(&w.t, &uri, &w.admin).await.html();
    assert!(
        html.contains(&format!(
            "<option value=\"{}\" selected>Family</option>",
            w.album("Family")
        )),
        "{html}"
    );
}

#[tokio::test]
async fn a_sub_tree_action_changes_exactly_the_sub_tree_or_nothing() {
    let w = world().await;
    let before = w.facts().await;
    let trips = w.album("Trips").to_string();
    let family = w.family.to_string();
    // A bad group id: nothing changes, and the page says why with what was ticked.
    let reply = post_form(
        &w.t,
        "/admin/access/albums",
        &w.admin,
        &[
            ("albums", &trips),
            ("scope", "subtree"),
            ("action", "set"),
            ("groups", &family),
            ("groups", "999999"),
        ],
    )
    .await;
    assert_eq!(reply.status, 404, "{}", reply.html());
    assert!(reply.html().contains("That no longer exists"));
    assert_eq!(w.facts().await, before);
    // The same with the right group: the three albums of the sub-tree, and only them.
    let reply = post_form(
        &w.t,
        "/admin/access/albums",
        &w.admin,
        &[
            ("albums", &trips),
            ("scope", "subtree"),
            ("action", "set"),
            ("groups", &family),
            ("inherit", "on"),
        ],
    )
    .await;
    let html = followed(&w.t, &reply, "/admin/access?done=", &w.admin).await;
    assert!(html.contains("Policy set on the chosen albums."), "{html}");
    let after = w.facts().await;
    let sub_tree = ["Trips", "Trips/Alps", "Trips/Alps/Day1"];
    for (path, facts) in &after {
        if sub_tree.contains(&path.as_str()) {
            let policy = facts.policy.as_ref().unwrap();
            assert!(!policy.policy.public && policy.inherit, "{path}");
            assert_eq!(
                policy
                    .policy
                    .groups
                    .iter()
                    .map(|g| g.get())
                    .collect::<Vec<_>>(),
                [w.family],
                "{path}"
            );
            assert!(policy.policy.users.is_empty(), "{path}");
        } else {
            assert_eq!(facts, &before[path], "{path} is outside the sub-tree");
        }
    }
    // "Only the ticked ones": removing Alps's policy leaves its folder and Day1 alone.
    let alps = w.album("Trips/Alps").to_string();
    let reply = post_form(
        &w.t,
        "/admin/access/albums",
        &w.admin,
        &[
            ("albums", &alps),
            ("scope", "selected"),
            ("action", "remove"),
            ("from", &alps),
        ],
    )
    .await;
    let to = format!("/admin/access/albums/{alps}?done=album-policies-removed");
    let html = followed(&w.t, &reply, &to, &w.admin).await;
    assert!(html.contains("the chosen albums are private"), "{html}");
    let removed = w.facts().await;
    assert!(removed["Trips/Alps"].policy.is_none());
    for path in ["Trips", "Trips/Alps/Day1"] {
        assert_eq!(removed[path], after[path], "{path}");
    }

    // Photos' own policies: a photo of another album refuses the whole form.
    let uri = format!("/admin/access/albums/{}/photos", w.album("Family"));
    let d = w.t.photo_id("Family/d.jpg").await.to_string();
    let e = w.t.photo_id("Private/e.jpg").await.to_string();
    let repo = w.t.repo().clone();
    let facts_of = |id: &str| {
        let id = PhotoId::new(id.parse().unwrap());
        let repo = repo.clone();
        async move { repo.photo_facts(id).await.unwrap().unwrap() }
    };
    let (d_before, e_before) = (facts_of(&d).await, facts_of(&e).await);
    let reply = post_form(
        &w.t,
        &uri,
        &w.admin,
        &[
            ("photos", &d),
            ("photos", &e),
            ("action", "set"),
            ("public", "on"),
        ],
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.html());
    assert!(reply.html().contains("not in this album"));
    assert_eq!(facts_of(&d).await, d_before);
    assert_eq!(facts_of(&e).await, e_before);
    let reply = post_form(
        &w.t,
        &uri,
        &w.admin,
        &[("photos", &d), ("action", "set"), ("public", "on")],
    )
    .await;
    followed(&w.t, &reply, "/admin/access/albums/", &w.admin).await;
    let own = facts_of(&d).await.policy.unwrap();
    assert!(own.public && own.users.is_empty() && own.groups.is_empty());
    let reply = post_form(
        &w.t,
        &uri,
        &w.admin,
        &[("photos", &d), ("action", "remove")],
    )
    .await;
    followed(&w.t, &reply, "/admin/access/albums/", &w.admin).await;
    assert_eq!(facts_of(&d).await, d_before);
}

#[tokio::test]
async fn access_forms_need_the_csrf_token_and_an_administrator() {
    let w = world().await;
    let before = w.facts().await;
    let trips = w.album("Trips");
    let body = format!("albums={trips}&scope=subtree&action=set&public=on");
    let reply = send_form(&w.t, "/admin/access/albums", Some(&w.admin), body.clone()).await;
    assert_eq!(reply.status, 403, "{}", reply.html());
    let wrong = format!("{body}&csrf_token=wrong");
    let reply = send_form(&w.t, "/admin/access/albums", Some(&w.admin), wrong).await;
    assert_eq!(reply.status, 403);
    // Every form of the pages carries the token.
    let album = format!("/admin/access/albums/{}", w.album("Family"));
    for path in ["/admin/access", album.as_str()] {
        let html = page(&w.t, path, &w.admin).await.html();
        let forms = html.matches("<form method=\"post\"").count();
        assert!(forms >= 1, "{path}");
        assert_eq!(forms, html.matches("name=\"csrf_token\"").count(), "{path}");
    }
    // Not an administrator: refused, even seeing everything, with a valid token; and nothing
    // on the refusal names an album.
    w.t.create_user(
        "sam",
        Permissions {
            can_see_all: true,
            can_scan: true,
            admin: false,
        },
    )
    .await;
    for name in ["ann", "sam"] {
        let session = w.t.login(name).await;
        for path in ["/admin/access", album.as_str()] {
            let reply = w.t.get(path, Some(&session)).await;
            assert_eq!(reply.status, 403, "{name} {path}");
            assert!(!reply.html().contains("Family"), "{name} {path}");
        }
        let reply = post_form(
            &w.t,
            "/admin/access/albums",
            &session,
            &[
                ("albums", &trips.to_string()),
                ("scope", "subtree"),
                ("action", "set"),
                ("public", "on"),
            ],
        )
        .await;
        assert_eq!(reply.status, 403, "{name}");
    }
    for path in ["/admin/access", album.as_str()] {
        assert_eq!(w.t.get(path, None).await.status, 401, "{path}");
    }
    assert_eq!(w.facts().await, before);
}
