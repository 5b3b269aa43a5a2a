//! The admin API: accounts, groups and policies, and what each change means to the people who
//! then browse the gallery.

use albumen_core::access::VisibilityScope;
use albumen_core::model::Permissions;
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::common::{PASSWORD, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

/// Album ids of "Alpha" (two photos) and "Beta" (one photo), and Alpha's photo ids.
async fn two_albums(t: &TestApp) -> (i64, i64, Vec<i64>) {
    t.add("2020_05_01_Alpha/a1.jpg", &jpeg(32, 32, &Exif::default()));
    t.add("2020_05_01_Alpha/a2.jpg", &jpeg(32, 32, &Exif::default()));
    t.add("2021_06_01_Beta/b1.jpg", &jpeg(32, 32, &Exif::default()));
    t.scan().await;
    let albums = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap();
    let id_of = |suffix: &str| albums.iter().find(|a| a.path.ends_with(suffix)).unwrap().id;
    let (alpha, beta) = (id_of("Alpha"), id_of("Beta"));
    let photos = t
        .repo()
        .album_photos(&VisibilityScope::Everything, alpha)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id.get())
        .collect();
    (alpha.get(), beta.get(), photos)
}

async fn create_user(t: &TestApp, admin: &Session, name: &str, permissions: Value) -> i64 {
    let reply = t
        .call(
            Method::POST,
            "/api/v1/users",
            Some(admin),
            Some(json!({"username": name, "password": PASSWORD, "permissions": permissions})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["username"], name);
    assert_eq!(body["disabled"], false);
    assert!(body.get("password_hash").is_none());
    body["id"].as_i64().unwrap()
}

async fn album_ids(t: &TestApp, session: Option<&Session>) -> Vec<i64> {
    let reply = t.get("/api/v1/albums", session).await;
    assert_eq!(reply.status, 200);
    let mut ids: Vec<i64> = reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

async fn album_photo_ids(t: &TestApp, session: Option<&Session>, album: i64) -> Vec<i64> {
    let reply = t.get(&format!("/api/v1/albums/{album}"), session).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let mut ids: Vec<i64> = reply.json()["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// The status of a photo's thumbnail and of its original.
async fn media(t: &TestApp, session: Option<&Session>, photo: i64) -> (u16, u16) {
    let thumb = t
        .get(&format!("/media/photos/{photo}/preview/thumb"), session)
        .await;
    let original = t
        .get(&format!("/media/photos/{photo}/original"), session)
        .await;
    (thumb.status.as_u16(), original.status.as_u16())
}

#[tokio::test]
async fn a_group_policy_opens_an_album_to_its_members_only() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let (alpha, beta, photos) = two_albums(&t).await;
    let ann = create_user(&t, &admin, "ann", json!([])).await;
    create_user(&t, &admin, "bob", json!([])).await;
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
    assert_eq!(
        reply.json(),
        json!({"id": family, "name": "family", "members": [ann]})
    );
    let echoed = t
        .put_ok(
            &admin,
            &format!("/api/v1/albums/{alpha}/policy"),
            json!({"groups": [family]}),
        )
        .await;
    assert_eq!(
        echoed,
        json!({"public": false, "users": [], "groups": [family], "inherit": true})
    );

    let ann_s = t.login("ann").await;
    let bob_s = t.login("bob").await;
    assert_eq!(album_ids(&t, Some(&ann_s)).await, [alpha]);
    assert_eq!(album_photo_ids(&t, Some(&ann_s), alpha).await, photos);
    for &photo in &photos {
        assert_eq!(media(&t, Some(&ann_s), photo).await, (200, 200));
    }
    // Beta is hidden from ann exactly as an album that does not exist.
    let hidden = t.get(&format!("/api/v1/albums/{beta}"), Some(&ann_s)).await;
    let nonexistent = t.get("/api/v1/albums/987654", Some(&ann_s)).await;
    assert_eq!(hidden.status, 404);
    assert_eq!(hidden.body, nonexistent.body);
    // Neither bob nor anonymous visitors see anything.
    for session in [Some(&bob_s), None] {
        assert!(album_ids(&t, session).await.is_empty());
        let reply = t.get(&format!("/api/v1/albums/{alpha}"), session).await;
        assert_eq!(reply.status, 404);
        assert_eq!(media(&t, session, photos[0]).await, (404, 404));
    }

    // A public album is visible to everyone, anonymous visitors included.
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{beta}/policy"),
        json!({"public": true}),
    )
    .await;
    assert_eq!(album_ids(&t, None).await, [beta]);
    assert_eq!(album_ids(&t, Some(&bob_s)).await, [beta]);
    let mut both = vec![alpha, beta];
    both.sort_unstable();
    assert_eq!(album_ids(&t, Some(&ann_s)).await, both);

    // An empty photo policy hides that photo from ann; the others stay.
    t.put_ok(
        &admin,
        &format!("/api/v1/photos/{}/policy", photos[0]),
        json!({}),
    )
    .await;
    assert_eq!(media(&t, Some(&ann_s), photos[0]).await, (404, 404));
    assert_eq!(media(&t, Some(&ann_s), photos[1]).await, (200, 200));
    assert_eq!(album_photo_ids(&t, Some(&ann_s), alpha).await, [photos[1]]);
    // Removing it lets the photo follow its album again.
    let reply = t
        .call(
            Method::DELETE,
            &format!("/api/v1/photos/{}/policy", photos[0]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(media(&t, Some(&ann_s), photos[0]).await, (200, 200));

    // Without inherit the album stays visible but its photos do not follow it.
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{alpha}/policy"),
        json!({"groups": [family], "inherit": false}),
    )
    .await;
    let reply = t
        .get(&format!("/api/v1/albums/{alpha}"), Some(&ann_s))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["photos"], json!([]));
    for &photo in &photos {
        assert_eq!(media(&t, Some(&ann_s), photo).await, (404, 404));
    }
    // A photo with its own policy naming ann is still hers to see.
    t.put_ok(
        &admin,
        &format!("/api/v1/photos/{}/policy", photos[1]),
        json!({"users": [ann]}),
    )
    .await;
    assert_eq!(media(&t, Some(&ann_s), photos[1]).await, (200, 200));
    assert_eq!(media(&t, Some(&bob_s), photos[1]).await, (404, 404));

    // Deleting the policy makes the album private again.
    let reply = t
        .call(
            Method::DELETE,
            &format!("/api/v1/albums/{alpha}/policy"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        t.get(&format!("/api/v1/albums/{alpha}"), Some(&ann_s))
            .await
            .status,
        404
    );
    assert_eq!(media(&t, Some(&ann_s), photos[0]).await, (404, 404));
    assert_eq!(album_ids(&t, Some(&ann_s)).await, [beta]);
}

#[tokio::test]
async fn group_membership_changes_apply_at_once_and_all_or_nothing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let (alpha, _, _) = two_albums(&t).await;
    let ann = create_user(&t, &admin, "ann", json!([])).await;
    let bob = create_user(&t, &admin, "bob", json!([])).await;
    let reply = t
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&admin),
            Some(json!({"name": "family"})),
        )
        .await;
    assert_eq!(reply.status, 201);
    let family = reply.json()["id"].as_i64().unwrap();
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{alpha}/policy"),
        json!({"groups": [family]}),
    )
    .await;
    let bob_s = t.login("bob").await;
    assert!(album_ids(&t, Some(&bob_s)).await.is_empty());
    let members = t
        .put_ok(
            &admin,
            &format!("/api/v1/groups/{family}/members"),
            json!({"members": [bob, ann]}),
        )
        .await;
    assert_eq!(members["members"], json!([ann, bob]));
    // Bob's existing session sees the album without logging in again.
    assert_eq!(album_ids(&t, Some(&bob_s)).await, [alpha]);

    // An unknown member is refused and nothing changes.
    let reply = t
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{family}/members"),
            Some(&admin),
            Some(json!({"members": [ann, 987_654]})),
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.text());
    let reply = t
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&admin),
            Some(json!({"name": "friends", "members": [987_654]})),
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.text());
    let groups = t.get("/api/v1/groups", Some(&admin)).await;
    assert_eq!(groups.status, 200);
    assert_eq!(
        groups.json(),
        json!([{"id": family, "name": "family", "members": [ann, bob]}])
    );
    let reply = t
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&admin),
            Some(json!({"name": "family"})),
        )
        .await;
    assert_eq!(reply.status, 409);
    let reply = t
        .call(
            Method::PUT,
            "/api/v1/groups/987654/members",
            Some(&admin),
            Some(json!({"members": []})),
        )
        .await;
    assert_eq!(reply.status, 404);
}

/// Every admin route with a valid body.
fn admin_routes() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/v1/users", None),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "zed", "password": PASSWORD, "permissions": []})),
        ),
        (
            Method::PATCH,
            "/api/v1/users/1",
            Some(json!({"disabled": true})),
        ),
        (Method::GET, "/api/v1/groups", None),
        (
            Method::POST,
            "/api/v1/groups",
            Some(json!({"name": "g", "members": []})),
        ),
        (
            Method::PUT,
            "/api/v1/groups/1/members",
            Some(json!({"members": []})),
        ),
        (
            Method::PUT,
            "/api/v1/albums/1/policy",
            Some(json!({"public": true})),
        ),
        (Method::DELETE, "/api/v1/albums/1/policy", None),
        (
            Method::PUT,
            "/api/v1/photos/1/policy",
            Some(json!({"public": true})),
        ),
        (Method::DELETE, "/api/v1/photos/1/policy", None),
        (
            Method::PUT,
            "/api/v1/policies/albums",
            Some(json!({"album_ids": [1], "policy": {"public": true}})),
        ),
        (
            Method::PUT,
            "/api/v1/policies/photos",
            Some(json!({"photo_ids": [1], "policy": {"public": true}})),
        ),
    ]
}

/// A request with the session cookie but without the CSRF header.
fn without_csrf(
    method: Method,
    path: &str,
    session: &Session,
    json: Option<&Value>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, &session.cookie);
    let body = match json {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    request.body(body).unwrap()
}

fn error_code(reply: &crate::common::Reply) -> String {
    reply.json()["error"]["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn bulk_policy_changes_are_all_or_nothing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let (alpha, beta, photos) = two_albums(&t).await;
    let ann = create_user(&t, &admin, "ann", json!([])).await;
    let session = t.login("ann").await;
    let bulk = |path: &'static str, body: Value| {
        let (t, admin) = (&t, &admin);
        async move { t.call(Method::PUT, path, Some(admin), Some(body)).await }
    };

    // One unknown album (or user) refuses the whole change.
    for body in [
        json!({"album_ids": [alpha, beta, 987_654], "policy": {"users": [ann]}}),
        json!({"album_ids": [alpha, beta], "policy": {"users": [987_654]}}),
    ] {
        let reply = bulk("/api/v1/policies/albums", body).await;
        assert_eq!(reply.status, 404, "{}", reply.text());
    }
    assert!(album_ids(&t, Some(&session)).await.is_empty());
    // A forgotten policy, no ids or a policy with a typo is a 400, not a removal.
    for body in [
        json!({"album_ids": [alpha]}),
        json!({"album_ids": [], "policy": null}),
        json!({"album_ids": [alpha], "policy": {"pubic": true}}),
    ] {
        let reply = bulk("/api/v1/policies/albums", body.clone()).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
    }

    let reply = bulk(
        "/api/v1/policies/albums",
        json!({"album_ids": [alpha, beta], "policy": {"users": [ann]}}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json(), json!({"updated": 2}));
    let mut both = vec![alpha, beta];
    both.sort_unstable();
    assert_eq!(album_ids(&t, Some(&session)).await, both);

    // Photos: an empty own policy hides both of Alpha's photos from ann, so Alpha drops out of
    // her list; a missing photo id changes nothing.
    let reply = bulk(
        "/api/v1/policies/photos",
        json!({"photo_ids": [photos[0], photos[1], 987_654], "policy": {}}),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(album_photo_ids(&t, Some(&session), alpha).await, photos);
    let reply = bulk(
        "/api/v1/policies/photos",
        json!({"photo_ids": photos, "policy": {}}),
    )
    .await;
    assert_eq!(reply.json(), json!({"updated": 2}));
    assert_eq!(album_ids(&t, Some(&session)).await, [beta]);
    assert_eq!(media(&t, Some(&session), photos[0]).await, (404, 404));
    let reply = bulk(
        "/api/v1/policies/photos",
        json!({"photo_ids": [photos[0]], "policy": null}),
    )
    .await;
    assert_eq!(reply.json(), json!({"updated": 1}));
    assert_eq!(
        album_photo_ids(&t, Some(&session), alpha).await,
        [photos[0]]
    );

    // Removing the albums' policies makes both private again.
    let reply = bulk(
        "/api/v1/policies/albums",
        json!({"album_ids": [alpha, beta], "policy": null}),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(album_ids(&t, Some(&session)).await.is_empty());
}

#[tokio::test]
async fn admin_routes_need_an_admin_and_a_csrf_token() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    two_albums(&t).await;
    t.create_user(
        "viewer",
        Permissions {
            can_see_all: true,
            can_scan: true,
            ..Permissions::default()
        },
    )
    .await;
    let viewer = t.login("viewer").await;
    for (method, path, body) in admin_routes() {
        let anonymous = t.call(method.clone(), path, None, body.clone()).await;
        assert_eq!(anonymous.status, 401, "{method} {path}");
        assert_eq!(error_code(&anonymous), "login-required");
        let refused = t
            .call(method.clone(), path, Some(&viewer), body.clone())
            .await;
        assert_eq!(refused.status, 403, "{method} {path}");
        assert_eq!(error_code(&refused), "forbidden");
        if method != Method::GET {
            let reply = t
                .send(without_csrf(method.clone(), path, &admin, body.as_ref()))
                .await;
            assert_eq!(reply.status, 403, "{method} {path}");
            assert_eq!(error_code(&reply), "csrf-failed");
        }
    }
    // None of that changed anything.
    let users = t.get("/api/v1/users", Some(&admin)).await.json();
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "viewer"]);
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["disabled"] == false)
    );
    assert_eq!(
        t.get("/api/v1/groups", Some(&admin)).await.json(),
        json!([])
    );
    assert!(album_ids(&t, None).await.is_empty());
}

#[tokio::test]
async fn disabling_a_user_ends_its_sessions_and_blocks_login() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = create_user(&t, &admin, "ann", json!(["can_see_all"])).await;
    let ann_s = t.login("ann").await;
    assert_eq!(t.get("/api/v1/session", Some(&ann_s)).await.status, 200);

    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{ann}"),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"id": ann, "username": "ann", "permissions": ["can_see_all"], "disabled": true})
    );
    assert_eq!(t.get("/api/v1/session", Some(&ann_s)).await.status, 401);
    let login = t
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": "ann", "password": PASSWORD})),
        )
        .await;
    assert_eq!(login.status, 401);

    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{ann}"),
            Some(&admin),
            Some(json!({"disabled": false})),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["disabled"], false);
    // The old session stays ended; a new login works.
    assert_eq!(t.get("/api/v1/session", Some(&ann_s)).await.status, 401);
    let again = t.login("ann").await;
    assert_eq!(t.get("/api/v1/session", Some(&again)).await.status, 200);
    // The admin's own session was not touched.
    assert_eq!(t.get("/api/v1/session", Some(&admin)).await.status, 200);
}

#[tokio::test]
async fn a_new_password_replaces_the_old_one_and_ends_sessions() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = create_user(&t, &admin, "ann", json!([])).await;
    let ann_s = t.login("ann").await;
    let new_password = "a brand new passphrase";
    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{ann}"),
            Some(&admin),
            Some(json!({"password": new_password})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(t.get("/api/v1/session", Some(&ann_s)).await.status, 401);
    let login = |password: &'static str| {
        t.call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": "ann", "password": password})),
        )
    };
    assert_eq!(login(PASSWORD).await.status, 401);
    assert_eq!(login(new_password).await.status, 200);

    // Too short a password is refused and changes nothing.
    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{ann}"),
            Some(&admin),
            Some(json!({"password": "short"})),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(login(new_password).await.status, 200);
}

#[tokio::test]
async fn new_permissions_apply_at_once() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    two_albums(&t).await;
    let ann = create_user(&t, &admin, "ann", json!([])).await;
    let ann_s = t.login("ann").await;
    assert!(album_ids(&t, Some(&ann_s)).await.is_empty());
    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{ann}"),
            Some(&admin),
            Some(json!({"permissions": ["can_see_all"]})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["permissions"], json!(["can_see_all"]));
    // The old session is gone; the next login carries the new permission.
    assert_eq!(t.get("/api/v1/session", Some(&ann_s)).await.status, 401);
    let ann_s = t.login("ann").await;
    assert_eq!(album_ids(&t, Some(&ann_s)).await.len(), 2);
}

#[tokio::test]
async fn bad_input_gets_a_json_error() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let (alpha, _, _) = two_albums(&t).await;

    let malformed = t
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/users")
                .header(header::COOKIE, &admin.cookie)
                .header("x-csrf-token", &admin.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"username\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(error_code(&malformed), "bad-request");

    let not_json = t
        .send(
            Request::builder()
                .method(Method::PUT)
                .uri(format!("/api/v1/albums/{alpha}/policy"))
                .header(header::COOKIE, &admin.cookie)
                .header("x-csrf-token", &admin.csrf)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.status, 415);
    assert!(not_json.json()["error"]["message"].is_string());

    let wrong_type = t
        .call(
            Method::PUT,
            &format!("/api/v1/albums/{alpha}/policy"),
            Some(&admin),
            Some(json!({"public": "yes"})),
        )
        .await;
    assert_eq!(wrong_type.status, 400);
    assert_eq!(error_code(&wrong_type), "bad-request");

    let unknown_permission = t
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "ann", "password": PASSWORD, "permissions": ["root"]})),
        )
        .await;
    assert_eq!(unknown_permission.status, 400);
    let message = unknown_permission.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("root"), "{message}");

    let short = t
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "ann", "password": "short", "permissions": []})),
        )
        .await;
    assert_eq!(short.status, 400);

    create_user(&t, &admin, "ann", json!([])).await;
    let duplicate = t
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "ann", "password": PASSWORD, "permissions": []})),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(error_code(&duplicate), "conflict");

    for (method, path, body) in [
        (
            Method::PUT,
            "/api/v1/albums/987654/policy",
            Some(json!({"public": true})),
        ),
        (Method::DELETE, "/api/v1/albums/987654/policy", None),
        (
            Method::PUT,
            "/api/v1/photos/987654/policy",
            Some(json!({"public": true})),
        ),
        (Method::DELETE, "/api/v1/photos/987654/policy", None),
        (
            Method::PATCH,
            "/api/v1/users/987654",
            Some(json!({"disabled": true})),
        ),
        (
            Method::PUT,
            "/api/v1/albums/x1/policy",
            Some(json!({"public": true})),
        ),
        // A user or group the policy names must exist too.
        (
            Method::PUT,
            "/api/v1/albums/ALPHA/policy",
            Some(json!({"users": [987_654]})),
        ),
    ] {
        let path = path.replace("ALPHA", &alpha.to_string());
        let reply = t.call(method.clone(), &path, Some(&admin), body).await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text());
        assert_eq!(error_code(&reply), "not-found");
    }
    // The refused policy left the album private.
    assert!(album_ids(&t, None).await.is_empty());
}
