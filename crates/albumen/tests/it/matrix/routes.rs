//! The route table, classified: every route the product answers falls in one family of cells,
//! or the matrix fails naming it. Administrators' and scanners' routes are checked here: refused
//! to everyone else without a word about any object, answered to those who may.

use albumen::web::routes::{Access, Route};
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use super::Tally;
use super::catalog::{Album, Photo, ROLES, Role};
use super::content::no_catalog;
use super::world::World;
use crate::common::{PASSWORD, Reply, Session};

/// How the matrix checks a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// About one album: every role × every album and a nonexistent one.
    AlbumObject,
    /// About one photo: every role × every photo and a nonexistent one.
    PhotoObject,
    /// Lists what the viewer may see.
    List,
    /// Opened by a token in the path.
    Token,
    /// The viewer's own session.
    Session,
    /// Administrators' or scanners' (refused to the others).
    Managed,
    /// Reads nothing of the catalog.
    Open,
}

/// A route of the table as the matrix sees it.
#[derive(Debug, Clone)]
pub struct Classified {
    /// `METHOD path`, as the table says.
    pub key: String,
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub family: Family,
}

/// The family of a table route and the access the route must declare; `None` for a route the
/// matrix does not know.
fn family(w: &World, method: &Method, path: &str) -> Option<(Family, Access)> {
    use Family::{AlbumObject, List, Managed, Open, PhotoObject, Session, Token};
    Some(match (method.as_str(), path) {
        ("GET", "/albums/{id}" | "/api/v1/albums/{id}" | "/albums/{id}/export.zip") => {
            (AlbumObject, Access::Viewer)
        }
        (
            "GET",
            "/photos/{id}" | "/media/photos/{id}/preview/{preset}" | "/media/photos/{id}/original",
        ) => (PhotoObject, Access::Viewer),
        ("GET", "/" | "/api/v1/albums") => (List, Access::Viewer),
        ("GET" | "POST", "/login/link/{token}" | "/s/{token}") => (Token, Access::Token),
        ("POST", "/login" | "/logout") | ("GET" | "POST" | "DELETE", "/api/v1/session") => {
            (Session, Access::Session)
        }
        ("GET", "/login" | "/assets/{name}" | "/healthz") => (Open, Access::Open),
        ("GET" | "POST", "/api/v1/scan" | "/admin/scan") | ("GET", "/admin/scan/events") => {
            (Managed, Access::Scanner)
        }
        _ if managed_request(w, method, path, &Spare::refused(w)).is_some() => {
            (Managed, Access::Admin)
        }
        _ => return None,
    })
}

/// Every route of the table, classified; fails naming the routes the matrix does not know, or
/// whose declared access is not the one their family needs.
pub fn classify(w: &World, table: &[Route]) -> Vec<Classified> {
    let mut unknown = Vec::new();
    let mut classified = Vec::new();
    for route in table {
        let key = format!("{} {}", route.method, route.path);
        match family(w, &route.method, route.path) {
            Some((family, access)) => {
                assert_eq!(route.access, access, "{key}: declared access");
                classified.push(Classified {
                    key,
                    method: route.method.clone(),
                    path: route.path,
                    access: route.access,
                    family,
                });
            }
            None => unknown.push(key),
        }
    }
    assert!(
        unknown.is_empty(),
        "routes missing from the authorization matrix: {unknown:?}"
    );
    classified
}

/// The objects an administrator's request names: existing ones for refusals, throwaway ones
/// an administrator made for the requests that change something.
pub struct Spare {
    user: i64,
    group: i64,
    share: i64,
}

impl Spare {
    fn refused(w: &World) -> Self {
        Self {
            user: w.users["bob"],
            group: w.family_group,
            // The first link the world made.
            share: 1,
        }
    }
}

/// A request for a managed route: its URI and JSON body. For an administrator each one is
/// harmless: it sets what is already set, removes what is not there, or acts on throwaway
/// objects.
fn managed_request(
    w: &World,
    method: &Method,
    path: &str,
    spare: &Spare,
) -> Option<(String, Option<Value>)> {
    let album = |a: Album| w.album_id(a);
    let photo = |p: Photo| w.photo_id(p);
    let with = |id: i64| path.replace("{id}", &id.to_string());
    Some(match (method.as_str(), path) {
        ("GET", "/api/v1/scan" | "/api/v1/users" | "/api/v1/groups" | "/api/v1/shares")
        | ("POST", "/api/v1/scan") => (path.to_owned(), None),
        ("POST", "/api/v1/users") => (
            path.to_owned(),
            Some(json!({"username": "carol", "password": PASSWORD, "permissions": []})),
        ),
        ("PATCH", "/api/v1/users/{id}") => (with(spare.user), Some(json!({"disabled": false}))),
        ("POST", "/api/v1/users/{id}/login-link") => (with(spare.user), None),
        ("POST", "/api/v1/groups") => (
            path.to_owned(),
            Some(json!({"name": "spare", "members": []})),
        ),
        ("PUT", "/api/v1/groups/{id}/members") => (with(spare.group), Some(json!({"members": []}))),
        ("PATCH", "/api/v1/albums/{id}") => (
            with(album(Album::Backstage)),
            Some(json!({"unlisted": true})),
        ),
        ("PUT", "/api/v1/albums/{id}/policy") => {
            (with(album(Album::Sunny)), Some(json!({"public": true})))
        }
        ("DELETE", "/api/v1/albums/{id}/policy") => (with(album(Album::Private)), None),
        ("PUT", "/api/v1/photos/{id}/policy") => (
            with(photo(Photo::PrivatePublic)),
            Some(json!({"public": true})),
        ),
        ("DELETE", "/api/v1/photos/{id}/policy") => (with(photo(Photo::SunnyPlain)), None),
        ("PUT", "/api/v1/policies/albums") => (
            path.to_owned(),
            Some(json!({"album_ids": [album(Album::Sunny)], "policy": {"public": true}})),
        ),
        ("PUT", "/api/v1/policies/photos") => (
            path.to_owned(),
            Some(json!({"photo_ids": [photo(Photo::PrivatePublic)], "policy": {"public": true}})),
        ),
        ("GET", "/api/v1/access/explain") => (
            format!(
                "{path}?user={}&album={}",
                w.users["ann"],
                album(Album::Family)
            ),
            None,
        ),
        ("POST", "/api/v1/shares") => (
            path.to_owned(),
            Some(json!({"album_id": album(Album::Sunny)})),
        ),
        ("DELETE", "/api/v1/shares/{id}") => (with(spare.share), None),
        // The admin pages: their forms' fields (see `call`).
        (
            "GET",
            "/admin" | "/admin/people" | "/admin/links" | "/admin/scan" | "/admin/scan/events"
            | "/admin/access",
        ) => (path.to_owned(), None),
        // Starting sets a cookie only the administrator's browser would keep; stopping clears it.
        ("POST", "/admin/view-as") => (
            path.to_owned(),
            Some(json!({"target": format!("u{}", spare.user)})),
        ),
        ("POST", "/admin/view-as/stop") => (path.to_owned(), Some(json!({}))),
        ("GET", "/admin/access/albums/{id}") => (with(album(Album::Family)), None),
        // What the world already set: Sunny public (photos follow), PrivatePublic's own public.
        ("POST", "/admin/access/albums") => (
            path.to_owned(),
            Some(json!({
                "albums": album(Album::Sunny).to_string(),
                "scope": "selected",
                "action": "set",
                "public": "on",
                "inherit": "on",
            })),
        ),
        ("POST", "/admin/access/albums/{id}/photos") => (
            with(album(Album::Private)),
            Some(json!({
                "photos": photo(Photo::PrivatePublic).to_string(),
                "action": "set",
                "public": "on",
            })),
        ),
        ("POST", "/admin/scan") => (path.to_owned(), Some(json!({}))),
        ("POST", "/admin/users") => (
            path.to_owned(),
            Some(json!({"username": "dave", "password": PASSWORD})),
        ),
        ("POST", "/admin/users/{id}/disabled") => {
            (with(spare.user), Some(json!({"disabled": "false"})))
        }
        ("POST", "/admin/users/{id}/password") => {
            (with(spare.user), Some(json!({"password": PASSWORD})))
        }
        ("POST", "/admin/users/{id}/permissions") => (with(spare.user), Some(json!({}))),
        ("POST", "/admin/users/{id}/login-link") => {
            (with(spare.user), Some(json!({"single_use": "on"})))
        }
        ("POST", "/admin/groups") => (path.to_owned(), Some(json!({"name": "spare form"}))),
        ("POST", "/admin/groups/{id}/members") => (with(spare.group), Some(json!({}))),
        ("POST", "/admin/groups/{id}/delete") => (with(spare.group), Some(json!({}))),
        ("POST", "/admin/links") => (
            path.to_owned(),
            Some(json!({"album": album(Album::Sunny).to_string(), "label": "spare"})),
        ),
        ("GET", "/admin/links/pick") => (format!("{path}?album={}", album(Album::Family)), None),
        ("POST", "/admin/links/{id}/revoke") => (with(spare.share), Some(json!({}))),
        // Sunny has no link of the world's: only the throwaway ones are revoked.
        ("POST", "/admin/albums/{id}/revoke-links") => (with(album(Album::Sunny)), Some(json!({}))),
        _ => return None,
    })
}

/// Whether a managed route is an admin page, whose changes are HTML forms.
fn is_page(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// Sends a managed route's request: a JSON body to the API, or, to an admin page, the body's
/// fields as a form with the session's CSRF field (as a browser posts it).
async fn call(
    w: &World,
    method: &Method,
    uri: &str,
    session: Option<&Session>,
    body: Option<Value>,
) -> Reply {
    if !is_page(uri) || *method == Method::GET {
        return w.t.call(method.clone(), uri, session, body).await;
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    if let Some(session) = session {
        form.append_pair("csrf_token", &session.csrf);
    }
    for (key, value) in body.iter().flat_map(|b| b.as_object().unwrap()) {
        form.append_pair(key, value.as_str().unwrap());
    }
    let mut request = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(session) = session {
        request = request.header(header::COOKIE, &session.cookie);
    }
    w.t.send(request.body(Body::from(form.finish())).unwrap())
        .await
}

fn permitted(role: Role, access: Access) -> bool {
    match access {
        Access::Admin => role == Role::Admin,
        Access::Scanner => matches!(role, Role::Admin | Role::Scanner),
        other => unreachable!("{other:?} is not managed"),
    }
}

/// A managed route for everyone but an administrator's changes: refused (401 logged out, 403
/// logged in) with a body naming no object; answered to those who may, for reads.
pub async fn managed_route(w: &World, tally: &mut Tally, route: &Classified) {
    let (uri, body) = managed_request(w, &route.method, route.path, &Spare::refused(w)).unwrap();
    for role in ROLES {
        let may = permitted(role, route.access);
        if may && route.method != Method::GET {
            // Changes are made once, by the administrator, at the end.
            continue;
        }
        let reply = call(w, &route.method, &uri, w.session(role), body.clone()).await;
        let what = format!("{} {uri}", route.method);
        if may {
            assert_eq!(reply.status, 200, "{role:?} {what}: {}", reply.text());
            tally.check();
            if role != Role::Admin {
                no_catalog(w, tally, &route.key, role, &what, &reply);
            }
            continue;
        }
        let (status, code) = if role.user() {
            (403, "forbidden")
        } else {
            (401, "login-required")
        };
        assert_eq!(reply.status, status, "{role:?} {what}: {}", reply.text());
        if is_page(&uri) {
            // The error page, as for any page.
            let content_type = reply.header("content-type").unwrap_or_default();
            assert!(content_type.starts_with("text/html"), "{role:?} {what}");
        } else {
            assert_eq!(reply.json()["error"]["code"], code, "{role:?} {what}");
        }
        tally.check();
        tally.check();
        no_catalog(w, tally, &route.key, role, &what, &reply);
    }
}

/// The administrator's changes, each harmless: the throwaway user, group and link first, then
/// the rest with them, removals last; a scan is waited for.
pub async fn administrator_changes(w: &World, tally: &mut Tally, routes: &[Classified]) {
    let mut changes: Vec<&Classified> = routes
        .iter()
        .filter(|r| r.family == Family::Managed && r.method != Method::GET)
        .collect();
    let rank = |r: &Classified| match (r.method.as_str(), r.path.contains("{id}")) {
        ("DELETE", _) => 2,
        // The admin pages' removals.
        _ if r.path.ends_with("/delete") || r.path.contains("revoke") => 2,
        ("POST", false) => 0,
        _ => 1,
    };
    changes.sort_by_key(|r| rank(r));
    let mut spare = Spare::refused(w);
    for route in changes {
        let (uri, body) = managed_request(w, &route.method, route.path, &spare).unwrap();
        let reply = call(w, &route.method, &uri, Some(w.admin()), body).await;
        // A page's form answers 303 back to its page, or the page with a new link (200).
        let page_done = is_page(route.path) && reply.status == 303;
        assert!(
            reply.status.is_success() || page_done,
            "Admin {} {uri}: {} {}",
            route.method,
            reply.status,
            reply.text()
        );
        tally.check();
        let id = || reply.json()["id"].as_i64().unwrap();
        match route.path {
            "/api/v1/users" => spare.user = id(),
            "/api/v1/groups" => spare.group = id(),
            "/api/v1/shares" => spare.share = id(),
            "/api/v1/scan" | "/admin/scan" => wait_for_scan(w).await,
            _ => {}
        }
    }
}

async fn wait_for_scan(w: &World) {
    for _ in 0..600 {
        let status = w.t.get("/api/v1/scan", Some(w.admin())).await.json();
        if status["running"] == false {
            assert!(status["last_error"].is_null(), "{status}");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the scan did not finish");
}
