//! `GET /api/v1/access/explain`: why a user may or may not see an album or a photo.

use albumen_core::access::VisibilityScope;
use axum::http::Method;
use serde_json::{Value, json};

use crate::common::{Session, TestApp};
use crate::fixtures::{Exif, jpeg};

struct Family {
    admin: Session,
    admin_id: i64,
    ann: i64,
    bob: i64,
    family: i64,
    album: i64,
    inherits: i64,
    private: i64,
}

/// An album open to the group "family" (ann is a member, bob is not), with one photo that
/// inherits and one whose own, empty policy hides it.
async fn family(t: &TestApp) -> Family {
    t.add("2020_05_01_Family/a1.jpg", &jpeg(32, 32, &Exif::default()));
    t.add("2020_05_01_Family/a2.jpg", &jpeg(32, 32, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let admin_id = t
        .repo()
        .user_credentials("admin")
        .await
        .unwrap()
        .unwrap()
        .0
        .id
        .get();
    let album = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id;
    let photos: Vec<i64> = t
        .repo()
        .album_photos(&VisibilityScope::Everything, album)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id.get())
        .collect();
    let album = album.get();
    let ann = t.api_user(&admin, "ann", json!([])).await;
    let bob = t.api_user(&admin, "bob", json!([])).await;
    let reply = t
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&admin),
            Some(json!({"name": "family", "members": [ann]})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let family = reply.json()["id"].as_i64().unwrap();
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{album}/policy"),
        json!({"groups": [family]}),
    )
    .await;
    t.put_ok(
        &admin,
        &format!("/api/v1/photos/{}/policy", photos[1]),
        json!({}),
    )
    .await;
    Family {
        admin,
        admin_id,
        ann,
        bob,
        family,
        album,
        inherits: photos[0],
        private: photos[1],
    }
}

async fn explain(t: &TestApp, session: &Session, query: &str) -> (u16, Value) {
    let reply = t
        .get(&format!("/api/v1/access/explain?{query}"), Some(session))
        .await;
    let status = reply.status.as_u16();
    (
        status,
        if status == 200 {
            reply.json()
        } else {
            Value::Null
        },
    )
}

#[tokio::test]
async fn a_group_member_sees_the_album_and_its_inheriting_photo_through_the_group() {
    let t = TestApp::new().await;
    let f = family(&t).await;
    let group = format!("group {}", f.family);
    for target in [
        format!("album={}", f.album),
        format!("photo={}", f.inherits),
    ] {
        let (status, body) = explain(&t, &f.admin, &format!("user={}&{target}", f.ann)).await;
        assert_eq!(status, 200);
        assert_eq!(body["decision"], "visible", "{body}");
        let rule = body["rule"].as_str().unwrap();
        assert!(rule.contains(&group), "{rule}");
    }
    let (_, body) = explain(
        &t,
        &f.admin,
        &format!("user={}&photo={}", f.ann, f.inherits),
    )
    .await;
    assert_eq!(
        body,
        json!({"decision": "visible", "rule": format!("album policy lists group {}, photo inherits", f.family)})
    );
}

#[tokio::test]
async fn a_non_member_is_hidden_and_an_admin_sees_all() {
    let t = TestApp::new().await;
    let f = family(&t).await;
    for target in [
        format!("album={}", f.album),
        format!("photo={}", f.inherits),
    ] {
        let (status, body) = explain(&t, &f.admin, &format!("user={}&{target}", f.bob)).await;
        assert_eq!(status, 200);
        assert_eq!(body["decision"], "hidden", "{body}");
        assert!(
            body["rule"].as_str().unwrap().contains("album policy"),
            "{body}"
        );

        let (status, body) = explain(&t, &f.admin, &format!("user={}&{target}", f.admin_id)).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"decision": "visible", "rule": "the user can see all photos"})
        );
    }
}

#[tokio::test]
async fn an_empty_own_policy_hides_the_photo_even_from_members() {
    let t = TestApp::new().await;
    let f = family(&t).await;
    let (status, body) =
        explain(&t, &f.admin, &format!("user={}&photo={}", f.ann, f.private)).await;
    assert_eq!(status, 200);
    assert_eq!(body["decision"], "hidden", "{body}");
    assert!(
        body["rule"]
            .as_str()
            .unwrap()
            .contains("photo's own policy"),
        "{body}"
    );
}

#[tokio::test]
async fn unknown_ids_are_404_and_a_bad_query_is_400() {
    let t = TestApp::new().await;
    let f = family(&t).await;
    for query in [
        format!("user=999&photo={}", f.inherits),
        format!("user={}&photo=999", f.ann),
        format!("user={}&album=999", f.ann),
        format!("user=abc&album={}", f.album),
    ] {
        assert_eq!(explain(&t, &f.admin, &query).await.0, 404, "{query}");
    }
    for query in [
        format!("user={}", f.ann),
        format!("user={}&photo={}&album={}", f.ann, f.inherits, f.album),
        format!("photo={}", f.inherits),
    ] {
        assert_eq!(explain(&t, &f.admin, &query).await.0, 400, "{query}");
    }
}

#[tokio::test]
async fn only_administrators_may_ask() {
    let t = TestApp::new().await;
    let f = family(&t).await;
    let ann = t.login("ann").await;
    let query = format!("user={}&album={}", f.ann, f.album);
    assert_eq!(explain(&t, &ann, &query).await.0, 403);
    let anonymous = t
        .get(&format!("/api/v1/access/explain?{query}"), None)
        .await;
    assert_eq!(anonymous.status, 401);
}

/// Runs the binary in `dir` and returns (success, stdout, stderr).
fn albumen(dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> (bool, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    #[expect(clippy::disallowed_methods, reason = "runs the binary under test")]
    let mut child = Command::new(env!("CARGO_BIN_EXE_albumen"))
        .current_dir(dir)
        .env_remove("ALBUMEN_CONFIG")
        .env("ALBUMEN_LOG", "warn")
        .args(["--library", "photos", "--data", "data"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let (success, stdout, stderr) = albumen(dir, args, b"");
    assert!(success, "albumen {args:?} failed: {stderr}");
    stdout
}

fn fails(dir: &std::path::Path, args: &[&str]) -> String {
    let (success, stdout, stderr) = albumen(dir, args, b"");
    assert!(!success, "albumen {args:?} succeeded: {stdout}");
    stderr
}

#[test]
fn access_explain_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("photos/2013_01_19_Snow")).unwrap();
    std::fs::write(
        d.join("photos/2013_01_19_Snow/a.jpg"),
        jpeg(32, 32, &Exif::default()),
    )
    .unwrap();
    for name in ["ann", "bob"] {
        let (success, _, stderr) = albumen(
            d,
            &["user", "add", name, "--password-stdin"],
            b"a long enough password\n",
        );
        assert!(success, "{stderr}");
    }
    ok(d, &["group", "add", "family", "--member", "ann"]);
    ok(d, &["scan", "--json"]);
    ok(
        d,
        &["policy", "set", "--album", "2013_*", "--group", "family"],
    );

    let out = ok(d, &["access", "explain", "--user", "ann", "--album", "1"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("visible"), "{out}");
    let sentence = lines.next().unwrap();
    assert!(sentence.contains("group 1 (family)"), "{out}");
    let out = ok(d, &["access", "explain", "--user", "ann", "--photo", "1"]);
    assert!(out.starts_with("visible\n"), "{out}");
    assert!(out.contains("photo inherits"), "{out}");
    let out = ok(d, &["access", "explain", "--user", "bob", "--photo", "1"]);
    assert!(out.starts_with("hidden\n"), "{out}");

    let err = fails(d, &["access", "explain", "--user", "zed", "--photo", "1"]);
    assert!(err.contains("no such user \"zed\""), "{err}");
    let err = fails(d, &["access", "explain", "--user", "ann", "--photo", "999"]);
    assert!(err.contains("no such photo 999"), "{err}");
    let err = fails(d, &["access", "explain", "--user", "ann", "--album", "999"]);
    assert!(err.contains("no such album 999"), "{err}");
    fails(d, &["access", "explain", "--user", "ann"]);
}
