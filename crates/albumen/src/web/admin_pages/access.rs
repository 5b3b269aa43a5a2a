//! Access: the library's folder tree with who may see each album and why, and forms that set
//! or remove album policies (one album, a selection, whole sub-trees) and photos' own policies.
//!
//! What the page says is what the authorization check does: each album's reasons come from its
//! own policy facts and `access::explain` over every enabled account's subject. Albums do not
//! inherit a parent folder's policy in this engine; the only things that reach down a tree are
//! share links made "with sub-albums", and the page names them on every album they open.

use albumen_core::access::{
    self, Action, AlbumFacts, AlbumPolicy, Decision, Policy, Rule, Subject, Target,
};
use albumen_core::model::User;
use albumen_db::Group;

use super::*;
use crate::web::policy::MAX_BULK;

/// Enabled accounts with the subject their session would have, every group, and the page's
/// language for what is said about them.
struct People {
    users: Vec<(User, Subject)>,
    groups: Vec<Group>,
    lang: Lang,
}

impl People {
    async fn load(admin: &Admin, lang: Lang) -> Result<Self, AppError> {
        let mut users = Vec::new();
        for user in admin.repo().list_users().await? {
            if !user.disabled {
                let subject = auth::subject_of(admin.repo(), &user).await?;
                users.push((user, subject));
            }
        }
        let groups = admin.repo().list_groups().await?;
        Ok(Self {
            users,
            groups,
            lang,
        })
    }

    fn user_name(&self, id: UserId) -> String {
        self.users.iter().find(|(u, _)| u.id == id).map_or_else(
            || {
                fill(
                    t("user {id} (disabled)", self.lang),
                    &[("id", &id.to_string())],
                )
            },
            |(u, _)| u.username.clone(),
        )
    }

    fn group_name(&self, id: GroupId) -> String {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map_or_else(|| id.to_string(), |g| g.name.clone())
    }

    /// Who a policy names, as "alice, bob and the group Family".
    fn named(&self, policy: &Policy) -> Vec<String> {
        let users = policy.users.iter().map(|id| self.user_name(*id));
        let groups = policy.groups.iter().map(|id| {
            fill(
                t("group {name}", self.lang),
                &[("name", &self.group_name(*id))],
            )
        });
        users.chain(groups).collect()
    }

    /// Accounts that see everything (administrators and "can see all").
    fn sees_all(&self) -> Vec<&str> {
        self.users
            .iter()
            .filter(|(u, _)| u.permissions.sees_all())
            .map(|(u, _)| u.username.as_str())
            .collect()
    }

    /// The other accounts `decide` lets view `target`, each with the rule that let them in.
    fn admitted(&self, target: Target<'_>) -> Vec<Value> {
        self.users
            .iter()
            .filter(|(u, _)| !u.permissions.sees_all())
            .filter_map(|(u, subject)| {
                let why = access::explain(subject, Action::View, target);
                (why.decision == Decision::Allow)
                    .then(|| json!({ "name": u.username, "why": self.rule_words(&why.rule) }))
            })
            .collect()
    }

    /// Why a rule lets someone in, in a few words.
    fn rule_words(&self, rule: &Rule) -> String {
        let lang = self.lang;
        match rule {
            Rule::AlbumPublic | Rule::PhotoOwnPublic => t("public", lang).to_owned(),
            Rule::AlbumListsUser | Rule::PhotoOwnListsUser => t("named", lang).to_owned(),
            Rule::AlbumListsGroup(g) | Rule::PhotoOwnListsGroup(g) => {
                fill(t("in {group}", lang), &[("group", &self.group_name(*g))])
            }
            Rule::PhotoInheritsAlbum(album) => fill(
                t("{words}, from the album", lang),
                &[("words", &self.rule_words(album))],
            ),
            other => self.rule_sentence(other),
        }
    }

    /// The rule that decided, as a sentence, groups by name: in English the rule's own words
    /// (its `Display`, which the CLI and the API print), in the page's language here.
    fn rule_sentence(&self, rule: &Rule) -> String {
        let lang = self.lang;
        let group = |g: &GroupId| self.group_name(*g);
        let link = |id: &Option<ShareId>| match id {
            Some(id) => fill(t("share link {id}", lang), &[("id", &id.to_string())]),
            None => t("a share link", lang).to_owned(),
        };
        match rule {
            Rule::SeesAll => t("the user can see all photos", lang).to_owned(),
            Rule::AlbumPublic => t("album policy is public", lang).to_owned(),
            Rule::AlbumListsUser => t("album policy lists the user", lang).to_owned(),
            Rule::AlbumListsGroup(g) => fill(
                t("album policy lists group {group}", lang),
                &[("group", &group(g))],
            ),
            Rule::AlbumNoPolicy => t("album has no policy (private)", lang).to_owned(),
            Rule::AlbumPolicyExcludes => t(
                "album policy is not public and lists neither the user nor their groups",
                lang,
            )
            .to_owned(),
            Rule::AlbumUnlisted => t(
                "album is unlisted: a public policy opens it to link holders only, and the policy names neither the user nor their groups",
                lang,
            )
            .to_owned(),
            Rule::PhotoOwnPublic => t("photo's own policy is public", lang).to_owned(),
            Rule::PhotoOwnListsUser => t("photo's own policy lists the user", lang).to_owned(),
            Rule::PhotoOwnListsGroup(g) => fill(
                t("photo's own policy lists group {group}", lang),
                &[("group", &group(g))],
            ),
            Rule::PhotoOwnPolicyExcludes => t(
                "photo's own policy (which overrides the album's) is not public and lists neither the user nor their groups",
                lang,
            )
            .to_owned(),
            Rule::PhotoInheritsAlbum(album) => fill(
                t("{rule}, photo inherits", lang),
                &[("rule", &self.rule_sentence(album))],
            ),
            Rule::AlbumDoesNotInherit => t(
                "photo has no policy of its own and its album's policy does not pass to photos",
                lang,
            )
            .to_owned(),
            Rule::ShareLink(id) => fill(t("{link} allows it", lang), &[("link", &link(id))]),
            Rule::ShareWithholds(id, policy) => fill(
                t("{link} shows it but does not allow this; {rule}", lang),
                &[("link", &link(id)), ("rule", &self.rule_sentence(policy))],
            ),
        }
    }

    /// The enabled accounts other than `me`, for "view as" and "why can … see this?".
    fn others(&self, me: UserId) -> Vec<Value> {
        self.users
            .iter()
            .filter(|(u, _)| u.id != me)
            .map(|(u, _)| json!({ "id": u.id, "name": u.username }))
            .collect()
    }

    /// The choices of a policy form: every enabled user and every group, ticked when `policy`
    /// names them.
    fn choices(&self, policy: Option<&Policy>) -> Value {
        let users: Vec<Value> = self
            .users
            .iter()
            .filter(|(u, _)| !u.permissions.sees_all())
            .map(|(u, _)| {
                let on = policy.is_some_and(|p| p.users.contains(&u.id));
                json!({ "id": u.id, "name": u.username, "checked": on })
            })
            .collect();
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                let on = policy.is_some_and(|p| p.groups.contains(&g.id));
                json!({ "id": g.id, "name": g.name, "checked": on })
            })
            .collect();
        json!({
            "users": users,
            "groups": groups,
            "public": policy.is_some_and(|p| p.public),
        })
    }
}

/// The badges of an album: `public` (anonymous visitors get in), `shared` (its policy names
/// someone), `private` (neither), `unlisted`; the live-link count is shown apart.
fn badges(facts: &AlbumFacts) -> Vec<&'static str> {
    let anonymous = access::decide(&Subject::anonymous(), Action::View, Target::Album(facts));
    let public = anonymous == Decision::Allow;
    let shared = facts
        .policy
        .as_ref()
        .is_some_and(|p| !p.policy.users.is_empty() || !p.policy.groups.is_empty());
    let mut out = Vec::new();
    if public {
        out.push("public");
    }
    if shared {
        out.push("shared");
    }
    if !public && !shared {
        out.push("private");
    }
    if facts.unlisted {
        out.push("unlisted");
    }
    out
}

/// Why the album is open to whom, sentence by sentence, from its own facts only.
fn reasons(people: &People, facts: &AlbumFacts) -> Vec<String> {
    let lang = people.lang;
    let Some(AlbumPolicy { policy, inherit }) = &facts.policy else {
        return vec![
            t(
                "No policy: private to those who see everything and to link holders.",
                lang,
            )
            .to_owned(),
        ];
    };
    let named = people.named(policy).join(", ");
    let mut out = Vec::new();
    out.push(match (policy.public, facts.unlisted, named.is_empty()) {
        (true, false, _) => t("Own policy: public, everyone may see it.", lang).to_owned(),
        (true, true, true) => t(
            "Own policy: public, but the album is unlisted, so only link holders get in.",
            lang,
        )
        .to_owned(),
        (true, true, false) => fill(
            t(
                "Own policy: public, but the album is unlisted, so only {names} and link holders get in.",
                lang,
            ),
            &[("names", &named)],
        ),
        (false, _, true) => t("Own policy: names nobody, so it is private.", lang).to_owned(),
        (false, _, false) => fill(t("Own policy: {names}.", lang), &[("names", &named)]),
    });
    out.push(
        if *inherit {
            t(
                "Its photos follow it, unless a photo has a policy of its own.",
                lang,
            )
        } else {
            t(
                "Its photos do not follow it: only photos with a policy of their own are visible.",
                lang,
            )
        }
        .to_owned(),
    );
    out
}

/// One album of the tree as the page shows it.
struct Node {
    id: AlbumId,
    path: String,
    facts: AlbumFacts,
    photos: i64,
    /// Live links made to this album.
    links: usize,
    /// Paths of the albums above whose live links "with sub-albums" also open this one.
    via: Vec<String>,
    parent: Option<AlbumId>,
}

/// The nearest present album above `path`, if any.
fn parent_in(path: &str, ids: &BTreeMap<&str, AlbumId>) -> Option<AlbumId> {
    let mut above = path;
    while let Some((up, _)) = above.rsplit_once('/') {
        if let Some(id) = ids.get(up) {
            return Some(*id);
        }
        above = up;
    }
    None
}

/// Every present album with its facts, counts, links and parent.
async fn nodes(admin: &Admin, viewer: &Viewer) -> Result<Vec<Node>, AppError> {
    let mut albums: Vec<_> = admin
        .repo()
        .catalog_albums()
        .await?
        .into_iter()
        .filter(|a| !a.missing)
        .collect();
    albums.sort_by(|a, b| a.path.cmp(&b.path));
    let ids: BTreeMap<&str, AlbumId> = albums.iter().map(|a| (a.path.as_str(), a.id)).collect();
    let paths: BTreeMap<AlbumId, &str> = albums.iter().map(|a| (a.id, a.path.as_str())).collect();
    // An administrator's gallery sees every album holding photos, with all of them counted.
    let counts: BTreeMap<AlbumId, i64> = viewer
        .gallery()?
        .albums()
        .await?
        .into_iter()
        .map(|a| (a.id, a.photo_count))
        .collect();
    let now = unix_now();
    let mut links: BTreeMap<AlbumId, usize> = BTreeMap::new();
    let mut sub_links: BTreeSet<AlbumId> = BTreeSet::new();
    for link in admin.repo().list_shares().await? {
        if let (
            true,
            ShareTarget::Album {
                id,
                include_sub_albums,
            },
        ) = (link.is_live(now), link.target)
        {
            *links.entry(id).or_default() += 1;
            if include_sub_albums {
                sub_links.insert(id);
            }
        }
    }
    let mut facts: BTreeMap<AlbumId, AlbumFacts> = admin
        .repo()
        .all_album_facts()
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let mut out = Vec::with_capacity(albums.len());
    for album in &albums {
        let Some(facts) = facts.remove(&album.id) else {
            continue;
        };
        let mut via = Vec::new();
        let mut up = parent_in(&album.path, &ids);
        while let Some(above) = up {
            let path = paths.get(&above).copied();
            if let (true, Some(path)) = (sub_links.contains(&above), path) {
                via.push(path.to_owned());
            }
            up = path.and_then(|p| parent_in(p, &ids));
        }
        out.push(Node {
            id: album.id,
            path: album.path.clone(),
            facts,
            photos: counts.get(&album.id).copied().unwrap_or(0),
            links: links.get(&album.id).copied().unwrap_or(0),
            via,
            parent: parent_in(&album.path, &ids),
        });
    }
    Ok(out)
}

/// What a node shows, without its children.
fn node_json(people: &People, node: &Node, parent: Option<&Node>) -> Value {
    let name = node.path.rsplit('/').next().unwrap_or(&node.path);
    let mut why = reasons(people, &node.facts);
    let lang = people.lang;
    if let Some(parent) = parent.filter(|p| p.facts.policy.is_some() && p.facts != node.facts) {
        why.push(fill(
            t(
                "Nothing is inherited from {path}: each album has its own policy.",
                lang,
            ),
            &[("path", &parent.path)],
        ));
    }
    for path in &node.via {
        why.push(fill(
            t(
                "Also open to holders of a link to {path} with its sub-albums.",
                lang,
            ),
            &[("path", path)],
        ));
    }
    json!({
        "id": node.id,
        "name": name,
        "path": node.path,
        "photos": node.photos,
        "badges": badges(&node.facts),
        "links": node.links,
        "reasons": why,
        "who": people.admitted(Target::Album(&node.facts)),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct TreeQuery {
    done: Option<String>,
    /// Shows only albums whose path contains this (and the albums above them).
    q: Option<String>,
}

/// The tree's albums by parent (`None`: the top), in path order.
type Children<'a> = BTreeMap<Option<AlbumId>, Vec<&'a Node>>;

/// The albums under `parent` (the top when `None`) as nested JSON; `keep` filters.
fn subtree(
    people: &People,
    children: &Children<'_>,
    parent: Option<&Node>,
    keep: &BTreeSet<AlbumId>,
    open: bool,
) -> Vec<Value> {
    children
        .get(&parent.map(|p| p.id))
        .into_iter()
        .flatten()
        .filter(|n| keep.contains(&n.id))
        .map(|n| {
            let mut value = node_json(people, n, parent);
            let below = subtree(people, children, Some(n), keep, open);
            if let Some(map) = value.as_object_mut() {
                // Large libraries start folded below the top level; a filter opens its matches.
                map.insert("open".into(), json!(open || parent.is_none()));
                map.insert("children".into(), json!(below));
            }
            value
        })
        .collect()
}

/// Albums at most a library this size starts unfolded.
const UNFOLDED: usize = 40;

async fn tree_page(
    admin: &Admin,
    state: &AppState,
    viewer: &Viewer,
    query: &TreeQuery,
    extra: Value,
) -> Result<axum::response::Html<String>, AppError> {
    let people = People::load(admin, viewer.lang).await?;
    let nodes = nodes(admin, viewer).await?;
    let filter = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let parents: BTreeMap<AlbumId, Option<AlbumId>> =
        nodes.iter().map(|n| (n.id, n.parent)).collect();
    let mut keep: BTreeSet<AlbumId> = BTreeSet::new();
    for node in &nodes {
        if filter
            .as_ref()
            .is_none_or(|q| node.path.to_lowercase().contains(q.as_str()))
        {
            let mut at = Some(node.id);
            while let Some(id) = at.filter(|id| keep.insert(*id)) {
                at = parents.get(&id).copied().flatten();
            }
        }
    }
    let mut children: Children<'_> = BTreeMap::new();
    for node in &nodes {
        children.entry(node.parent).or_default().push(node);
    }
    let open = filter.is_some() || nodes.len() <= UNFOLDED;
    let tree = subtree(&people, &children, None, &keep, open);
    let now = unix_now();
    let links: Vec<Value> = admin
        .repo()
        .list_shares()
        .await?
        .into_iter()
        .filter(|l| l.is_live(now))
        .map(|l| {
            let label = if l.label.is_empty() {
                fill(t("link {id}", viewer.lang), &[("id", &l.id.to_string())])
            } else {
                l.label.clone()
            };
            json!({ "id": l.id, "label": label })
        })
        .collect();
    let context = json!({
        "section": "access",
        "form": {},
        "tree": tree,
        "albums": nodes.len(),
        "shown": keep.len(),
        "q": query.q.as_deref().unwrap_or_default(),
        "sees_all": people.sees_all(),
        "choices": people.choices(None),
        "view_as_users": people.others(admin.user.id),
        "view_as_links": links,
    });
    render(
        state,
        viewer,
        "admin/access.html",
        with_extra(context, extra),
    )
}

/// `GET /admin/access[?q=]`: the folder tree with each album's access, and the policy form.
pub async fn access_page(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<TreeQuery>,
) -> Result<Response, AppError> {
    let extra = json!({ "notice": notice(query.done.as_deref()) });
    Ok(tree_page(&admin, &state, &viewer, &query, extra)
        .await?
        .into_response())
}

/// A policy form's choice: set the policy the form describes, or remove it.
fn wants_set(f: &Fields, lang: Lang) -> Result<bool, AppError> {
    match f.text("action") {
        "set" => Ok(true),
        "remove" => Ok(false),
        _ => Err(AppError::BadRequest(
            t("choose to set or to remove a policy", lang).to_owned(),
        )),
    }
}

/// The policy a form describes: `public`, `users`, `groups`.
fn form_policy(f: &Fields, lang: Lang) -> Result<Policy, AppError> {
    Ok(Policy {
        public: f.checked("public"),
        users: f.user_ids("users", lang)?.into_iter().collect(),
        groups: f
            .ids("groups", t("{value} is not a group", lang))?
            .into_iter()
            .collect(),
    })
}

/// At least one and at most [`MAX_BULK`] ids; `none` and `too_many` (with `{n}`) say otherwise.
fn bounded<T>(ids: &BTreeSet<T>, none: &str, too_many: &str) -> Result<(), AppError> {
    if ids.is_empty() {
        return Err(AppError::BadRequest(none.to_owned()));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::BadRequest(fill(
            too_many,
            &[("n", &MAX_BULK.to_string())],
        )));
    }
    Ok(())
}

/// What a policy form typed, to show it again after an error.
fn typed(f: &Fields) -> Value {
    json!({
        "albums": f.all("albums"),
        "photos": f.all("photos"),
        "scope": f.text("scope"),
        "action": f.text("action"),
        "public": f.checked("public"),
        "inherit": f.checked("inherit"),
        "users": f.all("users"),
        "groups": f.all("groups"),
    })
}

/// `POST /admin/access/albums`: `albums` (ticked ids), `scope` (`selected`, or `subtree` for
/// them and every album below), `action` (`set` or `remove`), and the policy (`public`,
/// `inherit`, `users`, `groups`). One bulk change, all or nothing: an unknown album, user or
/// group changes no policy. `from` (an album id) answers back to that album's access page.
pub async fn set_album_access(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let lang = viewer.lang;
    let result = async {
        let set = wants_set(&f, lang)?;
        let mut ids: BTreeSet<AlbumId> = f
            .ids("albums", t("{value} is not an album", lang))?
            .into_iter()
            .collect();
        match f.text("scope") {
            "selected" | "" => {}
            "subtree" => {
                for id in ids.clone() {
                    ids.extend(admin.repo().album_subtree(id).await?);
                }
            }
            _ => return Err(AppError::BadRequest(t("unknown scope", lang).to_owned())),
        }
        bounded(
            &ids,
            t("tick at least one album", lang),
            t("at most {n} albums at once", lang),
        )?;
        let ids: Vec<AlbumId> = ids.into_iter().collect();
        if set {
            let policy = AlbumPolicy {
                policy: form_policy(&f, lang)?,
                inherit: f.checked("inherit"),
            };
            admin
                .repo()
                .set_album_policies(&ids, &policy, unix_now())
                .await?;
        } else {
            admin.repo().delete_album_policies(&ids).await?;
        }
        Ok::<_, AppError>(set)
    }
    .await;
    let done = |set| {
        if set {
            "album-policies-set"
        } else {
            "album-policies-removed"
        }
    };
    let from = parse_id::<AlbumId>(f.text("from")).ok();
    match (result, from) {
        (Ok(set), Some(album)) => {
            see_other(&format!("/admin/access/albums/{album}?done={}", done(set)))
        }
        (Ok(set), None) => see_other(&format!("/admin/access?done={}", done(set))),
        (Err(err), Some(album)) => {
            error_page(err, lang, typed(&f), |extra| {
                album_access(&admin, &state, &viewer, album, None, extra)
            })
            .await
        }
        (Err(err), None) => {
            let query = TreeQuery::default();
            error_page(err, lang, typed(&f), |extra| {
                tree_page(&admin, &state, &viewer, &query, extra)
            })
            .await
        }
    }
}

/// One photo's own policy, in words.
fn photo_policy_words(people: &People, own: Option<&Policy>, unlisted: bool) -> String {
    let lang = people.lang;
    match own {
        None => t("inherits", lang).to_owned(),
        Some(p) if p.public && !unlisted => t("own policy: public", lang).to_owned(),
        Some(p) => {
            let named = people.named(p);
            if named.is_empty() {
                t("own policy: nobody", lang).to_owned()
            } else {
                fill(
                    t("own policy: {names}", lang),
                    &[("names", &named.join(", "))],
                )
            }
        }
    }
}

/// The access page of one album: its policy (editable) and its photos with their own.
async fn album_access(
    admin: &Admin,
    state: &AppState,
    viewer: &Viewer,
    id: AlbumId,
    explain_for: Option<UserId>,
    extra: Value,
) -> Result<axum::response::Html<String>, AppError> {
    let people = People::load(admin, viewer.lang).await?;
    // "Why can … see this?": the subject of the chosen account, as its session would have it.
    let asked = explain_for.and_then(|user| people.users.iter().find(|(u, _)| u.id == user));
    let why = |target: Target<'_>| {
        asked.map(|(user, subject)| {
            let found = access::explain(subject, Action::View, target);
            json!({
                "name": user.username,
                "verdict": found.verdict(),
                "rule": people.rule_sentence(&found.rule),
            })
        })
    };
    let facts = admin
        .repo()
        .album_facts(id)
        .await?
        .ok_or(AppError::NotFound)?;
    // An administrator's gallery sees every photo.
    let page = viewer.gallery()?.album_page(id).await?;
    let mut photos = Vec::with_capacity(page.photos.len());
    for entry in &page.photos {
        let Some(photo) = admin.repo().photo_facts(entry.id).await? else {
            continue;
        };
        photos.push(json!({
            "id": entry.id,
            "filename": entry.filename,
            "v": preview_version(state, &entry.fingerprint, "thumb"),
            "own": photo.policy.is_some(),
            "policy": photo_policy_words(&people, photo.policy.as_ref(), facts.unlisted),
            "who": people.admitted(Target::Photo(&photo)),
            "public": access::decide(&Subject::anonymous(), Action::View, Target::Photo(&photo))
                == Decision::Allow,
            "why": why(Target::Photo(&photo)),
        }));
    }
    let now = unix_now();
    let links = admin
        .repo()
        .list_shares()
        .await?
        .iter()
        .filter(|l| l.is_live(now))
        .filter(|l| matches!(l.target, ShareTarget::Album { id: a, .. } if a == id))
        .count();
    let policy = facts.policy.as_ref();
    let context = json!({
        "section": "access",
        "form": {},
        "album": {
            "id": id,
            "name": page.album.name,
            "path": page.album.path,
            "badges": badges(&facts),
            "links": links,
            "reasons": reasons(&people, &facts),
            "who": people.admitted(Target::Album(&facts)),
            "has_policy": policy.is_some(),
            "inherit": policy.is_none_or(|p| p.inherit),
        },
        "photos": photos,
        "why": why(Target::Album(&facts)),
        "explain_users": people.others(admin.user.id),
        "explain_for": explain_for,
        "sees_all": people.sees_all(),
        "choices": people.choices(policy.map(|p| &p.policy)),
        "photo_choices": people.choices(None),
    });
    render(
        state,
        viewer,
        "admin/access_album.html",
        with_extra(context, extra),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct AlbumQuery {
    done: Option<String>,
    /// "Why can … see this?": the user whose access to the album and its photos is explained.
    why: Option<String>,
}

/// `GET /admin/access/albums/{id}[?why={user id}]`: one album's policy and its photos' own
/// policies; with `why`, the rule that decides for that user on the album and each photo.
pub async fn album_access_page(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<AlbumId>,
    Query(query): Query<AlbumQuery>,
) -> Result<Response, AppError> {
    let extra = json!({ "notice": notice(query.done.as_deref()) });
    let why = query.why.as_deref().and_then(|raw| parse_id(raw).ok());
    Ok(album_access(&admin, &state, &viewer, id, why, extra)
        .await?
        .into_response())
}

/// `POST /admin/access/albums/{id}/photos`: `photos` (ticked ids, all of this album), `action`
/// (`set` their own policy, or `remove` it so they follow the album), and the policy (`public`,
/// `users`, `groups`). One bulk change, all or nothing.
pub async fn set_photo_access(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(album): PathId<AlbumId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let lang = viewer.lang;
    let result = async {
        let set = wants_set(&f, lang)?;
        let ids: BTreeSet<PhotoId> = f
            .ids("photos", t("{value} is not a photo", lang))?
            .into_iter()
            .collect();
        bounded(
            &ids,
            t("tick at least one photo", lang),
            t("at most {n} photos at once", lang),
        )?;
        let (_, in_album) = viewer.gallery()?.album(album).await?;
        let in_album: BTreeSet<PhotoId> = in_album.iter().map(|p| p.id).collect();
        if !ids.is_subset(&in_album) {
            return Err(AppError::BadRequest(
                t("some of the photos are not in this album", lang).to_owned(),
            ));
        }
        let ids: Vec<PhotoId> = ids.into_iter().collect();
        if set {
            admin
                .repo()
                .set_photo_policies(&ids, &form_policy(&f, lang)?, unix_now())
                .await?;
        } else {
            admin.repo().delete_photo_policies(&ids).await?;
        }
        Ok::<_, AppError>(set)
    }
    .await;
    match result {
        Ok(set) => see_other(&format!(
            "/admin/access/albums/{album}?done={}",
            if set {
                "photo-policies-set"
            } else {
                "photo-policies-removed"
            }
        )),
        Err(err) => {
            error_page(err, lang, typed(&f), |extra| {
                album_access(&admin, &state, &viewer, album, None, extra)
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use albumen_core::ShareId;

    use super::*;

    /// In English, the page words a rule as the CLI and the API do (its `Display`).
    #[test]
    fn english_rules_read_as_their_display() {
        let people = People {
            users: Vec::new(),
            groups: Vec::new(),
            lang: Lang::En,
        };
        let rules = [
            Rule::SeesAll,
            Rule::AlbumPublic,
            Rule::AlbumListsUser,
            Rule::AlbumNoPolicy,
            Rule::AlbumPolicyExcludes,
            Rule::AlbumUnlisted,
            Rule::PhotoOwnPublic,
            Rule::PhotoOwnListsUser,
            Rule::PhotoOwnPolicyExcludes,
            Rule::PhotoInheritsAlbum(Box::new(Rule::AlbumPublic)),
            Rule::AlbumDoesNotInherit,
            Rule::ShareLink(Some(ShareId::new(4))),
            Rule::ShareLink(None),
            Rule::ShareWithholds(Some(ShareId::new(4)), Box::new(Rule::AlbumNoPolicy)),
            Rule::ShareWithholds(None, Box::new(Rule::AlbumDoesNotInherit)),
        ];
        for rule in rules {
            assert_eq!(people.rule_sentence(&rule), rule.to_string());
        }
        let group = Rule::AlbumListsGroup(GroupId::new(7));
        assert_eq!(people.rule_sentence(&group), group.to_string());
    }
}
