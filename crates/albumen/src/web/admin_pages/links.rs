//! Share links: every link with its state, making one for an album or picked photos, revoking.

use super::*;

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
    let lang = viewer.lang;
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
                    let name = album_paths.get(id).map_or_else(
                        || fill(t("album {id} (gone)", lang), &[("id", &id.to_string())]),
                        |p| (*p).to_owned(),
                    );
                    let name = if *include_sub_albums {
                        fill(t("{name} and its sub-albums", lang), &[("name", &name)])
                    } else {
                        name
                    };
                    (name, Some(id.get()))
                }
                ShareTarget::Photos(ids) => (tn("{n} photo", "{n} photos", ids.len(), lang), None),
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
    let context = json!({
        "section": "links",
        "form": {},
        "links": rows,
        "albums": album_options,
    });
    let context = with_extra(context, extra);
    render(state, viewer, "admin/links.html", context)
}

async fn links_error(
    admin: &Admin,
    state: &AppState,
    viewer: &Viewer,
    err: AppError,
    form: Value,
) -> Result<Response, AppError> {
    error_page(err, viewer.lang, form, |extra| {
        links(admin, state, viewer, extra)
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct LinksQuery {
    done: Option<String>,
    /// The album the new-link form starts with (the access page's "Create link").
    album: Option<String>,
}

/// `GET /admin/links[?album={id}]`
pub async fn links_page(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<LinksQuery>,
) -> Result<Response, AppError> {
    let extra = json!({
        "notice": notice(query.done.as_deref()),
        "form": { "album": query.album.unwrap_or_default() },
    });
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
    let lang = viewer.lang;
    let result = async {
        let album: AlbumId = parse_id(f.text("album"))
            .map_err(|_| AppError::BadRequest(t("choose an album", lang).to_owned()))?;
        let target = if selection {
            let photos = f
                .all("photos")
                .into_iter()
                .map(|raw| {
                    parse_id::<PhotoId>(raw).map_err(|_| {
                        let raw = format!("{raw:?}");
                        AppError::BadRequest(fill(
                            t("{value} is not a photo", lang),
                            &[("value", &raw)],
                        ))
                    })
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
                        t(
                            "expiry is a number of days from 1 to 3650, or empty for never",
                            lang,
                        )
                        .to_owned(),
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
                    let (status, message) = form_error(err, lang)?;
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
            f.user_ids("members", Lang::En).unwrap_or_default(),
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

    #[test]
    fn placeholders_are_filled_once() {
        let text = fill(
            "{name} and {other}, {unknown}",
            &[("name", "{other}"), ("other", "b")],
        );
        assert_eq!(text, "{other} and b, {unknown}");
    }

    #[test]
    fn input_errors_speak_the_pages_language() {
        assert_eq!(
            input_error("passwords need at least 8 characters", Lang::Fr),
            "les mots de passe comptent au moins 8 caractères"
        );
        assert_eq!(
            input_error("a link password cannot be empty", Lang::En),
            "a link password cannot be empty"
        );
        let unknown = "passwords need at least many characters";
        assert_eq!(input_error(unknown, Lang::Fr), unknown);
    }
}
