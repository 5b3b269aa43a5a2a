//! Who is asking, resolved once per request from the session cookie, and the CSRF guard for
//! every state-changing request.

use albumen_core::access::Subject;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::session::{COOKIE as SESSION_COOKIE, hash_token, plausible_token, tokens_match};
use crate::clock::unix_now;
use crate::share;
use crate::state::AppState;
use crate::web::client::Client;
use crate::web::error::AppError;
use crate::web::extract::Viewer;
use crate::web::view_as;

/// Header for the CSRF token on API requests.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field for the CSRF token on HTML forms.
pub const CSRF_FIELD: &str = "csrf_token";
/// Forms are small; anything bigger is not a login or logout form.
const FORM_LIMIT: usize = 64 * 1024;

/// Middleware: looks the session up, refuses cross-site and token-less state changes, and
/// leaves the [`Viewer`] in the request for handlers (and in the response, for error pages).
pub async fn resolve_viewer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match guard(&state, request).await {
        Ok((request, viewer)) => {
            let mut response = next.run(request).await;
            response.extensions_mut().insert(viewer);
            // Pages are written in the language the browser asked for.
            response.headers_mut().append(
                axum::http::header::VARY,
                axum::http::HeaderValue::from_static("accept-language"),
            );
            response
        }
        Err(err) => err.into_response(),
    }
}

async fn guard(state: &AppState, mut request: Request) -> Result<(Request, Viewer), AppError> {
    let https = request
        .extensions()
        .get::<Client>()
        .is_some_and(|client| client.https);
    let mut viewer = viewer_from_cookie(state, request.headers(), Cookies::new(https)).await?;
    viewer.lang = crate::i18n::Lang::negotiate(
        request
            .headers()
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    if !is_safe(request.method()) {
        refuse_cross_site(request.headers())?;
        if let Some(expected) = &viewer.csrf_token {
            request = require_csrf_token(expected, request).await?;
        }
        // Viewing as someone else changes nothing, whatever the route (`web::view_as`).
        if viewer.view_as.is_some() && !view_as::allowed_while_viewing(request.uri().path()) {
            return Err(AppError::ViewingAs);
        }
    }
    request.extensions_mut().insert(viewer.clone());
    Ok((request, viewer))
}

/// The session resolver: who the cookies say the viewer is. The only place that turns a
/// session into a [`Subject`] and adds the share links the browser holds.
#[expect(
    clippy::disallowed_methods,
    reason = "the session resolver builds subjects and reads the unscoped catalog for sessions"
)]
async fn viewer_from_cookie(
    state: &AppState,
    headers: &HeaderMap,
    cookies: Cookies,
) -> Result<Viewer, AppError> {
    let repo = state.unscoped_repo();
    let session = match cookies
        .session_token(headers)
        .filter(|t| plausible_token(t))
    {
        Some(token) => {
            let hash = hash_token(token);
            // Groups come with the session, read per request, so a membership change applies
            // at once.
            repo.session(&hash, unix_now())
                .await?
                .map(|session| (session, hash))
        }
        None => None,
    };
    let (mut subject, user, csrf_token, session_hash) = match session {
        Some((session, hash)) => (
            Subject::user(session.user.id, session.groups, session.user.permissions),
            Some(session.user),
            Some(session.csrf_token),
            Some(hash),
        ),
        None => (Subject::anonymous(), None, None, None),
    };
    // An administrator viewing as someone: the gallery is the target's alone.
    if let (Some(admin), Some(hash)) = (&user, &session_hash) {
        let value = cookies.named(headers, view_as::COOKIE);
        if let Some(found) = view_as::resolve(state, repo.as_ref(), admin, hash, value).await? {
            return Ok(Viewer::resolved(
                found.user,
                csrf_token,
                session_hash,
                cookies,
                crate::gallery::Gallery::new(repo.clone(), found.subject),
            )
            .viewing_as(found.view_as));
        }
    }
    // Share links add to whoever the viewer is, logged in or not.
    let held = cookies.share_links(headers);
    for grant in share::held_grants(repo.as_ref(), held, &state.unlock_key).await? {
        subject = subject.with_share(grant);
    }
    Ok(Viewer::resolved(
        user,
        csrf_token,
        session_hash,
        cookies,
        crate::gallery::Gallery::new(repo.clone(), subject),
    ))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers say where a request comes from; a state change from another site is refused even
/// without a session (that would be login CSRF).
///
/// `Sec-Fetch-Site` decides when present (every current browser sends it, and no page can forge
/// it). It matters on the pages that carry a token in their URL: they send
/// `Referrer-Policy: no-referrer`, under which a browser's same-origin form post says
/// `Origin: null`. Without `Sec-Fetch-Site`, `Origin` must name this host.
fn refuse_cross_site(headers: &HeaderMap) -> Result<(), AppError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(AppError::Csrf),
        };
    }
    if let (Some(origin), Some(host)) = (header(ORIGIN.as_str()), header(HOST.as_str())) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin == "null" || origin_host != host {
            return Err(AppError::Csrf);
        }
    }
    Ok(())
}

/// The token comes in the `X-CSRF-Token` header (API) or the `csrf_token` form field (HTML).
async fn require_csrf_token(expected: &str, request: Request) -> Result<Request, AppError> {
    if let Some(given) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if tokens_match(expected, given) {
            Ok(request)
        } else {
            Err(AppError::Csrf)
        };
    }
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| AppError::TooLarge(FORM_LIMIT))?;
    let matches = form_urlencoded::parse(&bytes)
        .any(|(key, value)| key == CSRF_FIELD && tokens_match(expected, &value));
    if !matches {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// How this request's cookies are named and flagged. Over HTTPS (see `web::client`) they are
/// `Secure` and carry the `__Host-` prefix, which browsers accept only from a secure origin with
/// `Path=/` and no `Domain`: neither a plain-HTTP page nor a sibling host can plant or overwrite
/// one. Each scheme reads only its own names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cookies {
    secure: bool,
}

impl Cookies {
    pub fn new(secure: bool) -> Self {
        Self { secure }
    }

    /// Whether the request came over HTTPS.
    pub fn secure(self) -> bool {
        self.secure
    }

    fn prefix(self) -> &'static str {
        if self.secure { "__Host-" } else { "" }
    }

    /// The session token the browser sent, if any.
    pub fn session_token(self, headers: &HeaderMap) -> Option<&str> {
        self.named(headers, SESSION_COOKIE)
    }

    /// The value of the cookie called `name` (prefixed as this scheme's cookies are), if sent.
    pub fn named<'h>(self, headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
        let name = format!("{}{name}", self.prefix());
        all_cookies(headers).find_map(|(k, v)| (k == name).then_some(v))
    }

    /// The share-link cookies the browser sent, as (link id, value).
    pub fn share_links(self, headers: &HeaderMap) -> Vec<(&str, &str)> {
        let prefix = format!("{}{}", self.prefix(), share::COOKIE_PREFIX);
        all_cookies(headers)
            .filter_map(|(k, v)| k.strip_prefix(prefix.as_str()).map(|rest| (rest, v)))
            .collect()
    }

    /// `Set-Cookie` for a new session.
    pub fn session(self, token: &str, max_age_seconds: i64) -> HeaderValue {
        self.set(SESSION_COOKIE, token, max_age_seconds)
    }

    /// `Set-Cookie` that ends the session cookie.
    pub fn clear_session(self) -> HeaderValue {
        self.set(SESSION_COOKIE, "", 0)
    }

    /// `Set-Cookie` for an opened (and, if protected, unlocked) share link.
    pub fn share_link(self, link_id: i64, value: &str, max_age_seconds: i64) -> HeaderValue {
        self.set(
            &format!("{}{link_id}", share::COOKIE_PREFIX),
            value,
            max_age_seconds,
        )
    }

    /// `Set-Cookie` for the cookie called `name` (an empty value and 0 end it).
    pub fn set_named(self, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
        self.set(name, value, max_age_seconds)
    }

    /// HttpOnly (no script access), SameSite=Lax (not sent on cross-site subrequests or form
    /// posts).
    fn set(self, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let text = format!(
            "{}{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}",
            self.prefix()
        );
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

fn all_cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookies_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; albumen_session=xyz; b=2"),
        );
        assert_eq!(Cookies::new(false).session_token(&headers), Some("xyz"));
        assert_eq!(Cookies::new(true).session_token(&headers), None);
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("photos.example"));
        headers.insert(ORIGIN, HeaderValue::from_static("https://photos.example"));
        assert!(refuse_cross_site(&headers).is_ok());
        headers.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(refuse_cross_site(&headers).is_err());
        headers.insert(ORIGIN, HeaderValue::from_static("null"));
        assert!(refuse_cross_site(&headers).is_err());
        headers.remove(ORIGIN);
        for site in ["cross-site", "same-site"] {
            headers.insert("sec-fetch-site", HeaderValue::from_static(site));
            assert!(refuse_cross_site(&headers).is_err(), "{site}");
        }
    }

    /// What Chromium, Firefox and Safari send for a form posted from a page with
    /// `Referrer-Policy: no-referrer` (the share-link and login-link pages).
    #[test]
    fn same_origin_posts_from_no_referrer_pages_pass() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("photos.example"));
        headers.insert(ORIGIN, HeaderValue::from_static("null"));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(refuse_cross_site(&headers).is_ok());
        // A cross-site page cannot pretend: its post says so, whatever its Origin.
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        headers.insert(ORIGIN, HeaderValue::from_static("https://photos.example"));
        assert!(refuse_cross_site(&headers).is_err());
    }

    #[test]
    fn session_cookies_are_http_only_and_lax() {
        let value = Cookies::new(false).session("abc", 60);
        let text = value.to_str().expect("ascii");
        assert!(text.starts_with("albumen_session=abc;"), "{text}");
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax"));
        assert!(!text.contains("Secure"));
    }

    #[test]
    fn https_cookies_are_secure_and_host_only() {
        let secure = Cookies::new(true);
        let text = secure
            .session("abc", 60)
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(text.starts_with("__Host-albumen_session=abc;"), "{text}");
        assert!(text.contains("; Secure") && text.contains("Path=/") && !text.contains("Domain"));
        let link = secure
            .share_link(7, "tok", 60)
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(link.starts_with("__Host-albumen_share_7=tok;"), "{link}");

        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("albumen_share_3=planted; __Host-albumen_share_7=tok"),
        );
        assert_eq!(secure.share_links(&headers), vec![("7", "tok")]);
        assert_eq!(
            Cookies::new(false).share_links(&headers),
            vec![("3", "planted")]
        );
    }
}
