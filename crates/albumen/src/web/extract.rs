//! Every extractor a handler may ask for, in one file: who is asking ([`Viewer`], [`Admin`],
//! [`Scanner`]), the JSON body ([`AppJson`]), the client ([`Client`]: address and scheme) and
//! typed path ids ([`PathId`]). A handler reaches the catalog only through these: a viewer through
//! its scoped [`Gallery`], an administrator or a scanner through the unscoped repository.

use std::convert::Infallible;
use std::str::FromStr;
use std::sync::Arc;

use albumen_core::access::Subject;
use albumen_core::model::User;
use albumen_db::Repo;
use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::gallery::Gallery;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::session::Cookies;
use crate::web::view_as::ViewAs;

pub use crate::web::client::Client;

/// The person (or nobody) behind a request, resolved once per request by the session
/// middleware (`web::session`), with the catalog as they may see it.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: Option<User>,
    pub csrf_token: Option<String>,
    pub session_hash: Option<String>,
    /// How cookies are named and flagged for this request (HTTPS or not).
    pub cookies: Cookies,
    /// The language pages are written in for this request (`Accept-Language`).
    pub lang: Lang,
    /// Set when an administrator views the gallery as someone else: `user` and the gallery
    /// are then the target's (`web::view_as`), and nothing can be changed.
    pub view_as: Option<ViewAs>,
    gallery: Option<Gallery>,
}

impl Viewer {
    /// Nobody: no session, no link. Sees no catalog at all (error pages, unrouted requests).
    pub fn anonymous() -> Self {
        Self {
            user: None,
            csrf_token: None,
            session_hash: None,
            cookies: Cookies::default(),
            lang: Lang::default(),
            view_as: None,
            gallery: None,
        }
    }

    /// What the session resolver found.
    pub(super) fn resolved(
        user: Option<User>,
        csrf_token: Option<String>,
        session_hash: Option<String>,
        cookies: Cookies,
        gallery: Gallery,
    ) -> Self {
        Self {
            user,
            csrf_token,
            session_hash,
            cookies,
            lang: Lang::default(),
            view_as: None,
            gallery: Some(gallery),
        }
    }

    /// The same viewer, as an administrator viewing as someone else.
    pub(super) fn viewing_as(mut self, view_as: ViewAs) -> Self {
        self.view_as = Some(view_as);
        self
    }

    /// The catalog scoped to this viewer.
    pub fn gallery(&self) -> Result<&Gallery, AppError> {
        self.gallery
            .as_ref()
            .ok_or_else(|| AppError::internal("no viewer resolved for this request"))
    }

    pub fn subject(&self) -> Subject {
        self.gallery
            .as_ref()
            .map_or_else(Subject::anonymous, |g| g.subject().clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or_else(Viewer::anonymous))
    }
}

/// The logged-in administrator making the request, with the unscoped catalog. Extracted before
/// the body, so a visitor who may not use a route learns only that (401 or 403), whatever they
/// sent.
#[derive(Debug, Clone)]
pub struct Admin {
    pub user: User,
    repo: Arc<dyn Repo>,
}

impl Admin {
    /// The whole catalog, unscoped: administrators manage everything.
    pub fn repo(&self) -> &dyn Repo {
        self.repo.as_ref()
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    #[expect(
        clippy::disallowed_methods,
        reason = "the administrator's extractor is where the unscoped catalog is handed out"
    )]
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = logged_in(parts, state).await?;
        if !user.permissions.admin {
            return Err(AppError::Forbidden);
        }
        Ok(Self {
            user,
            repo: state.unscoped_repo().clone(),
        })
    }
}

/// A logged-in user who may start scans (`can_scan` or administrator).
#[derive(Debug, Clone)]
pub struct Scanner {
    pub user: User,
    repo: Arc<dyn Repo>,
}

impl Scanner {
    /// The catalog a scan writes to.
    pub fn repo(&self) -> &Arc<dyn Repo> {
        &self.repo
    }
}

impl FromRequestParts<AppState> for Scanner {
    type Rejection = AppError;

    #[expect(
        clippy::disallowed_methods,
        reason = "scans write the whole catalog; only scanners get it"
    )]
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = logged_in(parts, state).await?;
        if !user.permissions.scans() {
            return Err(AppError::Forbidden);
        }
        Ok(Self {
            user,
            repo: state.unscoped_repo().clone(),
        })
    }
}

/// The logged-in user of a managed route. While an administrator views as someone else, every
/// admin and scanner route is refused (stopping has its own route).
async fn logged_in(parts: &mut Parts, state: &AppState) -> Result<User, AppError> {
    let Ok(viewer) = Viewer::from_request_parts(parts, state).await;
    if viewer.view_as.is_some() {
        return Err(AppError::ViewingAs);
    }
    viewer.user.ok_or(AppError::Unauthenticated)
}

/// A JSON body whose rejections come out in the API's error shape (400, or 415 for a body that
/// does not say it is JSON).
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// An id from the path (`{id}`); a malformed one is answered exactly like a hidden one.
#[derive(Debug, Clone, Copy)]
pub struct PathId<T>(pub T);

impl<S, T> FromRequestParts<S> for PathId<T>
where
    T: FromStr + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        parse_id(&raw).map(Self)
    }
}

/// Parses a path id; a malformed one is answered exactly like a hidden one.
pub fn parse_id<T: FromStr>(raw: &str) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The client as `web::client::identify` found it; without that layer (never in `build_app`),
/// nobody in particular over plain HTTP.
impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Client>().copied().unwrap_or(Client {
            address: None,
            https: false,
        }))
    }
}
