//! Logging in and out, for the HTML pages and the JSON API alike.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::Form;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, REFERRER_POLICY, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{self, AuthError, Login};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::html::render;
use crate::web::session::{Viewer, clear_session_cookie, session_cookie};

/// The client's address for login limits: the TCP peer when the server runs with
/// `ConnectInfo` (or a test inserts `MockConnectInfo`), otherwise `None`, one shared bucket.
/// Proxy headers such as `X-Forwarded-For` are not trusted.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let extensions = &parts.extensions;
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .or_else(|| {
                extensions
                    .get::<MockConnectInfo<SocketAddr>>()
                    .map(|MockConnectInfo(addr)| addr.ip())
            });
        Ok(Self(peer))
    }
}

/// Logs in and returns the `Set-Cookie` header for the new session. Attempts over the failed
/// login limits (see [`auth::limiter`]) are refused before the password is checked.
pub async fn start_session(
    state: &AppState,
    viewer: &Viewer,
    address: ClientAddress,
    username: &str,
    password: &str,
) -> Result<(Login, HeaderMap), AppError> {
    let limiter = &state.login_limiter;
    limiter.begin(username, address.0)?;
    let login = match auth::login(
        state.repo.as_ref(),
        username,
        password,
        state.config.auth.session_days,
    )
    .await
    {
        Ok(login) => login,
        // Already counted by `begin`.
        Err(AuthError::InvalidCredentials) => return Err(AppError::InvalidCredentials),
        Err(other) => {
            limiter.abandoned(username, address.0);
            return Err(other.into());
        }
    };
    limiter.succeeded(username, address.0);
    replace_session(state, viewer, login).await
}

/// Ends whatever session the browser had and returns the `Set-Cookie` header for `login`'s.
async fn replace_session(
    state: &AppState,
    viewer: &Viewer,
    login: Login,
) -> Result<(Login, HeaderMap), AppError> {
    // A new session replaces whatever the browser had.
    end_session(state, viewer).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        SET_COOKIE,
        session_cookie(
            &login.token,
            i64::from(state.config.auth.session_days) * 86_400,
            state.config.auth.secure_cookies,
        ),
    );
    Ok((login, headers))
}

/// Deletes the viewer's session, if any, and returns the header that clears the cookie.
pub async fn end_session(state: &AppState, viewer: &Viewer) -> Result<HeaderMap, AppError> {
    if let Some(hash) = &viewer.session_hash {
        state.repo.delete_session(hash).await?;
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        SET_COOKIE,
        clear_session_cookie(state.config.auth.secure_cookies),
    );
    Ok(headers)
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site absolute paths, so the login form cannot be used as an open redirect.
pub(crate) fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

pub async fn login_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> Result<Html<String>, AppError> {
    let next = safe_next(query.next.as_deref());
    render(
        &state,
        &viewer,
        "login.html",
        json!({ "next": next, "username": "", "error": null }),
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login_submit(
    State(state): State<AppState>,
    viewer: Viewer,
    address: ClientAddress,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref()).to_owned();
    match start_session(&state, &viewer, address, &form.username, &form.password).await {
        Ok((_, mut headers)) => {
            headers.insert(LOCATION, next.parse().map_err(AppError::internal)?);
            Ok((StatusCode::SEE_OTHER, headers).into_response())
        }
        Err(AppError::InvalidCredentials) => {
            let page = render(
                &state,
                &viewer,
                "login.html",
                json!({
                    "next": next,
                    "username": form.username,
                    "error": AuthError::InvalidCredentials.to_string(),
                }),
            )?;
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::TooManyAttempts { retry_after }) => {
            let page = render(
                &state,
                &viewer,
                "login.html",
                json!({
                    "next": next,
                    "username": form.username,
                    "error": format!("Too many attempts; try again in {retry_after} seconds."),
                }),
            )?;
            Ok((
                StatusCode::TOO_MANY_REQUESTS,
                [(RETRY_AFTER, retry_after.to_string())],
                page,
            )
                .into_response())
        }
        Err(other) => Err(other),
    }
}

/// `GET /login/link/{token}`: a magic login link shows a confirmation page and logs nobody in,
/// so mail scanners and link previews that fetch it cannot use up a single-use link.
pub async fn link_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if !auth::session::plausible_token(&token) {
        return Err(AppError::NotFound);
    }
    let page = render(&state, &viewer, "link.html", json!({}))?;
    Ok((
        [
            (REFERRER_POLICY, "no-referrer"),
            (CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response())
}

/// `POST /login/link/{token}`: the confirmation. A valid link opens a new session, exactly as a
/// password login does, and redirects to the gallery (303); anything else (malformed, unknown,
/// expired, used, password changed since, account disabled) is the ordinary 404 page.
pub async fn link_login(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let login =
        match auth::login_link::redeem(state.repo.as_ref(), &token, state.config.auth.session_days)
            .await
        {
            Ok(login) => login,
            Err(AuthError::InvalidCredentials) => return Err(AppError::NotFound),
            Err(other) => return Err(other.into()),
        };
    let (_, mut headers) = replace_session(&state, &viewer, login).await?;
    headers.insert(LOCATION, "/".parse().map_err(AppError::internal)?);
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

pub async fn logout_submit(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let mut headers = end_session(&state, &viewer).await?;
    headers.insert(LOCATION, "/".parse().map_err(AppError::internal)?);
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_a_local_path() {
        assert_eq!(safe_next(Some("/albums/3")), "/albums/3");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "albums",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
