//! The admin pages: people (accounts, login links, groups) and share links, server-rendered
//! over the same domain functions as the JSON admin API (`web::admin`, `web::share`).
//!
//! Every route takes the [`Admin`] extractor first, so anyone else gets the API's 401 or 403
//! before the body is read; every form carries the CSRF field the session middleware checks.
//! A change that succeeds answers `303 See Other` back to its page with a notice code in the
//! query (post/redirect/get); one that fails renders the page again with the error and what was
//! typed (never a password). A new login link or share link is shown once, in the body of the
//! answer to the form that made it, never in a URL, with `Referrer-Policy: no-referrer`.

use std::collections::{BTreeMap, BTreeSet};

use albumen_core::model::Permissions;
use albumen_core::{AlbumId, GroupId, PhotoId, ShareId, UserId};
use albumen_db::{ShareRecord, ShareTarget};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::{HOST, LOCATION, REFERRER_POLICY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth;
use crate::clock::unix_now;
use crate::share::{self, LinkRequest};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::extract::{Admin, Client, PathId, Viewer, parse_id};
use crate::web::html::{preview_version, render};

/// A posted form's fields, repeated names kept (checkbox lists).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn parse(body: &Bytes) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or "".
    fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether a checkbox called `name` was ticked.
    fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Every value of `name`.
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn permissions(&self) -> Permissions {
        Permissions {
            admin: self.checked("admin"),
            can_see_all: self.checked("can_see_all"),
            can_scan: self.checked("can_scan"),
        }
    }

    fn user_ids(&self, name: &str) -> Result<Vec<UserId>, AppError> {
        self.all(name)
            .into_iter()
            .map(|raw| {
                parse_id(raw).map_err(|_| AppError::BadRequest(format!("{raw:?} is not a user")))
            })
            .collect()
    }
}

/// The query a change redirects to: which change was made, and on what.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// The one-line result of a change, from its code; unknown codes say nothing.
fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "user-created" => "User created.",
        "user-disabled" => "Account disabled; its sessions and login links ended.",
        "user-enabled" => "Account enabled.",
        "password-set" => "Password changed; the user's sessions and login links ended.",
        "permissions-set" => "Permissions saved; the user's sessions ended.",
        "group-created" => "Group created.",
        "members-set" => "Members saved.",
        "group-deleted" => "Group deleted.",
        "link-revoked" => "Link revoked.",
        "album-links-revoked" => "Every link of the album revoked.",
        _ => return None,
    })
}

pub(crate) fn see_other(location: &str) -> Result<Response, AppError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        LOCATION,
        HeaderValue::from_str(location).map_err(AppError::internal)?,
    );
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

/// What a failed change shows on the page: input and state errors are the person's to fix;
/// anything else is the ordinary error page.
fn form_error(err: AppError) -> Result<(StatusCode, String), AppError> {
    match err {
        AppError::BadRequest(message) => Ok((StatusCode::BAD_REQUEST, capitalised(&message))),
        AppError::Conflict(what) => Ok((
            StatusCode::CONFLICT,
            capitalised(&format!("{what} already exists")),
        )),
        AppError::NotFound => Ok((
            StatusCode::NOT_FOUND,
            "That no longer exists; the page below is up to date.".to_owned(),
        )),
        other => Err(other),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// `2026-12-06 14:03`, in the server's time zone.
pub(crate) fn when(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(String::new, |t| {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
}

/// The absolute URL of a site path as the administrator's browser reached the site.
fn absolute(client: Client, headers: &HeaderMap, path: &str) -> String {
    match headers.get(HOST).and_then(|h| h.to_str().ok()) {
        Some(host) if !host.is_empty() && !host.contains(['/', ' ', '@']) => {
            let scheme = if client.https { "https" } else { "http" };
            format!("{scheme}://{host}{path}")
        }
        _ => path.to_owned(),
    }
}

/// A page showing a secret: its URL must never leave in a `Referer`.
fn secret_page(status: StatusCode, page: axum::response::Html<String>) -> Response {
    let mut response = (status, page).into_response();
    response
        .headers_mut()
        .insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

// ---------------------------------------------------------------------------------------------
// Overview

/// `GET /admin`: what there is to manage, with links to each page.
pub async fn overview(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let users = admin.repo().list_users().await?;
    let groups = admin.repo().list_groups().await?;
    let now = unix_now();
    let links = admin.repo().list_shares().await?;
    let live = links.iter().filter(|l| l.is_live(now)).count();
    let context = json!({
        "section": "overview",
        "users": users.len(),
        "disabled": users.iter().filter(|u| u.disabled).count(),
        "groups": groups.len(),
        "links": links.len(),
        "live_links": live,
    });
    Ok(render(&state, &viewer, "admin/overview.html", context)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// People

/// The people page with `extra` merged into its context (a notice, an error and what was
/// typed, a new login link).
async fn people(
    admin: &Admin,
    state: &AppState,
    viewer: &Viewer,
    extra: Value,
) -> Result<axum::response::Html<String>, AppError> {
    let users = admin.repo().list_users().await?;
    let names: BTreeMap<UserId, &str> = users.iter().map(|u| (u.id, u.username.as_str())).collect();
    let mut groups = Vec::new();
    for group in admin.repo().list_groups().await? {
        let members = admin.repo().group_members(group.id).await?;
        let member_names: Vec<&str> = members
            .iter()
            .filter_map(|id| names.get(id).copied())
            .collect();
        groups.push(json!({
            "id": group.id,
            "name": group.name,
            "members": members,
            "member_names": member_names,
        }));
    }
    let users: Vec<Value> = users
        .iter()
        .map(|u| {
            json!({
                "id": u.id,
                "username": u.username,
                "admin": u.permissions.admin,
                "can_see_all": u.permissions.can_see_all,
                "can_scan": u.permissions.can_scan,
                "permissions": u.permissions.names(),
                "disabled": u.disabled,
                "created": when(u.created_at),
                "me": u.id == admin.user.id,
            })
        })
        .collect();
    let mut context = json!({
        "section": "people",
        "form": {},
        "users": users,
        "groups": groups,
        "default_days": auth::login_link::DEFAULT_DAYS,
        "max_days": auth::login_link::MAX_DAYS,
        "min_password": auth::MIN_PASSWORD_LEN,
    });
    if let (Some(map), Some(extra)) = (context.as_object_mut(), extra.as_object()) {
        map.extend(extra.clone());
    }
    render(state, viewer, "admin/people.html", context)
}

/// The people page again after a failed change: the error, and the typed values under `form`.
async fn people_error(
    admin: &Admin,
    state: &AppState,
    viewer: &Viewer,
    err: AppError,
    form: Value,
) -> Result<Response, AppError> {
    let (status, message) = form_error(err)?;
    let page = people(
        admin,
        state,
        viewer,
        json!({ "error": message, "form": form }),
    )
    .await?;
    Ok((status, page).into_response())
}

/// `GET /admin/people`
pub async fn people_page(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let extra = json!({ "notice": notice(done.done.as_deref()) });
    Ok(people(&admin, &state, &viewer, extra)
        .await?
        .into_response())
}

/// `POST /admin/users`: username, password, permission checkboxes.
pub async fn create_user(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let username = f.text("username");
    let permissions = f.permissions();
    match auth::create_user(admin.repo(), username, f.text("password"), permissions).await {
        Ok(_) => see_other("/admin/people?done=user-created"),
        Err(err) => {
            let form = json!({
                "create": true,
                "username": username,
                "admin": permissions.admin,
                "can_see_all": permissions.can_see_all,
                "can_scan": permissions.can_scan,
            });
            people_error(&admin, &state, &viewer, err.into(), form).await
        }
    }
}

/// Changing one's own account from this page could lock the last administrator out.
fn not_myself(admin: &Admin, id: UserId, what: &str) -> Result<(), AppError> {
    if admin.user.id == id {
        return Err(AppError::BadRequest(format!(
            "you cannot {what} your own account here (use `albumen user` on the server)"
        )));
    }
    Ok(())
}

/// `POST /admin/users/{id}/disabled`: `disabled=true` or `false`.
pub async fn set_disabled(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<UserId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let disabled = f.text("disabled") == "true";
    let result = match not_myself(&admin, id, "disable") {
        Ok(()) if disabled => auth::update_user(admin.repo(), id, Some(true), None, None)
            .await
            .map_err(AppError::from),
        Ok(()) => auth::update_user(admin.repo(), id, Some(false), None, None)
            .await
            .map_err(AppError::from),
        Err(err) => Err(err),
    };
    match result {
        Ok(_) if disabled => see_other("/admin/people?done=user-disabled"),
        Ok(_) => see_other("/admin/people?done=user-enabled"),
        Err(err) => people_error(&admin, &state, &viewer, err, json!({ "user": id })).await,
    }
}

/// `POST /admin/users/{id}/password`: a new password.
pub async fn set_password(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<UserId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    match auth::update_user(admin.repo(), id, None, Some(f.text("password")), None).await {
        Ok(_) => see_other("/admin/people?done=password-set"),
        Err(err) => people_error(&admin, &state, &viewer, err.into(), json!({ "user": id })).await,
    }
}

/// `POST /admin/users/{id}/permissions`: the permission checkboxes.
pub async fn set_permissions(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<UserId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let result = match not_myself(&admin, id, "change the permissions of") {
        Ok(()) => auth::update_user(admin.repo(), id, None, None, Some(f.permissions()))
            .await
            .map_err(AppError::from),
        Err(err) => Err(err),
    };
    match result {
        Ok(_) => see_other("/admin/people?done=permissions-set"),
        Err(err) => people_error(&admin, &state, &viewer, err, json!({ "user": id })).await,
    }
}

/// `POST /admin/users/{id}/login-link`: `expires_in_days` and `single_use`. The answer is the
/// people page with the link, shown this once.
pub async fn create_login_link(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    client: Client,
    headers: HeaderMap,
    PathId(id): PathId<UserId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let days_text = f.text("expires_in_days").trim();
    let single_use = f.checked("single_use");
    let days = if days_text.is_empty() {
        Ok(auth::login_link::DEFAULT_DAYS)
    } else {
        days_text
            .parse::<u32>()
            .ok()
            .filter(|d| *d >= 1)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "a login link lasts 1 to {} days",
                    auth::login_link::MAX_DAYS
                ))
            })
    };
    let created = match days {
        Ok(days) => auth::login_link::create(admin.repo(), id, days, single_use)
            .await
            .map_err(AppError::from),
        Err(err) => Err(err),
    };
    let link = match created {
        Ok(link) => link,
        Err(err) => {
            let form =
                json!({ "user": id, "expires_in_days": days_text, "single_use": single_use });
            return people_error(&admin, &state, &viewer, err, form).await;
        }
    };
    let username = admin
        .repo()
        .user(id)
        .await?
        .map(|u| u.username)
        .unwrap_or_default();
    let extra = json!({
        "login_link": {
            "url": absolute(client, &headers, &link.path()),
            "username": username,
            "expires": when(link.expires_at),
            "single_use": single_use,
        }
    });
    let page = people(&admin, &state, &viewer, extra).await?;
    Ok(secret_page(StatusCode::OK, page))
}

fn group_name(raw: &str) -> Result<&str, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "group names are 1 to 64 printable characters".to_owned(),
        ));
    }
    Ok(name)
}

/// `POST /admin/groups`: `name` and `members` (user ids, repeated).
pub async fn create_group(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let result = async {
        let name = group_name(f.text("name"))?;
        let members = f.user_ids("members")?;
        let id = admin.repo().create_group(name, unix_now()).await?;
        if let Err(err) = admin.repo().set_group_members(id, &members).await {
            admin.repo().delete_group(id).await?;
            return Err(AppError::from(err));
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => see_other("/admin/people?done=group-created"),
        Err(err) => {
            let form = json!({
                "group_create": true,
                "name": f.text("name"),
                "members": f.all("members"),
            });
            people_error(&admin, &state, &viewer, err, form).await
        }
    }
}

/// `POST /admin/groups/{id}/members`: the members (user ids, repeated), all or nothing.
pub async fn set_group_members(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<GroupId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let result = async {
        let members = f.user_ids("members")?;
        admin.repo().set_group_members(id, &members).await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => see_other("/admin/people?done=members-set"),
        Err(err) => people_error(&admin, &state, &viewer, err, json!({ "group": id })).await,
    }
}

/// `POST /admin/groups/{id}/delete`
pub async fn delete_group(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<GroupId>,
) -> Result<Response, AppError> {
    let exists = admin.repo().list_groups().await?.iter().any(|g| g.id == id);
    if !exists {
        return people_error(&admin, &state, &viewer, AppError::NotFound, json!({})).await;
    }
    admin.repo().delete_group(id).await?;
    see_other("/admin/people?done=group-deleted")
}

// ---------------------------------------------------------------------------------------------
// Links

/// The state of a link as the list shows it.
fn link_state(link: &ShareRecord, now: i64) -> &'static str {
    if link.revoked_at.is_some() {
        "revoked"
    } else if link.expires_at.is_some_and(|at| at <= now) {
        "expired"
    } else {
        "live"
    }
}

async fn links(
    admin: &Admin,
    state: &AppState,
    viewer: &Viewer,
    extra: Value,
) -> Result<axum::response::Html<String>, AppError> {
    let now = unix_now();
    let mut albums: Vec<_> = admin
        .repo()
        .catalog_albums()
        .await?
        .into_iter()
        .filter(|a| !a.missing)
        .collect();
    albums.sort_by(|a, b| a.path.cmp(&b.path));
    let album_paths: BTreeMap<AlbumId, &str> =
        albums.iter().map(|a| (a.id, a.path.as_str())).collect();
    let shares = admin.repo().list_shares().await?;
    let with_links: BTreeSet<AlbumId> = shares
        .iter()
        .filter(|l| l.is_live(now))
        .filter_map(|l| match l.target {
            ShareTarget::Album { id, .. } => Some(id),
            ShareTarget::Photos(_) => None,
        })
        .collect();
    let users: BTreeMap<UserId, String> = admin
        .repo()
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    let rows: Vec<Value> = shares
        .iter()
        .map(|link| {
            let (target, album) = match &link.target {
                ShareTarget::Album {
                    id,
                    include_sub_albums,
                } => {
                    let name = album_paths
                        .get(id)
                        .map_or_else(|| format!("album {id} (gone)"), |p| (*p).to_owned());
                    let name = if *include_sub_albums {
                        format!("{name} and its sub-albums")
                    } else {
                        name
                    };
                    (name, Some(id.get()))
                }
                ShareTarget::Photos(ids) => (
                    format!(
                        "{} photo{}",
                        ids.len(),
                        if ids.len() == 1 { "" } else { "s" }
                    ),
                    None,
                ),
            };
            json!({
                "id": link.id,
                "target": target,
                "album": album,
                "label": link.label,
                "state": link_state(link, now),
                "password": link.password_hash.is_some(),
                "download": link.allow_download,
                "zip": link.allow_zip,
                "created": when(link.created_at),
                "created_by": link.created_by.and_then(|u| users.get(&u)),
                "expires": link.expires_at.map(when),
                "revoked": link.revoked_at.map(when),
                "views": link.view_count,
                "last_used": link.last_used_at.map(when),
            })
        })
        .collect();
    let album_options: Vec<Value> = albums
        .iter()
        .map(|a| json!({ "id": a.id, "path": a.path, "has_links": with_links.contains(&a.id) }))
        .collect();
    let mut context = json!({
        "section": "links",
        "form": {},
        "links": rows,
        "albums": album_options,
    });
    if let (Some(map), Some(extra)) = (context.as_object_mut(), extra.as_object()) {
        map.extend(extra.clone());
    }
    render(state, viewer, "admin/links.html", context)
}

async fn links_error(
    admin: &Admin,
    state: &AppState,
    viewer: &Viewer,
    err: AppError,
    form: Value,
) -> Result<Response, AppError> {
    let (status, message) = form_error(err)?;
    let page = links(
        admin,
        state,
        viewer,
        json!({ "error": message, "form": form }),
    )
    .await?;
    Ok((status, page).into_response())
}

/// `GET /admin/links`
pub async fn links_page(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let extra = json!({ "notice": notice(done.done.as_deref()) });
    Ok(links(&admin, &state, &viewer, extra).await?.into_response())
}

/// `POST /admin/links`: `album`, `include_sub_albums`, `label`, `expires_in_days` (empty: never),
/// `password` (empty: none), `allow_download`, `allow_zip`. The answer is the links page with the
/// new link's URL, shown this once.
pub async fn create_link(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let days_text = f.text("expires_in_days").trim();
    // Posted from the photo picker: a link to the photos ticked, not to the album.
    let selection = f.checked("selection");
    let result = async {
        let album: AlbumId = parse_id(f.text("album"))
            .map_err(|_| AppError::BadRequest("choose an album".to_owned()))?;
        let target = if selection {
            let photos = f
                .all("photos")
                .into_iter()
                .map(|raw| {
                    parse_id::<PhotoId>(raw)
                        .map_err(|_| AppError::BadRequest(format!("{raw:?} is not a photo")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            ShareTarget::Photos(photos)
        } else {
            ShareTarget::Album {
                id: album,
                include_sub_albums: f.checked("include_sub_albums"),
            }
        };
        let expires_at = if days_text.is_empty() {
            None
        } else {
            let days = days_text
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    AppError::BadRequest(
                        "expiry is a number of days from 1 to 3650, or empty for never".to_owned(),
                    )
                })?;
            Some(unix_now() + i64::from(days) * 86_400)
        };
        let password = Some(f.text("password").to_owned()).filter(|p| !p.is_empty());
        let link = share::create(
            admin.repo(),
            LinkRequest {
                target,
                label: f.text("label").trim().to_owned(),
                expires_at,
                password,
                allow_download: f.checked("allow_download"),
                allow_zip: f.checked("allow_zip"),
                created_by: Some(admin.user.id),
            },
        )
        .await?;
        Ok::<_, AppError>(link)
    }
    .await;
    match result {
        Ok(link) => {
            let extra = json!({
                "created_link": {
                    "id": link.id,
                    "url": absolute(client, &headers, &link.path()),
                }
            });
            let page = links(&admin, &state, &viewer, extra).await?;
            Ok(secret_page(StatusCode::OK, page))
        }
        Err(err) => {
            let form = json!({
                "album": f.text("album"),
                "include_sub_albums": f.checked("include_sub_albums"),
                "label": f.text("label"),
                "expires_in_days": days_text,
                "allow_download": f.checked("allow_download"),
                "allow_zip": f.checked("allow_zip"),
                "photos": f.all("photos"),
            });
            let album = parse_id::<AlbumId>(f.text("album"));
            match album {
                Ok(album) if selection => {
                    let (status, message) = form_error(err)?;
                    let extra = json!({ "error": message, "form": form });
                    let page = picker(&state, &viewer, album, extra).await?;
                    Ok((status, page).into_response())
                }
                _ => links_error(&admin, &state, &viewer, err, form).await,
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PickQuery {
    album: Option<String>,
}

/// The photo picker of one album, with `extra` merged into its context.
async fn picker(
    state: &AppState,
    viewer: &Viewer,
    album: AlbumId,
    extra: Value,
) -> Result<axum::response::Html<String>, AppError> {
    // An administrator's gallery sees every photo.
    let page = viewer.gallery()?.album_page(album).await?;
    let photos: Vec<Value> = page
        .photos
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "filename": p.filename,
                "v": preview_version(state, &p.fingerprint, "thumb"),
            })
        })
        .collect();
    let mut context = json!({
        "section": "links",
        "form": {},
        "album": { "id": page.album.id, "name": page.album.name },
        "photos": photos,
    });
    if let (Some(map), Some(extra)) = (context.as_object_mut(), extra.as_object()) {
        map.extend(extra.clone());
    }
    render(state, viewer, "admin/pick.html", context)
}

/// `GET /admin/links/pick?album={id}`: the album's photos with a checkbox each and the link's
/// options, posting to `POST /admin/links` a link to the photos ticked.
pub async fn pick_photos(
    _admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PickQuery>,
) -> Result<Response, AppError> {
    let album: AlbumId = parse_id(query.album.as_deref().unwrap_or_default())?;
    Ok(picker(&state, &viewer, album, json!({}))
        .await?
        .into_response())
}

/// `POST /admin/links/{id}/revoke`
pub async fn revoke_link(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<ShareId>,
) -> Result<Response, AppError> {
    match admin.repo().revoke_share(id, unix_now()).await {
        Ok(()) => see_other("/admin/links?done=link-revoked"),
        Err(err) => links_error(&admin, &state, &viewer, err.into(), json!({})).await,
    }
}

/// `POST /admin/albums/{id}/revoke-links`: revokes every live link to the album (links to a
/// selection of its photos stay).
pub async fn revoke_album_links(
    admin: Admin,
    PathId(id): PathId<AlbumId>,
) -> Result<Response, AppError> {
    let now = unix_now();
    for link in admin.repo().list_shares().await? {
        let of_album = matches!(link.target, ShareTarget::Album { id: album, .. } if album == id);
        if of_album && link.revoked_at.is_none() {
            admin.repo().revoke_share(link.id, now).await?;
        }
    }
    see_other("/admin/links?done=album-links-revoked")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_repeated_names() {
        let f = Fields::parse(&Bytes::from_static(
            b"members=3&members=5&name=Family+%26+friends&can_scan=on",
        ));
        assert_eq!(f.all("members"), ["3", "5"]);
        assert_eq!(f.text("name"), "Family & friends");
        assert_eq!(f.text("missing"), "");
        assert!(f.checked("can_scan") && !f.checked("admin"));
        assert_eq!(
            f.user_ids("members").unwrap_or_default(),
            [UserId::new(3), UserId::new(5)]
        );
    }

    #[test]
    fn only_known_notices_are_shown() {
        assert_eq!(notice(Some("link-revoked")), Some("Link revoked."));
        assert_eq!(notice(Some("<script>")), None);
        assert_eq!(notice(None), None);
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            capitalised("passwords need at least 8 characters"),
            "Passwords need at least 8 characters."
        );
    }
}
