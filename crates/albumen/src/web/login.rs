//! Logging in and out, for the HTML pages and the JSON API alike.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, REFERRER_POLICY, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use albumen_db::Repo;

use crate::auth::limiter::Target;
use crate::auth::{self, AuthError, Login};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::extract::{Client, Viewer};
use crate::web::html::render;

/// The store of accounts, sessions and login links. Logging in reads no catalog row.
#[expect(
    clippy::disallowed_methods,
    reason = "logins, sessions and login links: no catalog read is made through it"
)]
fn accounts(state: &AppState) -> &dyn Repo {
    state.unscoped_repo().as_ref()
}

/// Logs in and returns the `Set-Cookie` header for the new session. Attempts over the failed
/// login limits (see [`auth::limiter`]) are refused before the password is checked, and an
/// address with many failures waits before it is checked.
pub async fn start_session(
    state: &AppState,
    viewer: &Viewer,
    client: Client,
    username: &str,
    password: &str,
) -> Result<(Login, HeaderMap), AppError> {
    let attempt = state
        .login_limiter
        .begin(Target::Account(username), client.address)?;
    attempt.wait().await;
    let login = match auth::login(
        accounts(state),
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
            attempt.abandoned();
            return Err(other.into());
        }
    };
    attempt.succeeded();
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
        viewer.cookies.session(
            &login.token,
            i64::from(state.config.auth.session_days) * 86_400,
        ),
    );
    Ok((login, headers))
}

/// Deletes the viewer's session, if any, and returns the header that clears the cookie.
pub async fn end_session(state: &AppState, viewer: &Viewer) -> Result<HeaderMap, AppError> {
    if let Some(hash) = &viewer.session_hash {
        accounts(state).delete_session(hash).await?;
    }
    let mut headers = HeaderMap::new();
    headers.insert(SET_COOKIE, viewer.cookies.clear_session());
    Ok(headers)
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The longest `next` kept; a longer one goes home.
const MAX_NEXT_LEN: usize = 2048;

/// Where to send the browser after logging in: `next` when it is a path on this site, else `/`,
/// so the login form cannot be used as an open redirect. Browsers drop tab, CR and LF inside a
/// URL and read `\` as `/`, so `/\t/evil.example` and `/\evil.example` mean `//evil.example`,
/// another site: any control character or backslash is refused, not only a leading `//`. What
/// remains is made a valid header value (spaces and non-ASCII percent-encoded as UTF-8), so the
/// redirect cannot fail after the session is made.
pub(crate) fn safe_next(next: Option<&str>) -> HeaderValue {
    let home = HeaderValue::from_static("/");
    let Some(path) = next else {
        return home;
    };
    if !path.starts_with('/')
        || path.starts_with("//")
        || path.len() > MAX_NEXT_LEN
        || path.chars().any(|c| c == '\\' || c.is_control())
    {
        return home;
    }
    let mut encoded = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() {
            encoded.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    HeaderValue::from_str(&encoded).unwrap_or(home)
}

pub async fn login_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> Result<Html<String>, AppError> {
    let next = safe_next(query.next.as_deref());
    let next = next.to_str().unwrap_or("/");
    login_form(&state, &viewer, next, "", None)
}

/// The login form, to come back to `next`, with the name typed and what went wrong.
fn login_form(
    state: &AppState,
    viewer: &Viewer,
    next: &str,
    username: &str,
    error: Option<FormError>,
) -> Result<Html<String>, AppError> {
    render(
        state,
        viewer,
        "login.html",
        json!({ "next": next, "username": username, "error": error }),
    )
}

/// What went wrong with a password form, as its page says it (in the page's language).
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FormError {
    /// Wrong username or password (a login form), or a link's wrong password.
    Wrong,
    /// Locked for this many seconds.
    TooManyAttempts { seconds: u64 },
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
    client: Client,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    // Settled before any session exists: nothing after the login can fail on it.
    let location = safe_next(form.next.as_deref());
    let next = location.to_str().unwrap_or("/").to_owned();
    match start_session(&state, &viewer, client, &form.username, &form.password).await {
        Ok((_, mut headers)) => {
            headers.insert(LOCATION, location);
            Ok((StatusCode::SEE_OTHER, headers).into_response())
        }
        Err(AppError::InvalidCredentials) => {
            let error = FormError::Wrong;
            let page = login_form(&state, &viewer, &next, &form.username, Some(error))?;
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::TooManyAttempts { retry_after }) => {
            let error = FormError::TooManyAttempts {
                seconds: retry_after,
            };
            let page = login_form(&state, &viewer, &next, &form.username, Some(error))?;
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
        match auth::login_link::redeem(accounts(&state), &token, state.config.auth.session_days)
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
        let next = |path| safe_next(Some(path)).to_str().expect("ASCII").to_owned();
        assert_eq!(next("/albums/3"), "/albums/3");
        assert_eq!(next("/albums/3?page=2#top"), "/albums/3?page=2#top");
        assert_eq!(next("/caf\u{e9} au lait"), "/caf%C3%A9%20au%20lait");
        assert_eq!(next("/a%20b"), "/a%20b");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{0}",
            "/\u{7f}",
            "/\u{85}/evil.example",
            " /",
            "albums",
            "",
        ] {
            assert_eq!(next(bad), "/", "{bad:?}");
        }
        assert_eq!(next(&format!("/{}", "a".repeat(MAX_NEXT_LEN))), "/");
        assert_eq!(safe_next(None), "/");
    }
}
