//! Builds the matrix world through the product's own API: the library, users and group,
//! policies, the unlisted flag, and the links each link role holds, opened as a browser would.

use std::collections::BTreeMap;

use albumen_core::access::VisibilityScope;
use axum::http::Method;
use serde_json::{Value, json};

use super::catalog::{ALBUMS, Album, PHOTOS, Photo, ROLES, Role};
use crate::common::{Reply, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

/// What a `.mp4` holds that is no video at all.
const NOT_A_VIDEO: &[u8] = b"\0\0\0\x18ftypisom this is no video, only bytes posing as one";

/// A link stored in the world, whichever role holds it.
#[derive(Debug, Clone)]
pub struct Share {
    pub url: String,
    pub token: String,
    /// Who holds it; `LinkLocked` and `LinkUnlocked` hold the same link.
    pub holders: Vec<Role>,
    pub kind: ShareKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareKind {
    /// A live link to an album, without a password.
    Album(Album),
    /// A live link to an album, with a password.
    Protected(Album),
    /// A live link to photos.
    Photos,
    /// Expired or revoked.
    Dead,
}

pub struct World {
    pub t: TestApp,
    pub albums: BTreeMap<Album, i64>,
    pub photos: BTreeMap<Photo, i64>,
    pub bytes: BTreeMap<Photo, Vec<u8>>,
    pub sessions: BTreeMap<Role, Option<Session>>,
    pub shares: Vec<Share>,
    pub users: BTreeMap<&'static str, i64>,
    pub family_group: i64,
}

impl World {
    pub fn album_id(&self, album: Album) -> i64 {
        self.albums[&album]
    }

    pub fn photo_id(&self, photo: Photo) -> i64 {
        self.photos[&photo]
    }

    pub fn session(&self, role: Role) -> Option<&Session> {
        self.sessions[&role].as_ref()
    }

    pub fn admin(&self) -> &Session {
        self.session(Role::Admin).unwrap()
    }
}

/// The file a photo is: a JPEG with its date in EXIF (distinct sizes, so no two share
/// content), or garbage named `.mp4`.
fn file(i: usize, photo: Photo) -> Vec<u8> {
    if photo.is_video() {
        return [NOT_A_VIDEO, photo.filename().as_bytes()].concat();
    }
    let side = 32 + 2 * u32::try_from(i).unwrap();
    let taken: &'static str = Box::leak(photo.exif_taken().into_boxed_str());
    jpeg(side, side, &Exif::taken(taken))
}

pub async fn world() -> World {
    let t = TestApp::new().await;
    let mut bytes = BTreeMap::new();
    for (i, &photo) in PHOTOS.iter().enumerate() {
        let data = file(i, photo);
        t.add(
            &format!("{}/{}", photo.album().folder(), photo.filename()),
            &data,
        );
        bytes.insert(photo, data);
    }
    t.scan().await;
    let all = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap();
    let mut albums = BTreeMap::new();
    let mut photos = BTreeMap::new();
    for album in ALBUMS {
        let found = all.iter().find(|a| a.name == album.name()).unwrap();
        assert_eq!(found.path, album.folder());
        albums.insert(album, found.id.get());
        let in_album = t
            .repo()
            .album_photos(&VisibilityScope::Everything, found.id)
            .await
            .unwrap();
        for photo in PHOTOS.iter().filter(|p| p.album() == album) {
            let p = in_album
                .iter()
                .find(|p| p.filename == photo.filename())
                .unwrap();
            assert_eq!(p.taken_at.as_deref(), Some(photo.taken()), "{photo:?}");
            let video = p.kind == albumen_core::model::MediaKind::Video;
            assert_eq!(video, photo.is_video(), "{photo:?}");
            if video {
                assert_eq!(
                    (p.width, p.height),
                    (0, 0),
                    "{photo:?}: no facts from garbage"
                );
            }
            photos.insert(*photo, p.id.get());
        }
    }
    assert_eq!(albums.len(), ALBUMS.len());
    assert_eq!(photos.len(), PHOTOS.len());

    let admin = t.admin().await;
    let mut users = BTreeMap::new();
    for (name, permissions) in [
        ("ann", json!([])),
        ("bob", json!([])),
        ("scanner", json!(["can_scan"])),
        ("viewer", json!(["can_see_all"])),
    ] {
        users.insert(name, t.api_user(&admin, name, permissions).await);
    }
    let reply = t
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&admin),
            Some(json!({"name": "family", "members": [users["ann"]]})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let family = reply.json()["id"].as_i64().unwrap();

    let mut w = World {
        t,
        albums,
        photos,
        bytes,
        sessions: BTreeMap::new(),
        shares: Vec::new(),
        users,
        family_group: family,
    };
    policies(&w, &admin).await;
    let mut sessions = vec![(Role::Anonymous, None)];
    for (role, name) in [
        (Role::Ann, "ann"),
        (Role::Bob, "bob"),
        (Role::Scanner, "scanner"),
        (Role::Viewer, "viewer"),
    ] {
        sessions.push((role, Some(w.t.login(name).await)));
    }
    sessions.push((Role::Admin, Some(admin.clone())));
    let (held, shares) = links(&w, &admin).await;
    sessions.extend(held);
    w.sessions = sessions.into_iter().collect();
    w.shares = shares;
    assert_eq!(w.sessions.len(), ROLES.len());
    w
}

async fn policies(w: &World, admin: &Session) {
    let t = &w.t;
    let family = w.family_group;
    for (album, policy) in [
        (Album::Sunny, json!({"public": true})),
        (Album::Family, json!({"groups": [family]})),
        (
            Album::NoInherit,
            json!({"groups": [family], "inherit": false}),
        ),
        (Album::PublicChild, json!({"public": true})),
        (
            Album::Backstage,
            json!({"public": true, "groups": [family]}),
        ),
    ] {
        let id = w.album_id(album);
        t.put_ok(admin, &format!("/api/v1/albums/{id}/policy"), policy)
            .await;
    }
    let backstage = w.album_id(Album::Backstage);
    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/albums/{backstage}"),
            Some(admin),
            Some(json!({"unlisted": true})),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    for (photo, policy) in [
        (Photo::FamilyDenied, json!({})),
        (Photo::GardenPublic, json!({"public": true})),
        (Photo::PrivatePublic, json!({"public": true})),
        (Photo::NoInheritAnn, json!({"users": [w.users["ann"]]})),
        (Photo::BackstagePublic, json!({"public": true})),
    ] {
        let id = w.photo_id(photo);
        t.put_ok(admin, &format!("/api/v1/photos/{id}/policy"), policy)
            .await;
    }
}

/// A browser holding only `cookie`.
fn holder(cookie: String) -> Option<Session> {
    Some(Session {
        cookie,
        csrf: String::new(),
    })
}

/// The `name=value` part of a reply's `Set-Cookie`.
fn set_cookie(reply: &Reply) -> String {
    let header = reply.header("set-cookie").expect("a cookie");
    header.split(';').next().unwrap().to_owned()
}

/// Makes a link through the API: its id, token and URL.
async fn make(t: &TestApp, admin: &Session, body: Value) -> (i64, String, String) {
    let reply = t
        .call(Method::POST, "/api/v1/shares", Some(admin), Some(body))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let json = reply.json();
    (
        json["id"].as_i64().unwrap(),
        json["token"].as_str().unwrap().to_owned(),
        json["url"].as_str().unwrap().to_owned(),
    )
}

/// Opens an album link as a browser would: sent on to the album, with the link's cookie.
async fn open_album_link(t: &TestApp, url: &str, album: i64) -> Option<Session> {
    let opened = t.get(url, None).await;
    assert_eq!(opened.status, 303, "{}", opened.text());
    let expected = format!("/albums/{album}");
    assert_eq!(opened.header("location"), Some(expected.as_str()));
    holder(set_cookie(&opened))
}

type Held = Vec<(Role, Option<Session>)>;

/// Makes the links of the link roles through the API and opens them as a browser would.
async fn links(w: &World, admin: &Session) -> (Held, Vec<Share>) {
    let t = &w.t;
    let mut roles = Vec::new();
    let mut shares = Vec::new();
    let mut share = |url: &str, token: &str, holders: Vec<Role>, kind| {
        shares.push(Share {
            url: url.to_owned(),
            token: token.to_owned(),
            holders,
            kind,
        });
    };

    for (role, album, sub_albums, zip) in [
        (Role::LinkFamily, Album::Family, false, false),
        (Role::LinkFamilyTree, Album::Family, true, true),
        (Role::LinkGarden, Album::Garden, false, false),
        (Role::LinkBackstage, Album::Backstage, false, false),
    ] {
        let id = w.album_id(album);
        let (_, token, url) = make(
            t,
            admin,
            json!({"album_id": id, "include_sub_albums": sub_albums, "allow_zip": zip}),
        )
        .await;
        roles.push((role, open_album_link(t, &url, id).await));
        share(&url, &token, vec![role], ShareKind::Album(album));
    }

    let (id, token, url) = make(
        t,
        admin,
        json!({
            "album_id": w.album_id(Album::Private),
            "password": "open sesame",
            "allow_download": true,
            "allow_zip": true,
        }),
    )
    .await;
    let form = t.get(&url, None).await;
    assert_eq!(form.status, 200);
    assert!(
        form.header("set-cookie").is_none(),
        "no cookie before the password"
    );
    // The cookie a holder could forge without the password: the token alone.
    roles.push((
        Role::LinkLocked,
        holder(format!("albumen_share_{id}={token}")),
    ));
    let unlocked = t
        .send(
            axum::http::Request::post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("password=open+sesame"))
                .unwrap(),
        )
        .await;
    assert_eq!(unlocked.status, 303, "{}", unlocked.text());
    roles.push((Role::LinkUnlocked, holder(set_cookie(&unlocked))));
    share(
        &url,
        &token,
        vec![Role::LinkLocked, Role::LinkUnlocked],
        ShareKind::Protected(Album::Private),
    );

    // Expired: stored directly, as no API makes a link that is already dead.
    let (token, token_hash) = albumen::auth::session::new_token();
    let expired = t
        .repo()
        .create_share(&albumen_db::NewShare {
            token_hash,
            label: String::new(),
            target: albumen_db::ShareTarget::Album {
                id: albumen_core::AlbumId::new(w.album_id(Album::NoInherit)),
                include_sub_albums: false,
            },
            password_hash: None,
            allow_download: true,
            allow_zip: true,
            created_by: None,
            created_at: 1,
            expires_at: Some(2),
        })
        .await
        .unwrap();
    let url = format!("/s/{token}");
    assert_eq!(t.get(&url, None).await.status, 404);
    roles.push((
        Role::LinkExpired,
        holder(format!("albumen_share_{expired}={token}")),
    ));
    share(&url, &token, vec![Role::LinkExpired], ShareKind::Dead);

    let (id, token, url) = make(
        t,
        admin,
        json!({"album_id": w.album_id(Album::NoInherit), "allow_download": true}),
    )
    .await;
    let opened = t.get(&url, None).await;
    assert_eq!(opened.status, 303);
    let revoked = t
        .call(
            Method::DELETE,
            &format!("/api/v1/shares/{id}"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text());
    assert_eq!(t.get(&url, None).await.status, 404);
    roles.push((Role::LinkRevoked, holder(set_cookie(&opened))));
    share(&url, &token, vec![Role::LinkRevoked], ShareKind::Dead);

    let (_, token, url) = make(
        t,
        admin,
        json!({
            "photo_ids": [w.photo_id(Photo::FamilyDenied), w.photo_id(Photo::NoInheritPlain)],
            "allow_download": true,
        }),
    )
    .await;
    // Opening the link sets its cookie and comes back to show the photos with it.
    let opened = t.get(&url, None).await;
    assert_eq!(opened.status, 303, "{}", opened.text());
    assert_eq!(
        opened.header("location"),
        Some(format!("{url}?opened").as_str())
    );
    roles.push((Role::LinkPhotos, holder(set_cookie(&opened))));
    share(&url, &token, vec![Role::LinkPhotos], ShareKind::Photos);
    (roles, shares)
}
