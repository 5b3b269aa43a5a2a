//! The admin pages: people (accounts, login links, groups), share links and access policies, server-rendered
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
use axum::http::header::{LOCATION, REFERRER_POLICY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth;
use crate::clock::unix_now;
use crate::i18n::Lang;
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

    fn user_ids(&self, name: &str, lang: Lang) -> Result<Vec<UserId>, AppError> {
        self.ids(name, t("{value} is not a user", lang))
    }

    /// Every value of `name` as an id; one that is not is a 400 saying so: `not_one`, with
    /// the value in place of `{value}`.
    fn ids<T: std::str::FromStr>(&self, name: &str, not_one: &str) -> Result<Vec<T>, AppError> {
        self.all(name)
            .into_iter()
            .map(|raw| {
                parse_id(raw).map_err(|_| {
                    AppError::BadRequest(fill(not_one, &[("value", &format!("{raw:?}"))]))
                })
            })
            .collect()
    }
}

/// The query a change redirects to: which change was made, and on what.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// The one-line results of changes, by their `?done=` code. They stay in English here: the
/// admin pages' `nav.html` writes a notice with `t(notice)`, in the page's language.
const NOTICES: &[(&str, &str)] = &[
    ("user-created", "User created."),
    (
        "user-disabled",
        "Account disabled; its sessions and login links ended.",
    ),
    ("user-enabled", "Account enabled."),
    (
        "password-set",
        "Password changed; the user's sessions and login links ended.",
    ),
    (
        "permissions-set",
        "Permissions saved; the user's sessions ended.",
    ),
    ("group-created", "Group created."),
    ("members-set", "Members saved."),
    ("group-deleted", "Group deleted."),
    ("link-revoked", "Link revoked."),
    ("album-links-revoked", "Every link of the album revoked."),
    ("album-policies-set", "Policy set on the chosen albums."),
    (
        "album-policies-removed",
        "Policy removed: the chosen albums are private.",
    ),
    (
        "photo-policies-set",
        "The chosen photos have their own policy.",
    ),
    (
        "photo-policies-removed",
        "The chosen photos follow their album again.",
    ),
];

/// The scan page's notices (`web::scan_page`), which `nav.html` translates the same way.
#[cfg(test)]
const SCAN_NOTICES: &[&str] = &[
    "Scan started.",
    "A scan is already running; its progress is below.",
    "Scan finished.",
];

/// Every notice an admin page may show, for the French catalogue's test.
#[cfg(test)]
pub(crate) fn notices() -> impl Iterator<Item = &'static str> {
    NOTICES
        .iter()
        .map(|(_, message)| *message)
        .chain(SCAN_NOTICES.iter().copied())
}

/// The one-line result of a change, from its code; unknown codes say nothing.
fn notice(done: Option<&str>) -> Option<&'static str> {
    let done = done?;
    NOTICES
        .iter()
        .find(|(code, _)| *code == done)
        .map(|(_, message)| *message)
}

/// `message` in `lang`, as the templates' function of that name gives it, for text the handlers
/// write. The French catalogue's test finds these messages by the call's shape (the string
/// literal first), as it finds the templates'.
fn t(message: &str, lang: Lang) -> &str {
    lang.translate(message)
}

/// The singular or the plural message, as `lang` takes it for `n`, with `{n}` filled in.
fn tn(one: &str, other: &str, n: usize, lang: Lang) -> String {
    let form = if lang.singular(i64::try_from(n).unwrap_or(i64::MAX)) {
        one
    } else {
        other
    };
    t(form, lang).replace("{n}", &n.to_string())
}

/// `text` with each `{key}` replaced by its value, in one pass (a value is never searched for
/// placeholders itself).
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let arg = args.iter().find(|(key, _)| {
            after
                .strip_prefix(key)
                .is_some_and(|tail| tail.starts_with('}'))
        });
        match arg {
            Some((key, value)) => {
                out.push_str(value);
                rest = &after[key.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub(crate) fn see_other(location: &str) -> Result<Response, AppError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        LOCATION,
        HeaderValue::from_str(location).map_err(AppError::internal)?,
    );
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

/// What a failed change shows on the page, in `lang`: input and state errors are the person's
/// to fix; anything else is the ordinary error page.
fn form_error(err: AppError, lang: Lang) -> Result<(StatusCode, String), AppError> {
    match err {
        AppError::BadRequest(message) => Ok((
            StatusCode::BAD_REQUEST,
            capitalised(&input_error(&message, lang)),
        )),
        AppError::Conflict(what) => Ok((
            StatusCode::CONFLICT,
            match what {
                "user" => t("User already exists.", lang).to_owned(),
                "group" => t("Group already exists.", lang).to_owned(),
                other => capitalised(&format!("{other} already exists")),
            },
        )),
        AppError::NotFound => Ok((
            StatusCode::NOT_FOUND,
            t("That no longer exists; the page below is up to date.", lang).to_owned(),
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

/// The input errors of the accounts and links code (`auth`, `share`) that forms can meet. The
/// JSON API and the CLI give them in English; the pages show them in their language. `{n}`
/// stands for a number.
pub(crate) const INPUT_ERRORS: &[&str] = &[
    "usernames are 1 to 64 printable characters without surrounding spaces",
    "passwords need at least {n} characters",
    "login links last at most {n} days",
    "a label is at most {n} printable characters",
    "a photo link needs at least one photo",
    "a link password cannot be empty",
];

/// `message` in `lang` when it is one of [`INPUT_ERRORS`]; the pages' own errors are written
/// in the page's language already, and anything else stays as it is.
fn input_error(message: &str, lang: Lang) -> String {
    INPUT_ERRORS
        .iter()
        .find_map(|pattern| {
            let n = match pattern.split_once("{n}") {
                Some((before, after)) => message
                    .strip_prefix(before)?
                    .strip_suffix(after)
                    .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))?,
                None => (message == *pattern).then_some("")?,
            };
            Some(fill(lang.translate(pattern), &[("n", n)]))
        })
        .unwrap_or_else(|| message.to_owned())
}

/// `2026-12-06T14:03:00`, in the server's time zone: machine-readable, for a `<time>` element;
/// the templates show it in the page's language with `longdatetime`.
pub(crate) fn when(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(String::new, |at| {
        at.with_timezone(&chrono::Local)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    })
}

/// The absolute URL of a site path as the administrator's browser reached the site.
fn absolute(client: Client, headers: &HeaderMap, path: &str) -> String {
    crate::web::client::origin(client.https, headers)
        .map_or_else(|| path.to_owned(), |origin| format!("{origin}{path}"))
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

/// `context` with the keys of `extra` (a notice, an error, what was typed) added.
fn with_extra(mut context: Value, extra: Value) -> Value {
    if let (Some(map), Value::Object(extra)) = (context.as_object_mut(), extra) {
        map.extend(extra);
    }
    context
}

/// A page again after a failed change: `page` rendered with the error and the typed values
/// under `form`, with the error's status, in `lang`.
async fn error_page<F, Fut>(
    err: AppError,
    lang: Lang,
    form: Value,
    page: F,
) -> Result<Response, AppError>
where
    F: FnOnce(Value) -> Fut,
    Fut: std::future::Future<Output = Result<axum::response::Html<String>, AppError>>,
{
    let (status, message) = form_error(err, lang)?;
    let page = page(json!({ "error": message, "form": form })).await?;
    Ok((status, page).into_response())
}

mod access;
mod links;
mod people;

pub use access::*;
pub use links::*;
pub use people::*;
