//! People: accounts, permissions, passwords, login links and groups.

use super::*;

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
    let context = json!({
        "section": "people",
        "form": {},
        "users": users,
        "groups": groups,
        "default_days": auth::login_link::DEFAULT_DAYS,
        "max_days": auth::login_link::MAX_DAYS,
        "min_password": auth::MIN_PASSWORD_LEN,
    });
    let context = with_extra(context, extra);
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
    error_page(err, viewer.lang, form, |extra| {
        people(admin, state, viewer, extra)
    })
    .await
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

/// Disables, enables or sets the permissions of another account: changing one's own from
/// this page could lock the last administrator out. `refusal` says so, in the page's language.
async fn update_other(
    admin: &Admin,
    id: UserId,
    refusal: &str,
    disabled: Option<bool>,
    permissions: Option<Permissions>,
) -> Result<(), AppError> {
    if admin.user.id == id {
        return Err(AppError::BadRequest(refusal.to_owned()));
    }
    auth::update_user(admin.repo(), id, disabled, None, permissions).await?;
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
    let refusal = t(
        "you cannot disable your own account here (use `albumen user` on the server)",
        viewer.lang,
    );
    match update_other(&admin, id, refusal, Some(disabled), None).await {
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
    let permissions = Some(f.permissions());
    let refusal = t(
        "you cannot change the permissions of your own account here (use `albumen user` on the server)",
        viewer.lang,
    );
    match update_other(&admin, id, refusal, None, permissions).await {
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
                AppError::BadRequest(fill(
                    t("a login link lasts 1 to {n} days", viewer.lang),
                    &[("n", &auth::login_link::MAX_DAYS.to_string())],
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
    let url = absolute(client, &headers, &link.path());
    let extra = json!({
        "login_link": {
            "qr": crate::web::qr::svg(
                &url,
                &fill(
                    t("QR code of the login link for {name}", viewer.lang),
                    &[("name", &username)],
                ),
            ),
            "url": url,
            "username": username,
            "expires": when(link.expires_at),
            "single_use": single_use,
        }
    });
    let page = people(&admin, &state, &viewer, extra).await?;
    Ok(secret_page(StatusCode::OK, page))
}

fn group_name(raw: &str, lang: Lang) -> Result<&str, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            t("group names are 1 to 64 printable characters", lang).to_owned(),
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
        let name = group_name(f.text("name"), viewer.lang)?;
        let members = f.user_ids("members", viewer.lang)?;
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
        let members = f.user_ids("members", viewer.lang)?;
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
