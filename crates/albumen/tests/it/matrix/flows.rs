//! Routes that are about no object: token routes (a wrong token is the ordinary 404; each real
//! link answers its holder and only its holder), open routes and the session's own routes,
//! whose answers carry nothing of the catalog.

use axum::body::Body;
use axum::http::{Method, Request, header};

use super::Tally;
use super::catalog::{ROLES, Role};
use super::content::{no_catalog, no_hidden, share_page};
use super::objects::NONEXISTENT;
use super::oracle::link;
use super::routes::Classified;
use super::world::{ShareKind, World};
use crate::common::{Reply, Session, body_without_path};

/// Well formed, but no link's or login link's token.
const UNKNOWN_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn username(role: Role) -> Option<&'static str> {
    match role {
        Role::Ann => Some("ann"),
        Role::Bob => Some("bob"),
        Role::Scanner => Some("scanner"),
        Role::Viewer => Some("viewer"),
        Role::Admin => Some("admin"),
        _ => None,
    }
}

/// A form post as a browser of `session` sends it (cookie and CSRF token).
async fn post_form(w: &World, path: &str, session: Option<&Session>, form: &str) -> Reply {
    let mut request =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(session) = session {
        request = request
            .header(header::COOKIE, &session.cookie)
            .header("x-csrf-token", &session.csrf);
    }
    w.t.send(request.body(Body::from(form.to_owned())).unwrap())
        .await
}

/// The ordinary 404 `role` gets: a nonexistent album's.
async fn ordinary_404(w: &World, role: Role) -> (String, Reply) {
    let path = format!("/albums/{NONEXISTENT}");
    let reply = w.t.get(&path, w.session(role)).await;
    assert_eq!(reply.status, 404);
    (path, reply)
}

fn assert_ordinary_404(tally: &mut Tally, what: &str, reply: &Reply, ordinary: &(String, Reply)) {
    assert_eq!(reply.status, 404, "{what}: {}", reply.text());
    assert_eq!(
        body_without_path(reply, what),
        body_without_path(&ordinary.1, &ordinary.0),
        "{what}: not the ordinary 404"
    );
    assert_eq!(
        reply.header("content-type"),
        ordinary.1.header("content-type"),
        "{what}"
    );
    tally.check();
    tally.check();
    tally.check();
}

/// A token route with tokens that open nothing, and `GET /s/{token}` with every real link.
pub async fn token_route(w: &World, tally: &mut Tally, route: &Classified) {
    let login_link = route.path.starts_with("/login/link/");
    for role in ROLES {
        let session = w.session(role);
        let ordinary = ordinary_404(w, role).await;
        for token in ["not-a-token", UNKNOWN_TOKEN] {
            let path = route.path.replace("{token}", token);
            let reply = match route.method {
                Method::GET => w.t.get(&path, session).await,
                _ => post_form(w, &path, session, "password=guess").await,
            };
            let what = format!("{role:?} {} {path}", route.method);
            if login_link && route.method == Method::GET && token == UNKNOWN_TOKEN {
                // The login link's page asks before it spends the link, whatever the token.
                assert_eq!(reply.status, 200, "{what}");
                assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
                tally.check();
                tally.check();
            } else {
                assert_ordinary_404(tally, &what, &reply, &ordinary);
            }
            no_catalog(w, tally, &route.key, role, &what, &reply);
        }
        if route.method == Method::GET && !login_link {
            real_links(w, tally, route, role, &ordinary).await;
        }
    }
}

/// `GET /s/{token}` of every link the world holds, as `role`.
async fn real_links(
    w: &World,
    tally: &mut Tally,
    route: &Classified,
    role: Role,
    ordinary: &(String, Reply),
) {
    for share in &w.shares {
        let reply = w.t.get(&share.url, w.session(role)).await;
        let what = format!("{role:?} GET {:?} link", share.holders);
        let holds = share.holders.contains(&role);
        let to_album = |album| format!("/albums/{}", w.album_id(album));
        match share.kind {
            ShareKind::Dead => assert_ordinary_404(tally, &share.url, &reply, ordinary),
            ShareKind::Album(album) => {
                assert_eq!(reply.status, 303, "{what}");
                assert_eq!(reply.header("location"), Some(to_album(album).as_str()));
            }
            ShareKind::Protected(album) if role == Role::LinkUnlocked => {
                assert_eq!(reply.status, 303, "{what}");
                assert_eq!(reply.header("location"), Some(to_album(album).as_str()));
            }
            ShareKind::Protected(_) => {
                assert_eq!(reply.status, 200, "{what}");
                assert!(reply.text().contains("This link is protected"), "{what}");
                no_catalog(w, tally, &route.key, role, &what, &reply);
            }
            ShareKind::Photos if holds => {
                assert_eq!(reply.status, 200, "{what}");
                let photos = link(role).unwrap().photos;
                share_page(w, tally, &route.key, role, photos, &reply);
                no_hidden(w, tally, &route.key, role, &what, &reply);
            }
            ShareKind::Photos => {
                assert_eq!(reply.status, 303, "{what}");
                let back = format!("{}?opened", share.url);
                assert_eq!(reply.header("location"), Some(back.as_str()), "{what}");
            }
        }
        assert!(
            !reply.text().contains(&share.token),
            "{what}: the token is echoed"
        );
        tally.check();
        tally.check();
    }
}

/// Routes that read nothing of the catalog: the login form, the assets, the health check.
pub async fn open_route(w: &World, tally: &mut Tally, route: &Classified) {
    let paths: Vec<String> = match route.path {
        "/assets/{name}" => ["app.css", "app.js", "icon.svg"]
            .iter()
            .map(|name| route.path.replace("{name}", name))
            .collect(),
        path => vec![path.to_owned()],
    };
    for path in paths {
        for role in ROLES {
            let reply = w.t.get(&path, w.session(role)).await;
            assert_eq!(reply.status, 200, "{role:?} {path}");
            tally.check();
            no_catalog(w, tally, &route.key, role, &path, &reply);
        }
    }
}

/// The session's routes that end nothing: who am I, and malformed logins (a malformed login is
/// refused before any password is checked, so no limiter counts it).
pub async fn session_route(w: &World, tally: &mut Tally, route: &Classified) {
    for role in ROLES {
        let session = w.session(role);
        let what = format!("{role:?} {}", route.key);
        let reply = match (route.method.as_str(), route.path) {
            ("GET", "/api/v1/session") => {
                let reply = w.t.get(route.path, session).await;
                match username(role) {
                    Some(name) => {
                        assert_eq!(reply.status, 200, "{what}");
                        assert_eq!(reply.json()["user"]["username"], name, "{what}");
                    }
                    None => assert_eq!(reply.status, 401, "{what}"),
                }
                reply
            }
            ("POST", "/api/v1/session") => {
                let json = Some(serde_json::json!({}));
                let reply = w.t.call(Method::POST, route.path, session, json).await;
                assert!(reply.status.is_client_error(), "{what}: {}", reply.status);
                reply
            }
            ("POST", "/login") => {
                let reply = post_form(w, route.path, session, "").await;
                assert!(reply.status.is_client_error(), "{what}: {}", reply.status);
                reply
            }
            // Logging out comes last.
            _ => return,
        };
        tally.check();
        no_catalog(w, tally, &route.key, role, &what, &reply);
    }
}

/// Logging out, last of all: every role, then nobody is logged in any more.
pub async fn logout_route(w: &World, tally: &mut Tally, route: &Classified) {
    for role in ROLES {
        let session = w.session(role);
        let what = format!("{role:?} {}", route.key);
        let reply = match (route.method.as_str(), route.path) {
            ("DELETE", "/api/v1/session") => {
                let reply = w.t.call(Method::DELETE, route.path, session, None).await;
                assert_eq!(reply.status, 204, "{what}: {}", reply.text());
                reply
            }
            ("POST", "/logout") => {
                let reply = post_form(w, route.path, session, "").await;
                assert_eq!(reply.status, 303, "{what}: {}", reply.text());
                assert_eq!(reply.header("location"), Some("/"), "{what}");
                reply
            }
            _ => return,
        };
        tally.check();
        no_catalog(w, tally, &route.key, role, &what, &reply);
        let after = w.t.get("/api/v1/session", session).await;
        assert_eq!(after.status, 401, "{what}: still logged in");
        tally.check();
    }
}
