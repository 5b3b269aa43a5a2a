//! "View as": an administrator sees exactly what a user or a link holder sees, changes nothing
//! meanwhile, and only an administrator's own session can start it.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::admin_access::{World, world};
use crate::admin_pages::{Html, post_form};
use crate::common::{Reply, Session};

/// The session of `session` viewing as `target` (`u{id}` or `s{id}`): its cookies with the
/// view-as cookie the start form set.
async fn viewing_as(w: &World, session: &Session, target: &str) -> Session {
    let reply = post_form(&w.t, "/admin/view-as", session, &[("target", target)]).await;
    assert_eq!(reply.status, 303, "{}", reply.html());
    assert_eq!(reply.header("location"), Some("/"));
    let set = reply.header("set-cookie").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let pair = set.split(';').next().unwrap();
    Session {
        cookie: format!("{}; {pair}", session.cookie),
        csrf: session.csrf.clone(),
    }
}

async fn user_id(w: &World, name: &str) -> albumen_core::UserId {
    let user = w.t.repo().user_credentials(name).await.unwrap();
    user.unwrap().0.id
}

/// A page as a browser gets it.
async fn get(w: &World, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::builder()
        .uri(path)
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    w.t.send(request.body(Body::empty()).unwrap()).await
}

/// A page's HTML without the view-as banner, with the session's CSRF token blanked.
fn normalised(reply: &Reply, csrf: &str) -> String {
    let mut html = reply.html();
    if let Some(start) = html.find("<div class=\"view-as\"") {
        let end = start + html[start..].find("</div>\n").unwrap() + "</div>\n".len();
        html.replace_range(start..end, "");
    }
    if csrf.is_empty() {
        html
    } else {
        html.replace(csrf, "CSRF")
    }
}

/// Every page, preview, original and ZIP of the world's albums and photos.
async fn every_url(w: &World) -> Vec<String> {
    let mut urls = vec!["/".to_owned()];
    for file in w.t.repo().catalog_files().await.unwrap() {
        let id = file.id;
        urls.push(format!("/photos/{id}"));
        urls.push(format!("/media/photos/{id}/preview/thumb"));
        urls.push(format!("/media/photos/{id}/original"));
    }
    for album in w.t.repo().catalog_albums().await.unwrap() {
        urls.push(format!("/albums/{}", album.id));
        urls.push(format!("/albums/{}/export.zip", album.id));
    }
    urls
}

#[tokio::test]
async fn viewing_as_a_user_or_a_link_is_exactly_their_view() {
    let w = world().await;
    let urls = every_url(&w).await;
    let ann = w.t.login("ann").await;
    let ann_id = user_id(&w, "ann").await;
    let as_ann = viewing_as(&w, &w.admin, &format!("u{ann_id}")).await;
    let mut visible = 0;
    for url in &urls {
        let own = get(&w, url, Some(&ann.cookie)).await;
        let seen = get(&w, url, Some(&as_ann.cookie)).await;
        assert_eq!(seen.status, own.status, "{url}");
        visible += usize::from(own.status == 200);
        let bytes = url.starts_with("/media") || url.ends_with(".zip");
        if bytes && own.status == 200 {
            assert!(seen.body == own.body, "{url}: other bytes");
        } else {
            assert_eq!(
                normalised(&seen, &w.admin.csrf),
                normalised(&own, &ann.csrf),
                "{url}"
            );
        }
    }
    // ann sees some of the world and not all of it, so the comparison meant something.
    assert!(
        visible > 3 && visible < urls.len(),
        "{visible} of {}",
        urls.len()
    );
    let index = get(&w, "/", Some(&as_ann.cookie)).await.html();
    assert!(index.contains("Viewing as <b>ann</b>"), "{index}");
    assert!(index.contains("action=\"/admin/view-as/stop\""));
    assert!(!index.contains("href=\"/admin\""), "ann has no admin link");
    assert!(
        !get(&w, "/", Some(&ann.cookie))
            .await
            .html()
            .contains("view-as")
    );

    // A link: what an anonymous holder of just that link sees.
    let created =
        w.t.call(
            Method::POST,
            "/api/v1/shares",
            Some(&w.admin),
            Some(json!({"album_id": w.album("Private"), "label": "Cousins"})),
        )
        .await
        .json();
    let opened = get(&w, created["url"].as_str().unwrap(), None).await;
    let holder = opened
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let as_link = viewing_as(&w, &w.admin, &format!("s{}", created["id"])).await;
    for url in &urls {
        let own = get(&w, url, Some(&holder)).await;
        let seen = get(&w, url, Some(&as_link.cookie)).await;
        assert_eq!(seen.status, own.status, "{url}");
        if seen.status != 200 || !(url.starts_with("/media") || url.ends_with(".zip")) {
            // The holder has no session, so no CSRF token: the banner's form is all that differs.
            let seen = normalised(&seen, "");
            assert_eq!(seen, normalised(&own, ""), "{url}");
        }
    }
    let index = get(&w, "/", Some(&as_link.cookie)).await.html();
    assert!(
        index.contains("Viewing as <b>link “Cousins”</b>"),
        "{index}"
    );
}

#[tokio::test]
async fn nothing_changes_while_viewing_as_and_stop_ends_it() {
    let w = world().await;
    let before = w.facts().await;
    let bob = user_id(&w, "bob").await;
    let as_bob = viewing_as(&w, &w.admin, &format!("u{bob}")).await;
    let trips = w.album("Trips").to_string();
    // A form of the admin pages, with the right CSRF token.
    let reply = post_form(
        &w.t,
        "/admin/access/albums",
        &as_bob,
        &[("albums", &trips), ("action", "set"), ("public", "on")],
    )
    .await;
    assert_eq!(reply.status, 403, "{}", reply.html());
    assert!(reply.html().contains("viewing the gallery as someone else"));
    // The JSON API, with the CSRF header.
    let uri = format!("/api/v1/albums/{trips}/policy");
    let reply =
        w.t.call(
            Method::PUT,
            &uri,
            Some(&as_bob),
            Some(json!({"public": true})),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.json()["error"]["code"], "viewing-as");
    let reply =
        w.t.call(Method::POST, "/api/v1/scan", Some(&as_bob), None)
            .await;
    assert_eq!(reply.status, 403);
    // Starting another view-as is a change too.
    let reply = post_form(&w.t, "/admin/view-as", &as_bob, &[("target", "u1")]).await;
    assert_eq!(reply.status, 403);
    // Every admin page is closed, reads included.
    for path in [
        "/admin",
        "/admin/access",
        "/admin/people",
        "/admin/scan",
        "/api/v1/users",
    ] {
        let reply = get(&w, path, Some(&as_bob.cookie)).await;
        assert_eq!(reply.status, 403, "{path}");
    }
    assert_eq!(w.facts().await, before);

    // Stop: the view-as cookie is cleared and the administrator is back.
    let reply = post_form(&w.t, "/admin/view-as/stop", &as_bob, &[]).await;
    assert_eq!(reply.status, 303, "{}", reply.html());
    assert_eq!(reply.header("location"), Some("/admin/access"));
    let cleared = reply.header("set-cookie").unwrap();
    assert!(cleared.starts_with("albumen_view_as=;") && cleared.contains("Max-Age=0"));
    assert_eq!(
        get(&w, "/admin/access", Some(&w.admin.cookie)).await.status,
        200
    );
}

#[tokio::test]
async fn only_an_administrators_own_session_views_as() {
    let w = world().await;
    let ann = w.t.login("ann").await;
    let bob = user_id(&w, "bob").await;
    // ann may not start it.
    let reply = post_form(
        &w.t,
        "/admin/view-as",
        &ann,
        &[("target", &format!("u{bob}"))],
    )
    .await;
    assert_eq!(reply.status, 403);
    assert!(reply.header("set-cookie").is_none());
    // The administrator's view-as cookie, carried by ann's session or by another session of
    // the administrator, is ignored: each sees their own view.
    let as_bob = viewing_as(&w, &w.admin, &format!("u{bob}")).await;
    let cookie = as_bob.cookie.rsplit("; ").next().unwrap();
    let ann_with = format!("{}; {cookie}", ann.cookie);
    let own = get(&w, "/", Some(&ann.cookie)).await;
    let with = get(&w, "/", Some(&ann_with)).await;
    assert_eq!(with.html(), own.html());
    let admin_again = w.t.login("admin").await;
    let page = get(
        &w,
        "/admin/access",
        Some(&format!("{}; {cookie}", admin_again.cookie)),
    )
    .await;
    assert_eq!(page.status, 200, "another session is not viewing as bob");
    // A forged target or MAC is ignored too.
    let (_, mac) = cookie.split_once('.').unwrap();
    let ann_id = user_id(&w, "ann").await;
    let forged = format!("{}; albumen_view_as=u{ann_id}.{mac}", w.admin.cookie);
    let page = get(&w, "/admin/access", Some(&forged)).await;
    assert_eq!(page.status, 200, "a forged cookie views as nobody");
    // The administrator themself, an unknown user or link: refused, nothing set.
    let admin_id = user_id(&w, "admin").await;
    for (target, status) in [
        (format!("u{admin_id}"), 400),
        ("u999999".to_owned(), 404),
        ("s999999".to_owned(), 404),
        ("x1".to_owned(), 400),
    ] {
        let reply = post_form(&w.t, "/admin/view-as", &w.admin, &[("target", &target)]).await;
        assert_eq!(reply.status, status, "{target}");
        assert!(reply.header("set-cookie").is_none(), "{target}");
    }
}
