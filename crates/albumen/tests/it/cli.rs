//! The binary itself, as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::fixtures::{Exif, jpeg};

fn albumen(dir: &std::path::Path) -> Command {
    #[expect(clippy::disallowed_methods, reason = "runs the binary under test")]
    let mut command = Command::new(env!("CARGO_BIN_EXE_albumen"));
    command
        .current_dir(dir)
        .env_remove("ALBUMEN_CONFIG")
        .env("ALBUMEN_LOG", "warn")
        .args(["--library", "photos", "--data", "data"]);
    command
}

#[test]
fn user_add_scan_and_config_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("photos/2013_01_19_Snow in Paris")).unwrap();
    std::fs::write(
        dir.path().join("photos/2013_01_19_Snow in Paris/a.jpg"),
        jpeg(32, 32, &Exif::default()),
    )
    .unwrap();

    let mut add = albumen(dir.path())
        .args(["user", "add", "grandma", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user grandma"));

    let list = albumen(dir.path()).args(["user", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("grandma"));

    let scan = albumen(dir.path())
        .args(["scan", "--json"])
        .output()
        .unwrap();
    assert!(
        scan.status.success(),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(
        (report["albums"].as_i64(), report["photos"].as_i64()),
        (Some(1), Some(1))
    );

    std::fs::remove_file(dir.path().join("photos/2013_01_19_Snow in Paris/a.jpg")).unwrap();
    let refused = albumen(dir.path()).args(["scan"]).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is the disk mounted"));
    let rescan = albumen(dir.path())
        .args(["scan", "--json", "--accept-vanished"])
        .output()
        .unwrap();
    assert!(
        rescan.status.success(),
        "{}",
        String::from_utf8_lossy(&rescan.stderr)
    );
    let purge = albumen(dir.path()).arg("purge").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&purge.stdout).trim(),
        "purged 1 missing photos and 1 missing albums"
    );

    let printed = albumen(dir.path())
        .args(["config", "print"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(
        text.contains("path = \"photos\"") && text.contains("dir = \"data\""),
        "{text}"
    );
}

#[test]
fn a_bad_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("albumen.toml"),
        "[previews]\nmax_pixels = \"lots\"\n",
    )
    .unwrap();
    let out = albumen(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_pixels"), "{err}");

    let out = albumen(dir.path())
        .env("ALBUMEN__SERVER__BIND", "nowhere")
        .args(["--config", "/nonexistent.toml", "config", "check"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.toml"));
}

#[test]
fn serve_refuses_a_missing_library() {
    let dir = tempfile::tempdir().unwrap();
    let out = albumen(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("library folder"));
}

/// A minimal HTTP/1.1 exchange over a real socket.
fn http(addr: &str, request: &str) -> (u16, String, String) {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

#[test]
fn serve_creates_the_admin_scans_and_answers_on_a_socket() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("photos/2013_01_19_Snow in Paris")).unwrap();
    std::fs::write(
        dir.path().join("photos/2013_01_19_Snow in Paris/a.jpg"),
        jpeg(32, 32, &Exif::default()),
    )
    .unwrap();
    let mut server = albumen(dir.path())
        .env("ALBUMEN_ADMIN_PASSWORD", "first admin password")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        if let Some(rest) = line.split("at http://").nth(1) {
            break rest.trim_end_matches('/').to_owned();
        }
        printed.push(line);
    };
    assert!(printed.iter().any(|l| l.contains("'admin'")), "{printed:?}");
    assert!(dir.path().join("data/albumen.db").is_file());

    let body = r#"{"username":"admin","password":"first admin password"}"#;
    let (status, head, reply) = http(
        &addr,
        &format!(
            "POST /api/v1/session HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(status, 200, "{reply}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    // The background scan finishes quickly on one photo.
    let mut albums = String::new();
    for _ in 0..100 {
        let (_, _, body) = http(
            &addr,
            &format!(
                "GET /api/v1/albums HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
            ),
        );
        albums = body;
        if albums.contains("Snow in Paris") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.kill().unwrap();
    let _ = server.wait();
    assert!(albums.contains("Snow in Paris"), "{albums}");
}

/// Runs the binary and returns (success, stdout, stderr).
fn run(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = albumen(dir).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary and returns its standard output, failing the test if it fails.
fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let (success, stdout, stderr) = run(dir, args);
    assert!(success, "albumen {args:?} failed: {stderr}");
    stdout
}

/// Runs the binary expecting failure and returns its standard error.
fn fails(dir: &std::path::Path, args: &[&str]) -> String {
    let (success, stdout, stderr) = run(dir, args);
    assert!(!success, "albumen {args:?} succeeded: {stdout}");
    stderr
}

fn add_user(dir: &std::path::Path, name: &str) {
    let mut add = albumen(dir)
        .args(["user", "add", name, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn groups_permissions_and_policies_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for album in ["2013_01_19_Snow in Paris", "2014_07_01_Beach"] {
        std::fs::create_dir_all(d.join("photos").join(album)).unwrap();
        std::fs::write(
            d.join("photos").join(album).join("a.jpg"),
            jpeg(32, 32, &Exif::default()),
        )
        .unwrap();
    }
    for name in ["ann", "bob", "cyd"] {
        add_user(d, name);
    }

    // Groups.
    let out = ok(d, &["group", "add", "family", "--member", "ann"]);
    assert!(out.starts_with("created group family (id "), "{out}");
    let err = fails(d, &["group", "add", "family"]);
    assert!(err.contains("already exists"), "{err}");
    let err = fails(d, &["group", "add", "friends", "--member", "zed"]);
    assert!(err.contains("zed"), "{err}");
    assert!(!ok(d, &["group", "list"]).contains("friends"));
    assert_eq!(ok(d, &["group", "members", "family"]).trim(), "family: ann");
    assert_eq!(
        ok(d, &["group", "members", "family", "ann", "bob"]).trim(),
        "family: ann, bob"
    );
    let err = fails(d, &["group", "members", "family", "cyd", "zed"]);
    assert!(err.contains("zed"), "{err}");
    assert_eq!(
        ok(d, &["group", "members", "family"]).trim(),
        "family: ann, bob"
    );
    let err = fails(d, &["group", "members", "nobody"]);
    assert!(err.contains("nobody"), "{err}");
    let list = ok(d, &["group", "list"]);
    let line = list.lines().find(|l| l.contains("family")).unwrap();
    assert!(line.trim_end().ends_with("ann, bob"), "{list}");

    // Permissions.
    assert_eq!(
        ok(d, &["user", "grant", "ann", "can_scan"]).trim(),
        "ann: can_scan"
    );
    let users = ok(d, &["user", "list"]);
    let line = users.lines().find(|l| l.contains(" ann ")).unwrap();
    assert!(line.trim_end().ends_with("can_scan"), "{users}");
    assert_eq!(
        ok(d, &["user", "grant", "ann", "can_see_all"]).trim(),
        "ann: can_see_all, can_scan"
    );
    assert_eq!(
        ok(d, &["user", "revoke", "ann", "can_scan"]).trim(),
        "ann: can_see_all"
    );
    let users = ok(d, &["user", "list"]);
    let line = users.lines().find(|l| l.contains(" ann ")).unwrap();
    assert!(!line.contains("can_scan"), "{users}");
    let err = fails(d, &["user", "grant", "ann", "root"]);
    assert!(err.contains("root"), "{err}");
    let err = fails(d, &["user", "revoke", "zed", "admin"]);
    assert!(err.contains("zed"), "{err}");

    // Policies.
    ok(d, &["scan", "--json"]);
    let err = fails(d, &["policy", "set", "--album", "1999_*", "--public"]);
    assert!(err.contains("no album matches 1999_*"), "{err}");
    let err = fails(
        d,
        &["policy", "set", "--album", "2013_*", "--group", "strangers"],
    );
    assert!(err.contains("strangers"), "{err}");
    let err = fails(d, &["policy", "set", "--album", "2013_*", "--user", "zed"]);
    assert!(err.contains("zed"), "{err}");
    let out = ok(
        d,
        &[
            "policy", "set", "--album", "2013_*", "--group", "family", "--user", "cyd",
        ],
    );
    assert_eq!(
        out.trim(),
        "set policy on 1 albums: 2013_01_19_Snow in Paris"
    );

    let mut config = albumen::config::Config::default();
    config.library.path = d.join("photos");
    config.data.dir = d.join("data");
    let repo = albumen_db::connect(&config.database_url(), 1)
        .await
        .unwrap();
    let albums = repo.catalog_albums().await.unwrap();
    let id_of = |path: &str| albums.iter().find(|a| a.path == path).unwrap().id;
    let (snow, beach) = (id_of("2013_01_19_Snow in Paris"), id_of("2014_07_01_Beach"));
    let family = repo
        .list_groups()
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.name == "family")
        .unwrap()
        .id;
    let cyd = repo.user_credentials("cyd").await.unwrap().unwrap().0.id;
    let policy = repo
        .album_facts(snow)
        .await
        .unwrap()
        .unwrap()
        .policy
        .unwrap();
    assert!(policy.inherit && !policy.policy.public);
    assert_eq!(
        policy.policy.groups.into_iter().collect::<Vec<_>>(),
        [family]
    );
    assert_eq!(policy.policy.users.into_iter().collect::<Vec<_>>(), [cyd]);
    assert_eq!(repo.album_facts(beach).await.unwrap().unwrap().policy, None);

    let out = ok(
        d,
        &["policy", "set", "--album", "**", "--public", "--no-inherit"],
    );
    assert!(out.starts_with("set policy on 2 albums: "), "{out}");
    let policy = repo
        .album_facts(beach)
        .await
        .unwrap()
        .unwrap()
        .policy
        .unwrap();
    assert!(policy.policy.public && !policy.inherit);

    let out = ok(
        d,
        &["policy", "unset", "--album", "2013_01_19_Snow in Paris"],
    );
    assert!(out.contains("1 albums"), "{out}");
    assert_eq!(repo.album_facts(snow).await.unwrap().unwrap().policy, None);
    assert!(
        repo.album_facts(beach)
            .await
            .unwrap()
            .unwrap()
            .policy
            .is_some()
    );
    let err = fails(d, &["policy", "unset", "--album", "2013"]);
    assert!(err.contains("no album matches 2013"), "{err}");

    // Photos, by album path and file name; all or nothing.
    std::fs::write(
        d.join("photos/2013_01_19_Snow in Paris/b.jpg"),
        jpeg(34, 34, &Exif::default()),
    )
    .unwrap();
    ok(d, &["scan", "--json"]);
    let files = repo.catalog_files().await.unwrap();
    let photo_of = |path: &str| files.iter().find(|f| f.path == path).unwrap().id;
    let (snow_a, snow_b) = (
        photo_of("2013_01_19_Snow in Paris/a.jpg"),
        photo_of("2013_01_19_Snow in Paris/b.jpg"),
    );
    let photo_policy = |id| {
        let repo = repo.clone();
        async move { repo.photo_facts(id).await.unwrap().unwrap().policy }
    };
    let err = fails(
        d,
        &["policy", "set", "--photo", "2013_*/a.jpg", "--no-inherit"],
    );
    assert!(err.contains("--no-inherit"), "{err}");
    let err = fails(d, &["policy", "set", "--album", "*", "--photo", "*/a.jpg"]);
    assert!(err.contains("--photo"), "{err}");
    let err = fails(d, &["policy", "set", "--photo", "2013_*/c.jpg"]);
    assert!(err.contains("no photo matches"), "{err}");
    let err = fails(
        d,
        &["policy", "set", "--photo", "2013_*/*", "--user", "zed"],
    );
    assert!(err.contains("zed"), "{err}");
    assert_eq!(photo_policy(snow_a).await, None);
    let out = ok(
        d,
        &["policy", "set", "--photo", "2013_*/*.jpg", "--user", "cyd"],
    );
    assert_eq!(
        out.trim(),
        "set policy on 2 photos: 2013_01_19_Snow in Paris/a.jpg, 2013_01_19_Snow in Paris/b.jpg"
    );
    for id in [snow_a, snow_b] {
        let policy = photo_policy(id).await.unwrap();
        assert!(!policy.public && policy.groups.is_empty());
        assert_eq!(policy.users.into_iter().collect::<Vec<_>>(), [cyd]);
    }
    let out = ok(d, &["policy", "unset", "--photo", "**/b.jpg"]);
    assert_eq!(
        out.trim(),
        "removed policy from 1 photos: 2013_01_19_Snow in Paris/b.jpg"
    );
    assert_eq!(photo_policy(snow_b).await, None);
    assert!(photo_policy(snow_a).await.is_some());

    // Missing albums are skipped.
    std::fs::remove_dir_all(d.join("photos/2014_07_01_Beach")).unwrap();
    ok(d, &["scan", "--json", "--accept-vanished"]);
    let err = fails(d, &["policy", "unset", "--album", "2014_*"]);
    assert!(err.contains("no album matches 2014_*"), "{err}");
    let out = ok(d, &["policy", "set", "--album", "*", "--public"]);
    assert_eq!(
        out.trim(),
        "set policy on 1 albums: 2013_01_19_Snow in Paris"
    );
}

#[test]
fn login_links_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("photos")).unwrap();
    add_user(d, "grandma");
    let out = ok(d, &["login-link", "grandma", "--days", "3", "--single-use"]);
    let mut lines = out.lines();
    let path = lines.next().unwrap();
    let token = path.strip_prefix("/login/link/").unwrap();
    assert_eq!(token.len(), 64, "{out}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{out}");
    let expiry = lines.next().unwrap();
    assert!(expiry.starts_with("expires at "), "{out}");
    assert!(expiry.ends_with(", single use"), "{out}");
    assert!(fails(d, &["login-link", "nobody"]).contains("no such user"));
    assert!(fails(d, &["login-link", "grandma", "--days", "400"]).contains("365"));
}

#[test]
fn previews_and_cache_prune_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let album = d.join("photos/2013_01_19_Snow");
    std::fs::create_dir_all(&album).unwrap();
    std::fs::write(album.join("a.jpg"), jpeg(900, 600, &Exif::default())).unwrap();
    std::fs::write(album.join("b.jpg"), jpeg(600, 900, &Exif::default())).unwrap();
    // `scan` queues both photos; `previews` makes their four presets each.
    ok(d, &["scan", "--json"]);
    let out = ok(d, &["previews"]);
    assert!(
        out.starts_with("2 photos: 8 previews made, 0 failed, 0 to retry later; 0 failed in all"),
        "{out}"
    );
    let cache = d.join("data/cache/previews");
    let count = || crate::common::files_under(&cache);
    assert_eq!(count(), 8);
    // Nothing queued: nothing to do. `--all` queues every photo, and keeps what is cached.
    assert!(ok(d, &["previews"]).starts_with("0 photos"));
    assert!(ok(d, &["previews", "--all"]).starts_with("2 photos: 0 previews made"));

    // A stray file, and the previews of a photo that is gone, are pruned; the rest is kept.
    std::fs::create_dir_all(cache.join("zz")).unwrap();
    std::fs::write(cache.join("zz/zz00-0123456789abcdef.jpg"), b"old").unwrap();
    std::fs::remove_file(album.join("b.jpg")).unwrap();
    ok(d, &["scan", "--json", "--accept-vanished"]);
    let out = ok(d, &["cache", "prune"]);
    assert!(out.starts_with("deleted 5 previews ("), "{out}");
    assert!(out.trim_end().ends_with("kept 4"), "{out}");
    assert_eq!(count(), 4);
}
