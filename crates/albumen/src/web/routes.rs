//! The route table: every route, its method and who may use it. It builds the router
//! ([`router`]) and feeds the authorization matrix test, which fails for a route it does not
//! cover — so a new route cannot skip the matrix.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};

use super::{
    admin, admin_pages, api, assets, html, login, media, policy, scan_page, share, view_as,
};
use crate::state::AppState;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; reads nothing of the catalog (login form, assets, health check).
    Open,
    /// Anyone, answered with what the viewer may see; a hidden object is a 404 identical to a
    /// nonexistent one.
    Viewer,
    /// Whoever holds the token in the path (a share link or a login link); anything else 404.
    Token,
    /// The viewer's own session: logging in and out, who am I.
    Session,
    /// Users who may scan (401 logged out, 403 without the permission).
    Scanner,
    /// Administrators (401 logged out, 403 for others).
    Admin,
}

/// One route of the table.
#[derive(Debug)]
pub struct Route {
    pub method: Method,
    /// In axum's syntax: `/albums/{id}`.
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone())
        .unwrap_or_else(|_| unreachable!("the table uses standard methods only"));
    Route {
        method,
        path,
        access,
        handler: on(filter, handler),
    }
}

/// Every route Albumen answers. `GET` routes answer `HEAD` too.
pub fn table() -> Vec<Route> {
    use Access::{Admin, Open, Scanner, Session, Token, Viewer};
    use Method as M;
    vec![
        // Pages.
        route(M::GET, "/", Viewer, html::index_page),
        route(M::GET, "/albums/{id}", Viewer, html::album_page),
        route(M::GET, "/photos/{id}", Viewer, html::photo_page),
        route(M::GET, "/login", Open, login::login_page),
        route(M::POST, "/login", Session, login::login_submit),
        route(M::POST, "/logout", Session, login::logout_submit),
        route(M::GET, "/login/link/{token}", Token, login::link_page),
        route(M::POST, "/login/link/{token}", Token, login::link_login),
        route(M::GET, "/s/{token}", Token, share::open),
        route(M::POST, "/s/{token}", Token, share::unlock),
        // Media.
        route(
            M::GET,
            "/media/photos/{id}/preview/{preset}",
            Viewer,
            media::preview,
        ),
        route(
            M::GET,
            "/media/photos/{id}/original",
            Viewer,
            media::original,
        ),
        route(
            M::GET,
            "/albums/{id}/export.zip",
            Viewer,
            media::album_export,
        ),
        route(M::GET, "/assets/{name}", Open, assets::asset),
        route(M::GET, "/healthz", Open, || async { "ok" }),
        // The JSON API.
        route(M::GET, "/api/v1/session", Session, api::get_session),
        route(M::POST, "/api/v1/session", Session, api::create_session),
        route(M::DELETE, "/api/v1/session", Session, api::delete_session),
        route(M::GET, "/api/v1/albums", Viewer, api::list_albums),
        route(M::GET, "/api/v1/albums/{id}", Viewer, api::get_album),
        route(M::PATCH, "/api/v1/albums/{id}", Admin, admin::update_album),
        route(M::GET, "/api/v1/scan", Scanner, api::scan_status),
        route(M::POST, "/api/v1/scan", Scanner, api::start_scan),
        route(M::GET, "/api/v1/users", Admin, admin::list_users),
        route(M::POST, "/api/v1/users", Admin, admin::create_user),
        route(M::PATCH, "/api/v1/users/{id}", Admin, admin::update_user),
        route(
            M::POST,
            "/api/v1/users/{id}/login-link",
            Admin,
            admin::create_login_link,
        ),
        route(M::GET, "/api/v1/groups", Admin, admin::list_groups),
        route(M::POST, "/api/v1/groups", Admin, admin::create_group),
        route(
            M::PUT,
            "/api/v1/groups/{id}/members",
            Admin,
            admin::set_group_members,
        ),
        route(
            M::PUT,
            "/api/v1/albums/{id}/policy",
            Admin,
            policy::set_album_policy,
        ),
        route(
            M::DELETE,
            "/api/v1/albums/{id}/policy",
            Admin,
            policy::delete_album_policy,
        ),
        route(
            M::PUT,
            "/api/v1/photos/{id}/policy",
            Admin,
            policy::set_photo_policy,
        ),
        route(
            M::DELETE,
            "/api/v1/photos/{id}/policy",
            Admin,
            policy::delete_photo_policy,
        ),
        route(
            M::PUT,
            "/api/v1/policies/albums",
            Admin,
            policy::set_album_policies,
        ),
        route(
            M::PUT,
            "/api/v1/policies/photos",
            Admin,
            policy::set_photo_policies,
        ),
        route(
            M::GET,
            "/api/v1/access/explain",
            Admin,
            admin::explain_access,
        ),
        route(M::GET, "/api/v1/shares", Admin, share::list),
        route(M::POST, "/api/v1/shares", Admin, share::create),
        route(M::DELETE, "/api/v1/shares/{id}", Admin, share::revoke),
        // The admin pages: forms over the same domain functions as the admin API.
        route(M::GET, "/admin", Admin, admin_pages::overview),
        route(M::GET, "/admin/people", Admin, admin_pages::people_page),
        route(M::POST, "/admin/users", Admin, admin_pages::create_user),
        route(
            M::POST,
            "/admin/users/{id}/disabled",
            Admin,
            admin_pages::set_disabled,
        ),
        route(
            M::POST,
            "/admin/users/{id}/password",
            Admin,
            admin_pages::set_password,
        ),
        route(
            M::POST,
            "/admin/users/{id}/permissions",
            Admin,
            admin_pages::set_permissions,
        ),
        route(
            M::POST,
            "/admin/users/{id}/login-link",
            Admin,
            admin_pages::create_login_link,
        ),
        route(M::POST, "/admin/groups", Admin, admin_pages::create_group),
        route(
            M::POST,
            "/admin/groups/{id}/members",
            Admin,
            admin_pages::set_group_members,
        ),
        route(
            M::POST,
            "/admin/groups/{id}/delete",
            Admin,
            admin_pages::delete_group,
        ),
        route(M::GET, "/admin/scan", Scanner, scan_page::scan_page),
        route(M::POST, "/admin/scan", Scanner, scan_page::start_scan),
        route(
            M::GET,
            "/admin/scan/events",
            Scanner,
            scan_page::scan_events,
        ),
        route(M::GET, "/admin/links", Admin, admin_pages::links_page),
        route(M::POST, "/admin/links", Admin, admin_pages::create_link),
        route(M::GET, "/admin/links/pick", Admin, admin_pages::pick_photos),
        route(
            M::POST,
            "/admin/links/{id}/revoke",
            Admin,
            admin_pages::revoke_link,
        ),
        route(
            M::POST,
            "/admin/albums/{id}/revoke-links",
            Admin,
            admin_pages::revoke_album_links,
        ),
        route(M::POST, "/admin/view-as", Admin, view_as::start),
        route(M::POST, "/admin/view-as/stop", Admin, view_as::stop),
        route(M::GET, "/admin/access", Admin, admin_pages::access_page),
        route(
            M::POST,
            "/admin/access/albums",
            Admin,
            admin_pages::set_album_access,
        ),
        route(
            M::GET,
            "/admin/access/albums/{id}",
            Admin,
            admin_pages::album_access_page,
        ),
        route(
            M::POST,
            "/admin/access/albums/{id}/photos",
            Admin,
            admin_pages::set_photo_access,
        ),
    ]
}

/// The router of `routes`: methods of one path share its entry.
pub fn router(routes: Vec<Route>) -> Router<AppState> {
    let mut paths: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for route in routes {
        match paths.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(route.handler),
            None => paths.push((route.path, route.handler)),
        }
    }
    paths
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(path, methods)
        })
}
