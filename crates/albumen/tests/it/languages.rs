//! Pages in the browser's language: French for a browser that prefers it, English otherwise,
//! with dates and counts as each language writes them, and `Vary: Accept-Language` so no cache
//! hands one language's page to another.

use axum::body::Body;
use axum::http::Request;

use crate::admin_pages::Html;
use crate::common::{Reply, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

/// A GET as a browser navigating to the page, with `Accept-Language: language` (none when empty).
async fn page(t: &TestApp, path: &str, session: Option<&Session>, language: &str) -> Reply {
    let mut request = Request::builder().uri(path).header("accept", "text/html");
    if !language.is_empty() {
        request = request.header("accept-language", language);
    }
    if let Some(session) = session {
        request = request.header("cookie", &session.cookie);
    }
    t.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn pages_speak_the_browsers_language() {
    let t = TestApp::new().await;
    let exif = Exif {
        taken: Some("2013:01:19 19:12:43"),
        camera: Some("Canon EOS R5"),
        ..Exif::default()
    };
    t.add("2013_01_19_Snow in Paris/a.jpg", &jpeg(40, 30, &exif));
    t.add("2013_01_19_Snow in Paris/b.jpg", &jpeg(40, 30, &exif));
    t.scan().await;
    let admin = t.admin().await;
    let album = t.get("/api/v1/albums", Some(&admin)).await.json()[0]["id"]
        .as_i64()
        .unwrap();
    let photo = t.photo_id("a.jpg").await;
    let french = "fr-FR,fr;q=0.9,en;q=0.5";

    let index = page(&t, "/", Some(&admin), french).await;
    assert_eq!(index.status, 200);
    assert!(
        index
            .header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-language")),
        "{:?}",
        index.headers
    );
    let html = index.text();
    for expected in [
        "<html lang=\"fr\">",
        "19 janvier 2013 · 2 photos",
        "Se déconnecter",
        "Chercher un album ou une date",
        "\"Switch to dark theme\":\"Passer au thème sombre\"",
    ] {
        assert!(
            html.contains(expected),
            "{expected} not in the French index"
        );
    }
    assert!(!html.contains("Log out"));

    let photo_page = page(&t, &format!("/photos/{photo}"), Some(&admin), french)
        .await
        .text();
    for expected in [
        "19 janvier 2013 à 19:12",
        "Appareil",
        "Télécharger l’original",
        "Photo suivante",
    ] {
        assert!(
            photo_page.contains(expected),
            "{expected} not in the French photo page"
        );
    }

    // A language the gallery does not have: English.
    let german = page(
        &t,
        &format!("/albums/{album}"),
        Some(&admin),
        "de-DE,de;q=0.9",
    )
    .await
    .text();
    assert!(german.contains("<html lang=\"en\">"));
    assert!(german.contains("19 January 2013"));

    // Errors and forms too, logged out.
    let login = page(&t, "/login", None, french).await.text();
    assert!(login.contains("Nom d’utilisateur") && login.contains("Mot de passe"));
    let missing = page(&t, "/albums/999999", None, french).await;
    assert_eq!(missing.status, 404);
    let text = missing.text();
    assert!(
        text.contains("Cette page n’existe pas, ou il faut vous connecter pour la voir."),
        "{text}"
    );
    let wrong = t
        .send(
            Request::builder()
                .method("POST")
                .uri("/login")
                .header("accept-language", french)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("username=admin&password=nope"))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .text()
            .contains("Nom d’utilisateur ou mot de passe incorrect."),
        "{}",
        wrong.text()
    );
}

/// A form posted as a browser preferring `language` would, with the session's CSRF field.
async fn post_in(
    t: &TestApp,
    path: &str,
    session: &Session,
    language: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("csrf_token", &session.csrf);
    for (key, value) in fields {
        form.append_pair(key, value);
    }
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header("host", "photos.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("accept-language", language)
        .header("cookie", &session.cookie);
    t.send(request.body(Body::from(form.finish())).unwrap())
        .await
}

#[tokio::test]
async fn admin_pages_speak_the_browsers_language() {
    let w = crate::admin_access::world().await;
    let (t, admin) = (&w.t, &w.admin);
    let family = w.album("Family");
    let bob = t
        .repo()
        .user_credentials("bob")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let french = "fr-FR,fr;q=0.9,en;q=0.5";
    // Each page: French it must show, and the English it must not (none of it data, a CSS
    // class or a key of the scripts' messages, which every page carries).
    let album = format!("/admin/access/albums/{family}?why={bob}");
    let pages: [(&str, &[&str], &[&str]); 6] = [
        (
            "/admin",
            &[
                "<html lang=\"fr\">",
                "Vue d’ensemble</a>",
                "1</span> lien de partage actif sur 1",
                "Créer des comptes, réinitialiser des mots de passe",
            ],
            &["Overview", "live share link", "Create accounts"],
        ),
        (
            "/admin/people",
            &[
                "<h1>Personnes</h1>",
                "Nouvel utilisateur",
                "Enregistrer les droits",
                "Valable <input",
                "data-label=\"Droits\"",
            ],
            &["New user", "Save permissions", "Valid for", "Create group"],
        ),
        (
            "/admin/links",
            &[
                "<h1>Liens de partage</h1>",
                "Linked et ses sous-albums",
                ">actif</span>",
                "créé le ",
                "Expire après <input",
                "placeholder=\"Pour la famille\"",
            ],
            &[
                "New link to an album",
                "and its sub-albums",
                "made ",
                "For the family",
            ],
        ),
        (
            "/admin/access",
            &[
                "Qui peut voir chaque album, et pourquoi.",
                " <b>admin</b> voit tout (administrateurs et « voit tout »).",
                "Règle propre : public, tout le monde peut le voir.",
                "Règle propre : groupe family.",
                "Rien n’est hérité de Trips/Alps : chaque album a sa propre règle.",
                "Visible aussi par <b>ann</b> <span class=\"admin-muted\">(dans family)</span>",
                ">non répertorié</span>",
                "1 lien</span>",
                "Voir la galerie comme…",
            ],
            &[
                "Who can see each album",
                "Own policy",
                "Also visible to",
                "Nothing is inherited",
            ],
        ),
        (
            &album,
            &[
                "<h1>Accès à Family</h1>",
                "<b>bob</b> : invisible — la règle de l’album n’est pas publique et ne nomme ni \
                 l’utilisateur ni ses groupes.",
                "vue par <b>tout le monde</b>",
                ">règle propre : publique<",
                ">suit l’album<",
                "Enregistrer la règle de l’album",
            ],
            &[
                "Access to",
                "seen by",
                "own policy",
                "Save album policy",
                "Explain",
            ],
        ),
        (
            "/admin/scan",
            &[
                "<h1>Analyse</h1>",
                "Analyser maintenant",
                "Au repos",
                "File des aperçus",
                "\"Copied.\":\"Copié.\"",
            ],
            &["Scan now", "Library scan", "Preview queue", ">Idle<"],
        ),
    ];
    for (path, said, unsaid) in pages {
        let reply = page(t, path, Some(admin), french).await;
        assert_eq!(reply.status, 200, "{path}");
        let html = reply.html();
        for expected in said {
            assert!(html.contains(expected), "{path}: {expected:?} in {html}");
        }
        for english in unsaid {
            assert!(!html.contains(english), "{path}: {english:?} in {html}");
        }
        // Without the header, as before: English.
        let html = page(t, path, Some(admin), "").await.html();
        assert!(html.contains("<html lang=\"en\">"), "{path}");
        for english in unsaid.iter().filter(|e| !e.starts_with('>')) {
            assert!(html.contains(english), "{path}: {english:?} in {html}");
        }
    }

    // A change's notice, and a form's error, in the language of the browser that posted it.
    let reply = post_in(t, "/admin/groups", admin, french, &[("name", "cousins")]).await;
    assert_eq!(reply.status, 303, "{}", reply.html());
    let location = reply.header("location").unwrap().to_owned();
    let html = page(t, &location, Some(admin), french).await.html();
    assert!(html.contains(">Groupe créé.</p>"), "{html}");
    let fields = [("username", "zoé"), ("password", "short")];
    let reply = post_in(t, "/admin/users", admin, french, &fields).await;
    assert_eq!(reply.status, 400);
    assert!(
        reply
            .html()
            .contains("role=\"alert\">Les mots de passe comptent au moins 8 caractères."),
        "{}",
        reply.html()
    );

    // The view-as banner: one sentence with the name in bold, and its button.
    let ann = t
        .repo()
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let target = format!("u{ann}");
    let reply = post_in(t, "/admin/view-as", admin, french, &[("target", &target)]).await;
    assert_eq!(reply.status, 303, "{}", reply.html());
    let pair = reply
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let as_ann = Session {
        cookie: format!("{}; {pair}", admin.cookie),
        csrf: admin.csrf.clone(),
    };
    let html = page(t, "/", Some(&as_ann), french).await.html();
    assert!(
        html.contains(
            "Vue en tant que <b>ann</b> : la galerie telle que cette personne la voit ; rien ne \
             peut être modifié."
        ),
        "{html}"
    );
    assert!(html.contains(">Arrêter</button>"), "{html}");
    let html = page(t, "/", Some(&as_ann), "").await.html();
    assert!(
        html.contains("Viewing as <b>ann</b>: the gallery as they see it; nothing can be changed."),
        "{html}"
    );
}
