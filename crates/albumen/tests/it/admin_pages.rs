//! The admin pages (`/admin`): who may use them, their forms' CSRF guard, and the changes they
//! make as an administrator makes them in a browser (post, 303 back, the result on the page; a
//! new login or share link shown once).

use albumen_core::model::Permissions;
use axum::body::Body;
use axum::http::{Method, Request, header};

use crate::common::{PASSWORD, Reply, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

/// Posts `fields` to `path` as a browser's form would, with the session's CSRF field.
pub(crate) async fn post_form(
    t: &TestApp,
    path: &str,
    session: &Session,
    fields: &[(&str, &str)],
) -> Reply {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("csrf_token", &session.csrf);
    for (key, value) in fields {
        form.append_pair(key, value);
    }
    send_form(t, path, Some(session), form.finish()).await
}

pub(crate) async fn send_form(
    t: &TestApp,
    path: &str,
    session: Option<&Session>,
    body: String,
) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, "photos.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(session) = session {
        request = request.header(header::COOKIE, &session.cookie);
    }
    t.send(request.body(body.into()).unwrap()).await
}

/// A GET as a browser navigating to the page.
pub(crate) async fn page(t: &TestApp, path: &str, session: &Session) -> Reply {
    let request = Request::builder()
        .uri(path)
        .header(header::HOST, "photos.example")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, &session.cookie)
        .body(Body::empty())
        .unwrap();
    let reply = t.send(request).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.html());
    reply
}

/// Asserts a post/redirect/get answer back to `to`, and returns the page it leads to.
pub(crate) async fn followed(t: &TestApp, reply: &Reply, to: &str, session: &Session) -> String {
    assert_eq!(reply.status, 303, "{}", reply.html());
    let location = reply.header("location").unwrap();
    assert!(location.starts_with(to), "{location}");
    page(t, location, session).await.html()
}

async fn user_id(t: &TestApp, name: &str) -> i64 {
    let users = t.repo().list_users().await.unwrap();
    users.iter().find(|u| u.username == name).unwrap().id.get()
}

/// A page's text as a browser reads it: minijinja escapes `/` in values as `&#x2f;`.
pub(crate) trait Html {
    fn html(&self) -> String;
}

impl Html for Reply {
    fn html(&self) -> String {
        self.text().replace("&#x2f;", "/")
    }
}

const PAGES: [&str; 3] = ["/admin", "/admin/people", "/admin/links"];

#[tokio::test]
async fn admin_pages_refuse_visitors_and_non_admins() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    t.create_user("ann", Permissions::default()).await;
    t.create_user(
        "sam",
        Permissions {
            can_scan: true,
            can_see_all: true,
            admin: false,
        },
    )
    .await;
    for path in PAGES {
        let reply = t.get(path, None).await;
        assert_eq!(reply.status, 401, "{path}");
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        for name in ["ann", "sam"] {
            let session = t.login(name).await;
            let reply = t.get(path, Some(&session)).await;
            assert_eq!(reply.status, 403, "{name} {path}");
            assert!(
                !reply.html().contains("href=\"/admin\""),
                "{name} sees the admin link"
            );
        }
        let reply = page(&t, path, &admin).await;
        assert!(reply.html().contains("<nav class=\"admin-nav\""));
    }
    // A logged-out browser on an admin page gets the login form, back to that page.
    let request = Request::builder()
        .uri("/admin/links")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let reply = t.send(request).await;
    assert_eq!(reply.status, 401);
    let html = reply.html();
    assert!(html.contains("Log in to see this page."), "{html}");
    assert!(
        html.contains("name=\"next\" value=\"/admin/links\""),
        "{html}"
    );
    // The header links administrators, and only them, to the admin pages.
    let ann = t.login("ann").await;
    assert!(
        !t.get("/", Some(&ann))
            .await
            .html()
            .contains("href=\"/admin\"")
    );
    assert!(
        t.get("/", Some(&admin))
            .await
            .html()
            .contains("href=\"/admin\"")
    );

    // A non-administrator's form, with a valid CSRF token, changes nothing.
    let reply = post_form(
        &t,
        "/admin/users",
        &ann,
        &[("username", "eve"), ("password", PASSWORD), ("admin", "on")],
    )
    .await;
    assert_eq!(reply.status, 403);
    let ann_id = user_id(&t, "ann").await;
    let reply = post_form(
        &t,
        &format!("/admin/users/{ann_id}/permissions"),
        &ann,
        &[("admin", "on")],
    )
    .await;
    assert_eq!(reply.status, 403);
    let reply = send_form(&t, "/admin/links", None, "album=1".to_owned()).await;
    assert_eq!(reply.status, 401);
    let users = t.repo().list_users().await.unwrap();
    assert!(users.iter().all(|u| u.username != "eve"));
    assert!(
        users
            .iter()
            .all(|u| u.username == "admin" || !u.permissions.admin)
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_are_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body = format!("username=eve&password={}", PASSWORD.replace(' ', "+"));
    let reply = send_form(&t, "/admin/users", Some(&admin), body.clone()).await;
    assert_eq!(reply.status, 403, "{}", reply.html());
    let reply = send_form(
        &t,
        "/admin/users",
        Some(&admin),
        format!("{body}&csrf_token=wrong"),
    )
    .await;
    assert_eq!(reply.status, 403);
    // With the right token, but posted from another site.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/admin/users")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &admin.cookie)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!("{body}&csrf_token={}", admin.csrf)))
        .unwrap();
    assert_eq!(t.send(request).await.status, 403);
    assert!(
        t.repo()
            .list_users()
            .await
            .unwrap()
            .iter()
            .all(|u| u.username != "eve")
    );
    // Every form on the pages carries the token.
    for path in PAGES {
        let html = page(&t, path, &admin).await.html();
        let forms = html.matches("<form method=\"post\"").count();
        let tokens = html.matches("name=\"csrf_token\"").count();
        assert_eq!(forms, tokens, "{path}");
    }
}

#[tokio::test]
async fn a_user_created_through_the_form_logs_in_and_can_be_disabled() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let reply = post_form(
        &t,
        "/admin/users",
        &admin,
        &[
            ("username", "ann"),
            ("password", PASSWORD),
            ("can_scan", "on"),
        ],
    )
    .await;
    let html = followed(&t, &reply, "/admin/people?done=user-created", &admin).await;
    assert!(html.contains("User created."), "{html}");
    assert!(html.contains(">ann<"), "{html}");

    let ann = t.login("ann").await;
    let me = t.get("/api/v1/session", Some(&ann)).await.json();
    assert_eq!(me["user"]["username"], "ann", "{me}");
    let id = user_id(&t, "ann").await;
    let stored = t
        .repo()
        .user(albumen_core::UserId::new(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.permissions.names(), ["can_scan"]);

    // Disabling ends the session at once; the page says so.
    let reply = post_form(
        &t,
        &format!("/admin/users/{id}/disabled"),
        &admin,
        &[("disabled", "true")],
    )
    .await;
    let html = followed(&t, &reply, "/admin/people?done=user-disabled", &admin).await;
    assert!(html.contains("Account disabled"), "{html}");
    assert!(html.contains("admin-state-off"), "{html}");
    let me = t.get("/api/v1/session", Some(&ann)).await;
    assert!(
        me.status == 401 || me.json()["user"].is_null(),
        "{}",
        me.html()
    );

    // Enabled again, with a new password set through the page.
    let reply = post_form(
        &t,
        &format!("/admin/users/{id}/disabled"),
        &admin,
        &[("disabled", "false")],
    )
    .await;
    followed(&t, &reply, "/admin/people?done=user-enabled", &admin).await;
    let reply = post_form(
        &t,
        &format!("/admin/users/{id}/password"),
        &admin,
        &[("password", "another long one")],
    )
    .await;
    followed(&t, &reply, "/admin/people?done=password-set", &admin).await;
    let login = t
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(serde_json::json!({"username": "ann", "password": "another long one"})),
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.html());

    // An administrator cannot disable or demote themselves from the page.
    let own = user_id(&t, "admin").await;
    let reply = post_form(
        &t,
        &format!("/admin/users/{own}/disabled"),
        &admin,
        &[("disabled", "true")],
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.html().contains("your own account"),
        "{}",
        reply.html()
    );
    assert_eq!(
        t.get("/api/v1/session", Some(&admin)).await.json()["user"]["username"],
        "admin"
    );
}

#[tokio::test]
async fn form_errors_show_on_the_page_with_what_was_typed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let reply = post_form(
        &t,
        "/admin/users",
        &admin,
        &[
            ("username", "ann <b>"),
            ("password", "short"),
            ("can_see_all", "on"),
        ],
    )
    .await;
    assert_eq!(reply.status, 400);
    let html = reply.html();
    assert!(
        html.contains("role=\"alert\">Passwords need at least 8 characters."),
        "{html}"
    );
    assert!(
        html.contains("value=\"ann &lt;b&gt;\""),
        "the name typed stays: {html}"
    );
    assert!(
        !html.contains("value=\"short\""),
        "a password is never sent back"
    );
    let form = &html[html.find("id=\"new-user\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("name=\"can_see_all\" checked"), "{form}");

    // A taken name, and a group name taken.
    let reply = post_form(
        &t,
        "/admin/users",
        &admin,
        &[("username", "admin"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(reply.status, 409);
    assert!(
        reply.html().contains("User already exists."),
        "{}",
        reply.html()
    );
    let reply = post_form(&t, "/admin/groups", &admin, &[("name", "   ")]).await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.html().contains("Group names are 1 to 64"),
        "{}",
        reply.html()
    );
}

#[tokio::test]
async fn groups_are_made_filled_and_deleted_through_the_page() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    t.create_user("ann", Permissions::default()).await;
    t.create_user("bob", Permissions::default()).await;
    let (ann, bob) = (user_id(&t, "ann").await, user_id(&t, "bob").await);
    let reply = post_form(
        &t,
        "/admin/groups",
        &admin,
        &[
            ("name", "Family"),
            ("members", &ann.to_string()),
            ("members", &bob.to_string()),
        ],
    )
    .await;
    let html = followed(&t, &reply, "/admin/people?done=group-created", &admin).await;
    assert!(
        html.contains(
            "<th scope=\"row\">Family</th>\n    <td data-label=\"Members\">ann, bob</td>"
        ),
        "{html}"
    );
    let group = t.repo().list_groups().await.unwrap()[0].id;
    let reply = post_form(
        &t,
        &format!("/admin/groups/{group}/members"),
        &admin,
        &[("members", &bob.to_string())],
    )
    .await;
    followed(&t, &reply, "/admin/people?done=members-set", &admin).await;
    assert_eq!(
        t.repo().group_members(group).await.unwrap(),
        [albumen_core::UserId::new(bob)]
    );
    // An unknown member changes nothing.
    let reply = post_form(
        &t,
        &format!("/admin/groups/{group}/members"),
        &admin,
        &[("members", "999")],
    )
    .await;
    assert_eq!(reply.status, 404, "{}", reply.html());
    assert_eq!(t.repo().group_members(group).await.unwrap().len(), 1);
    let reply = post_form(&t, &format!("/admin/groups/{group}/delete"), &admin, &[]).await;
    followed(&t, &reply, "/admin/people?done=group-deleted", &admin).await;
    assert!(t.repo().list_groups().await.unwrap().is_empty());
}

/// The token a page shows in `<input … value="URL">` after `prefix`.
fn shown_token(html: &str, prefix: &str) -> String {
    let at = html
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} on the page: {html}"));
    html[at + prefix.len()..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

#[tokio::test]
async fn a_login_link_is_shown_once_and_logs_the_user_in() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    t.create_user("ann", Permissions::default()).await;
    let id = user_id(&t, "ann").await;
    let reply = post_form(
        &t,
        &format!("/admin/users/{id}/login-link"),
        &admin,
        &[("expires_in_days", "3"), ("single_use", "on")],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.html());
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let html = reply.html();
    assert!(html.contains("Login link for ann"), "{html}");
    assert!(html.contains("data-copy=\"#login-link-url\""), "{html}");
    // And as a QR code for a phone (`web::qr` checks that it reads back).
    assert!(
        html.contains("<svg class=\"qr\"")
            && html.contains("aria-label=\"QR code of the login link for ann\""),
        "{html}"
    );
    let token = shown_token(&html, "value=\"http://photos.example/login/link/");
    assert_eq!(token.len(), 64);
    // Never again: the page, reloaded, does not have it.
    let again = page(&t, "/admin/people", &admin).await.html();
    assert!(!again.contains(&token));

    // The link logs ann in, once.
    let confirm = |cookie: Option<&str>| {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(format!("/login/link/{token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.body(Body::empty()).unwrap()
    };
    let reply = t.send(confirm(None)).await;
    assert_eq!(reply.status, 303, "{}", reply.html());
    let cookie = reply
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let ann = Session {
        cookie,
        csrf: String::new(),
    };
    assert_eq!(
        t.get("/api/v1/session", Some(&ann)).await.json()["user"]["username"],
        "ann"
    );
    assert_eq!(t.send(confirm(None)).await.status, 404, "single use");

    // A bad duration is an error on the page, with the row left open.
    let reply = post_form(
        &t,
        &format!("/admin/users/{id}/login-link"),
        &admin,
        &[("expires_in_days", "9999")],
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.html().contains("Login links last at most 365 days."),
        "{}",
        reply.html()
    );
}

#[tokio::test]
async fn a_share_link_made_on_the_page_opens_until_it_is_revoked() {
    let t = TestApp::new().await;
    t.add("Trips/Rome/a.jpg", &jpeg(40, 30, &Exif::default()));
    t.add("Private/d.jpg", &jpeg(46, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let albums = t.repo().catalog_albums().await.unwrap();
    let rome = albums
        .iter()
        .find(|a| a.path == "Trips/Rome")
        .unwrap()
        .id
        .get();

    let html = page(&t, "/admin/links", &admin).await.html();
    assert!(
        html.contains(&format!("<option value=\"{rome}\">Trips/Rome</option>")),
        "{html}"
    );
    assert!(html.contains("No share links yet."));

    let make = |label: &'static str| {
        let rome = rome.to_string();
        let t = &t;
        let admin = &admin;
        async move {
            post_form(
                t,
                "/admin/links",
                admin,
                &[
                    ("album", &rome),
                    ("label", label),
                    ("expires_in_days", "7"),
                    ("password", ""),
                    ("allow_zip", "on"),
                ],
            )
            .await
        }
    };
    let reply = make("For Rome").await;
    assert_eq!(reply.status, 200, "{}", reply.html());
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    let html = reply.html();
    let token = shown_token(&html, "value=\"http://photos.example/s/");
    assert_eq!(token.len(), 64);
    assert!(html.contains("Trips/Rome"));
    assert!(html.contains("For Rome"));
    assert!(html.contains("admin-state-live"), "{html}");
    assert!(
        !page(&t, "/admin/links", &admin)
            .await
            .html()
            .contains(&token)
    );

    // A guest opens it.
    let url = format!("/s/{token}");
    let opened = t.get(&url, None).await;
    assert_eq!(opened.status, 303, "{}", opened.html());
    let stored = t.repo().list_shares().await.unwrap();
    assert!(stored[0].allow_zip && !stored[0].allow_download && stored[0].password_hash.is_none());
    assert!(stored[0].expires_at.is_some());

    // Revoked from the page: its URL is a 404 at once.
    let id = stored[0].id.get();
    let reply = post_form(&t, &format!("/admin/links/{id}/revoke"), &admin, &[]).await;
    let html = followed(&t, &reply, "/admin/links?done=link-revoked", &admin).await;
    assert!(html.contains("Link revoked."));
    assert!(html.contains("admin-state-revoked"), "{html}");
    assert_eq!(t.get(&url, None).await.status, 404);

    // Every link of an album at once.
    let first = shown_token(
        &make("one").await.html(),
        "value=\"http://photos.example/s/",
    );
    let second = shown_token(
        &make("two").await.html(),
        "value=\"http://photos.example/s/",
    );
    let reply = post_form(
        &t,
        &format!("/admin/albums/{rome}/revoke-links"),
        &admin,
        &[],
    )
    .await;
    let html = followed(&t, &reply, "/admin/links?done=album-links-revoked", &admin).await;
    assert!(html.contains("No album has a live link."), "{html}");
    for token in [first, second] {
        assert_eq!(t.get(&format!("/s/{token}"), None).await.status, 404);
    }

    // Mistakes stay on the page with what was typed.
    let reply = post_form(
        &t,
        "/admin/links",
        &admin,
        &[
            ("album", &rome.to_string()),
            ("label", "typed"),
            ("expires_in_days", "0"),
        ],
    )
    .await;
    assert_eq!(reply.status, 400);
    let html = reply.html();
    assert!(html.contains("Expiry is a number of days"), "{html}");
    assert!(html.contains("value=\"typed\""), "{html}");
    assert!(
        html.contains(&format!("<option value=\"{rome}\" selected>")),
        "{html}"
    );
    let reply = post_form(&t, "/admin/links", &admin, &[("album", "")]).await;
    assert_eq!(reply.status, 400);
    assert!(reply.html().contains("Choose an album."));
}

#[tokio::test]
async fn a_link_to_photos_ticked_in_the_picker_shows_those_photos() {
    let t = TestApp::new().await;
    t.add("Trips/a.jpg", &jpeg(40, 30, &Exif::default()));
    t.add("Trips/b.jpg", &jpeg(42, 30, &Exif::default()));
    t.add("Trips/c.jpg", &jpeg(44, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let trips = t.repo().catalog_albums().await.unwrap()[0].id.get();
    let (a, b) = (t.photo_id("a.jpg").await, t.photo_id("b.jpg").await);

    let html = page(&t, &format!("/admin/links/pick?album={trips}"), &admin)
        .await
        .html();
    assert!(html.contains("Share photos of Trips"), "{html}");
    assert_eq!(html.matches("name=\"photos\"").count(), 3, "{html}");
    assert!(html.contains(&format!("/media/photos/{a}/preview/thumb?v=")));
    assert_eq!(
        t.get("/admin/links/pick?album=999", Some(&admin))
            .await
            .status,
        404
    );

    let album = trips.to_string();
    let picked = |photos: Vec<String>| {
        let mut fields = vec![
            ("selection".to_owned(), "1".to_owned()),
            ("album".to_owned(), album.clone()),
            ("label".to_owned(), "Two of them".to_owned()),
        ];
        fields.extend(photos.into_iter().map(|p| ("photos".to_owned(), p)));
        fields
    };
    let post = async |fields: Vec<(String, String)>| {
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        post_form(&t, "/admin/links", &admin, &fields).await
    };
    // Nothing ticked: the picker again, with the label typed.
    let reply = post(picked(vec![])).await;
    assert_eq!(reply.status, 400);
    let html = reply.html();
    assert!(
        html.contains("A photo link needs at least one photo."),
        "{html}"
    );
    assert!(html.contains("value=\"Two of them\""), "{html}");

    let reply = post(picked(vec![a.to_string(), b.to_string()])).await;
    assert_eq!(reply.status, 200, "{}", reply.html());
    let html = reply.html();
    let token = shown_token(&html, "value=\"http://photos.example/s/");
    assert!(html.contains("2 photos"), "{html}");

    // The guest sees exactly those two.
    let opened = t.get(&format!("/s/{token}"), None).await;
    assert_eq!(opened.status, 303);
    let cookie = opened
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let guest = Session {
        cookie,
        csrf: String::new(),
    };
    let shown = t.get(&format!("/s/{token}"), Some(&guest)).await.html();
    assert!(
        shown.contains("2 photos") && shown.contains("Two of them"),
        "{shown}"
    );
    assert!(shown.contains(&format!("/photos/{a}\"")) && shown.contains(&format!("/photos/{b}\"")));
    assert!(!shown.contains("c.jpg"));
}

#[tokio::test]
async fn admin_templates_can_be_overridden_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("admin")).unwrap();
    std::fs::write(
        dir.path().join("admin/people.html"),
        "custom people: {% for u in users %}{{ u.username }}{% endfor %}",
    )
    .unwrap();
    let templates = dir.path().to_owned();
    let t = TestApp::with_config(|c| c.server.templates_dir = Some(templates)).await;
    let admin = t.admin().await;
    assert_eq!(
        page(&t, "/admin/people", &admin).await.html(),
        "custom people: admin"
    );
    assert!(
        page(&t, "/admin/links", &admin)
            .await
            .html()
            .contains("Share links")
    );
}
