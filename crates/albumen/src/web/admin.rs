//! The admin JSON API: accounts, groups, album settings and access explanations (policies are
//! in [`super::policy`]). Every route needs a logged-in
//! administrator; state changes also pass the session middleware's CSRF check.

use albumen_core::access::{Action, Target, explain};
use albumen_core::model::{Permissions, User};
use albumen_core::{AlbumId, GroupId, PhotoId, UserId};
use albumen_db::Group;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth;
use crate::clock::unix_now;
use crate::web::error::AppError;
use crate::web::extract::{Admin, AppJson, PathId, parse_id};

fn permissions(names: &[String]) -> Result<Permissions, AppError> {
    Permissions::from_names(names.iter().map(String::as_str)).map_err(AppError::BadRequest)
}

/// An account as administrators see it (never with its password hash).
#[derive(Debug, Serialize)]
pub struct AccountDto {
    id: UserId,
    username: String,
    permissions: Vec<&'static str>,
    disabled: bool,
}

impl From<User> for AccountDto {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            permissions: user.permissions.names(),
            username: user.username,
            disabled: user.disabled,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    username: String,
    password: String,
    #[serde(default)]
    permissions: Vec<String>,
}

/// `POST /api/v1/users`: creates an account (201); a taken username is 409.
pub async fn create_user(
    admin: Admin,
    AppJson(body): AppJson<NewAccount>,
) -> Result<Response, AppError> {
    let permissions = permissions(&body.permissions)?;
    let user = auth::create_user(admin.repo(), &body.username, &body.password, permissions).await?;
    Ok((StatusCode::CREATED, Json(AccountDto::from(user))).into_response())
}

/// `GET /api/v1/users`: every account, by username.
pub async fn list_users(admin: Admin) -> Result<Json<Vec<AccountDto>>, AppError> {
    let users = admin.repo().list_users().await?;
    Ok(Json(users.into_iter().map(AccountDto::from).collect()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    disabled: Option<bool>,
    password: Option<String>,
    permissions: Option<Vec<String>>,
}

/// `PATCH /api/v1/users/{id}`: disables or re-enables an account, sets its password or its
/// permissions. Disabling, a new password or new permissions end the user's sessions at once.
pub async fn update_user(
    admin: Admin,
    PathId(id): PathId<UserId>,
    AppJson(body): AppJson<AccountChange>,
) -> Result<Json<AccountDto>, AppError> {
    let permissions = body.permissions.as_deref().map(permissions).transpose()?;
    let user = auth::update_user(
        admin.repo(),
        id,
        body.disabled,
        body.password.as_deref(),
        permissions,
    )
    .await?;
    Ok(Json(user.into()))
}

/// Options for a new login link; the body may be empty or absent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginLinkOptions {
    expires_in_days: Option<u32>,
    #[serde(default)]
    single_use: bool,
}

#[derive(Debug, Serialize)]
pub struct LoginLinkDto {
    url: String,
    expires_at: i64,
}

/// `POST /api/v1/users/{id}/login-link`: a magic login link for the user (201) with
/// `{"url": "/login/link/<token>", "expires_at": <unix seconds>}`; the token is shown only
/// here. Options: `expires_in_days` (default 14, at most 365; 0 makes an expired link) and
/// `single_use`. An unknown user is 404.
pub async fn create_login_link(
    admin: Admin,
    PathId(id): PathId<UserId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let options: LoginLinkOptions = if body.iter().all(u8::is_ascii_whitespace) {
        LoginLinkOptions::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| AppError::BadRequest(e.to_string()))?
    };
    let link = auth::login_link::create(
        admin.repo(),
        id,
        options
            .expires_in_days
            .unwrap_or(auth::login_link::DEFAULT_DAYS),
        options.single_use,
    )
    .await?;
    let dto = LoginLinkDto {
        url: link.path(),
        expires_at: link.expires_at,
    };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

#[derive(Debug, Serialize)]
pub struct GroupDto {
    id: GroupId,
    name: String,
    members: Vec<UserId>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    name: String,
    #[serde(default)]
    members: Vec<UserId>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Members {
    members: Vec<UserId>,
}

async fn group_dto(admin: &Admin, group: Group) -> Result<GroupDto, AppError> {
    let members = admin.repo().group_members(group.id).await?;
    Ok(GroupDto {
        id: group.id,
        name: group.name,
        members,
    })
}

/// `POST /api/v1/groups`: creates a group with its members (201); a taken name is 409, an
/// unknown member 404 and no group is left behind.
pub async fn create_group(
    admin: Admin,
    AppJson(body): AppJson<NewGroup>,
) -> Result<Response, AppError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "group names are 1 to 64 printable characters".to_owned(),
        ));
    }
    let id = admin.repo().create_group(name, unix_now()).await?;
    if let Err(err) = admin.repo().set_group_members(id, &body.members).await {
        admin.repo().delete_group(id).await?;
        return Err(err.into());
    }
    let members = admin.repo().group_members(id).await?;
    let group = GroupDto {
        id,
        name: name.to_owned(),
        members,
    };
    Ok((StatusCode::CREATED, Json(group)).into_response())
}

/// `GET /api/v1/groups`: every group with its members, by name.
pub async fn list_groups(admin: Admin) -> Result<Json<Vec<GroupDto>>, AppError> {
    let mut groups = Vec::new();
    for group in admin.repo().list_groups().await? {
        groups.push(group_dto(&admin, group).await?);
    }
    Ok(Json(groups))
}

/// `PUT /api/v1/groups/{id}/members`: replaces the members, all or nothing.
pub async fn set_group_members(
    admin: Admin,
    PathId(id): PathId<GroupId>,
    AppJson(body): AppJson<Members>,
) -> Result<Json<GroupDto>, AppError> {
    admin.repo().set_group_members(id, &body.members).await?;
    let group = admin
        .repo()
        .list_groups()
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(group_dto(&admin, group).await?))
}

/// The query of `GET /api/v1/access/explain`: a user and exactly one of a photo or an album.
#[derive(Debug, Deserialize)]
pub struct ExplainQuery {
    user: Option<String>,
    photo: Option<String>,
    album: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ExplanationDto {
    decision: &'static str,
    rule: String,
}

/// `GET /api/v1/access/explain?user={id}&photo={id}` (or `&album={id}`): whether the user may
/// see the object and the rule that decides, as `{"decision": "visible"|"hidden", "rule": …}`.
/// An unknown user, photo or album is 404; anything but exactly one of photo and album is 400.
pub async fn explain_access(
    admin: Admin,
    query: Result<Query<ExplainQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ExplanationDto>, AppError> {
    let Query(query) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let user = query
        .user
        .ok_or_else(|| AppError::BadRequest("user is required".to_owned()))?;
    let user: UserId = parse_id(&user)?;
    let user = admin.repo().user(user).await?.ok_or(AppError::NotFound)?;
    let subject = auth::subject_of(admin.repo(), &user).await?;
    let why = match (query.photo, query.album) {
        (Some(photo), None) => {
            let id: PhotoId = parse_id(&photo)?;
            let facts = admin
                .repo()
                .photo_facts(id)
                .await?
                .ok_or(AppError::NotFound)?;
            explain(&subject, Action::View, Target::Photo(&facts))
        }
        (None, Some(album)) => {
            let id: AlbumId = parse_id(&album)?;
            let facts = admin
                .repo()
                .album_facts(id)
                .await?
                .ok_or(AppError::NotFound)?;
            explain(&subject, Action::View, Target::Album(&facts))
        }
        _ => {
            return Err(AppError::BadRequest(
                "give exactly one of photo and album".to_owned(),
            ));
        }
    };
    Ok(Json(ExplanationDto {
        decision: why.verdict(),
        rule: why.rule.to_string(),
    }))
}

/// `PATCH /api/v1/albums/{id}`: `{"unlisted": bool}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlbumPatch {
    unlisted: bool,
}

pub async fn update_album(
    admin: Admin,
    PathId(id): PathId<AlbumId>,
    AppJson(patch): AppJson<AlbumPatch>,
) -> Result<StatusCode, AppError> {
    admin
        .repo()
        .set_albums_unlisted(&[id], patch.unlisted)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
