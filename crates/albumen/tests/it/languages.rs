//! Pages in the browser's language: French for a browser that prefers it, English otherwise,
//! with dates and counts as each language writes them, and `Vary: Accept-Language` so no cache
//! hands one language's page to another.

use axum::body::Body;
use axum::http::Request;

use crate::common::{Reply, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

async fn page(t: &TestApp, path: &str, session: Option<&Session>, language: &str) -> Reply {
    let mut request = Request::builder()
        .uri(path)
        .header("accept", "text/html")
        .header("accept-language", language);
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
