//! The admin API for access policies: one album's or photo's (`/api/v1/albums/{id}/policy`,
//! `/api/v1/photos/{id}/policy`) and many at once (`/api/v1/policies/albums`,
//! `/api/v1/policies/photos`), the seed's bulk admin actions. Every form is all or nothing: an
//! unknown album, photo, user or group is 404 and changes no policy.

use std::collections::BTreeSet;

use albumen_core::access::{AlbumPolicy, Policy};
use albumen_core::{AlbumId, GroupId, PhotoId, UserId};
use axum::Json;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::unix_now;
use crate::web::error::AppError;
use crate::web::extract::{Admin, AppJson, PathId};

/// The most objects one bulk request may name.
pub(crate) const MAX_BULK: usize = 10_000;

const fn yes() -> bool {
    true
}

/// An album's policy on the wire; lists default to empty and `inherit` to true.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlbumPolicyDto {
    #[serde(default)]
    public: bool,
    #[serde(default)]
    users: BTreeSet<UserId>,
    #[serde(default)]
    groups: BTreeSet<GroupId>,
    #[serde(default = "yes")]
    inherit: bool,
}

impl AlbumPolicyDto {
    fn policy(&self) -> AlbumPolicy {
        AlbumPolicy {
            policy: Policy {
                public: self.public,
                users: self.users.clone(),
                groups: self.groups.clone(),
            },
            inherit: self.inherit,
        }
    }
}

/// A photo's own policy on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoPolicyDto {
    #[serde(default)]
    public: bool,
    #[serde(default)]
    users: BTreeSet<UserId>,
    #[serde(default)]
    groups: BTreeSet<GroupId>,
}

impl PhotoPolicyDto {
    fn policy(&self) -> Policy {
        Policy {
            public: self.public,
            users: self.users.clone(),
            groups: self.groups.clone(),
        }
    }
}

/// `PUT /api/v1/albums/{id}/policy`: creates or replaces the album's policy.
pub async fn set_album_policy(
    admin: Admin,
    PathId(id): PathId<AlbumId>,
    AppJson(body): AppJson<AlbumPolicyDto>,
) -> Result<Json<AlbumPolicyDto>, AppError> {
    admin
        .repo()
        .set_album_policy(id, &body.policy(), unix_now())
        .await?;
    Ok(Json(body))
}

/// `DELETE /api/v1/albums/{id}/policy`: the album becomes private (204).
pub async fn delete_album_policy(
    admin: Admin,
    PathId(id): PathId<AlbumId>,
) -> Result<StatusCode, AppError> {
    admin.repo().delete_album_policy(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/photos/{id}/policy`: creates or replaces the photo's own policy, which then
/// decides for it instead of its album's.
pub async fn set_photo_policy(
    admin: Admin,
    PathId(id): PathId<PhotoId>,
    AppJson(body): AppJson<PhotoPolicyDto>,
) -> Result<Json<PhotoPolicyDto>, AppError> {
    admin
        .repo()
        .set_photo_policy(id, &body.policy(), unix_now())
        .await?;
    Ok(Json(body))
}

/// `DELETE /api/v1/photos/{id}/policy`: the photo follows its album again (204).
pub async fn delete_photo_policy(
    admin: Admin,
    PathId(id): PathId<PhotoId>,
) -> Result<StatusCode, AppError> {
    admin.repo().delete_photo_policy(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A bulk change: the objects, and the policy they all get, or `null` to remove theirs. The
/// `policy` field is required, so a forgotten field never removes policies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkAlbums {
    album_ids: BTreeSet<AlbumId>,
    policy: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkPhotos {
    photo_ids: BTreeSet<PhotoId>,
    policy: Value,
}

#[derive(Debug, Serialize)]
pub struct BulkDone {
    updated: usize,
}

/// The ids of a bulk request, and its policy (`None` for `null`).
fn bulk<I: Copy, P: DeserializeOwned>(
    ids: &BTreeSet<I>,
    policy: Value,
) -> Result<(Vec<I>, Option<P>), AppError> {
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(AppError::BadRequest(format!(
            "name between 1 and {MAX_BULK} objects"
        )));
    }
    let policy = match policy {
        Value::Null => None,
        other => Some(
            serde_json::from_value(other)
                .map_err(|e| AppError::BadRequest(format!("policy: {e}")))?,
        ),
    };
    Ok((ids.iter().copied().collect(), policy))
}

/// `PUT /api/v1/policies/albums` `{"album_ids": [...], "policy": {...} | null}`: gives every
/// album the same policy, or removes theirs; `{"updated": n}`.
pub async fn set_album_policies(
    admin: Admin,
    AppJson(body): AppJson<BulkAlbums>,
) -> Result<Json<BulkDone>, AppError> {
    let (ids, policy) = bulk::<_, AlbumPolicyDto>(&body.album_ids, body.policy)?;
    match policy {
        Some(policy) => {
            admin
                .repo()
                .set_album_policies(&ids, &policy.policy(), unix_now())
                .await?;
        }
        None => admin.repo().delete_album_policies(&ids).await?,
    }
    Ok(Json(BulkDone { updated: ids.len() }))
}

/// `PUT /api/v1/policies/photos` `{"photo_ids": [...], "policy": {...} | null}`: gives every
/// photo the same own policy, or makes them follow their albums again; `{"updated": n}`.
pub async fn set_photo_policies(
    admin: Admin,
    AppJson(body): AppJson<BulkPhotos>,
) -> Result<Json<BulkDone>, AppError> {
    let (ids, policy) = bulk::<_, PhotoPolicyDto>(&body.photo_ids, body.policy)?;
    match policy {
        Some(policy) => {
            admin
                .repo()
                .set_photo_policies(&ids, &policy.policy(), unix_now())
                .await?;
        }
        None => admin.repo().delete_photo_policies(&ids).await?,
    }
    Ok(Json(BulkDone { updated: ids.len() }))
}
