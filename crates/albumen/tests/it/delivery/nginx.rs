//! `docs/nginx.conf` in front of the real `albumen` binary in `x-accel` mode, with a real nginx
//! (Debian's `nginx` package; `scripts/bootstrap.sh` installs it). Without nginx the test says
//! so loudly and passes, unless `ALBUMEN_REQUIRE_NGINX` is set (CI sets it).

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::fixtures::{Exif, jpeg};

const ADMIN_PASSWORD: &str = "nginx test admin password";
const TEMPLATE: &str = include_str!("../../../../../docs/nginx.conf");

/// Library-relative file names as bytes on disk, with the name the catalog shows.
fn tricky_names() -> Vec<(Vec<u8>, &'static str)> {
    vec![
        (b"a b.jpg".to_vec(), "a b.jpg"),
        (b"100%.jpg".to_vec(), "100%.jpg"),
        (b"x#y.jpg".to_vec(), "x#y.jpg"),
        (b"what?.jpg".to_vec(), "what?.jpg"),
        (b"1+1=2.jpg".to_vec(), "1+1=2.jpg"),
        (b"semi;colon&amp.jpg".to_vec(), "semi;colon&amp.jpg"),
        ("Été NFC.jpg".as_bytes().to_vec(), "Été NFC.jpg"),
        // NFD on disk (as macOS writes it); the catalog shows NFC.
        ("Noe\u{308}l NFD.jpg".as_bytes().to_vec(), "Noël NFD.jpg"),
    ]
}

fn nginx_binary() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    from_path
        .into_iter()
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
}

/// Kills the process when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Answer {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// One HTTP/1.0 exchange (so no chunked encoding comes back).
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `docs/nginx.conf` with its three marked values pointed at this test, inside a minimal main
/// configuration that keeps every file nginx writes in `dir`.
fn nginx_config(dir: &Path, port: u16, albumen: &str, library: &Path) -> String {
    let mut server = TEMPLATE.to_owned();
    for (from, to) in [
        ("listen 80;", format!("listen 127.0.0.1:{port};")),
        (
            "proxy_pass http://127.0.0.1:8080;",
            format!("proxy_pass http://{albumen};"),
        ),
        (
            "alias /srv/photos/;",
            format!("alias {}/;", library.display()),
        ),
    ] {
        assert!(
            server.contains(from),
            "docs/nginx.conf lost its line {from:?}"
        );
        server = server.replace(from, &to);
    }
    let d = dir.display();
    format!(
        // One process (no master), so killing it at the end of the test leaves no worker.
        "master_process off;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  default_type application/octet-stream;\n\
           client_body_temp_path {d}/tmp/body;\n  proxy_temp_path {d}/tmp/proxy;\n\
           fastcgi_temp_path {d}/tmp/fastcgi;\n  uwsgi_temp_path {d}/tmp/uwsgi;\n\
           scgi_temp_path {d}/tmp/scgi;\n{server}\n}}\n"
    )
}

#[test]
fn nginx_sends_authorized_originals_and_nothing_else() {
    let Some(nginx) = nginx_binary() else {
        assert!(
            std::env::var_os("ALBUMEN_REQUIRE_NGINX").is_none(),
            "ALBUMEN_REQUIRE_NGINX is set but nginx is not installed"
        );
        eprintln!(
            "SKIPPED nginx_sends_authorized_originals_and_nothing_else: nginx is not installed \
             (scripts/bootstrap.sh installs it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // nginx's workers run as `nobody` when the test runs as root: let them read the library.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let library = dir.path().join("photos");
    let album = library.join("Tricky");
    std::fs::create_dir_all(&album).unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    let mut expected = HashMap::new();
    for (i, (raw, shown)) in tricky_names().into_iter().enumerate() {
        use std::os::unix::ffi::OsStrExt;
        let bytes = jpeg(16 + i as u32, 16, &Exif::default());
        std::fs::write(album.join(std::ffi::OsStr::from_bytes(&raw)), &bytes).unwrap();
        expected.insert(shown.to_owned(), bytes);
    }

    #[expect(clippy::disallowed_methods, reason = "runs the binary under test")]
    let mut albumen = Command::new(env!("CARGO_BIN_EXE_albumen"));
    albumen
        .current_dir(dir.path())
        .env_remove("ALBUMEN_CONFIG")
        .env("ALBUMEN_LOG", "warn")
        .env("ALBUMEN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ALBUMEN__SERVER__SEND_FILE", "x-accel")
        .args(["--library", "photos", "--data", "data"])
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped());
    let mut albumen = Running(albumen.spawn().unwrap());
    // Keep the pipe open for the server's whole life: it may print more.
    let mut lines = std::io::BufReader::new(albumen.0.stdout.take().unwrap()).lines();
    let backend = loop {
        let line = lines.next().expect("albumen printed its address").unwrap();
        if let Some(rest) = line.split("at http://").nth(1) {
            break rest.trim_end_matches('/').to_owned();
        }
    };

    let port = free_port();
    let front = format!("127.0.0.1:{port}");
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, nginx_config(dir.path(), port, &backend, &library)).unwrap();
    let error_log = dir.path().join("error.log");
    #[expect(
        clippy::disallowed_methods,
        reason = "runs the front server under test"
    )]
    let nginx = Command::new(&nginx)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg(&error_log)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut nginx = Running(nginx);
    let mut up = false;
    for _ in 0..200 {
        if TcpStream::connect(&front).is_ok() {
            up = true;
            break;
        }
        if let Ok(Some(status)) = nginx.0.try_wait() {
            let mut stderr = String::new();
            let _ = nginx.0.stderr.take().unwrap().read_to_string(&mut stderr);
            panic!("nginx exited with {status}: {stderr}");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(up, "nginx did not start listening on {front}");

    // Log in through nginx and wait for the background scan to catalogue everything.
    let login = http(
        &front,
        "POST",
        "/api/v1/session",
        &[],
        &format!(r#"{{"username":"admin","password":"{ADMIN_PASSWORD}"}}"#),
    );
    assert_eq!(
        login.status,
        200,
        "{}",
        String::from_utf8_lossy(&login.body)
    );
    let cookie = login.headers["set-cookie"]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let auth = [("Cookie", cookie.as_str())];
    let mut photos = Vec::new();
    for _ in 0..200 {
        let albums: serde_json::Value =
            serde_json::from_slice(&http(&front, "GET", "/api/v1/albums", &auth, "").body).unwrap();
        if let Some(id) = albums
            .as_array()
            .and_then(|a| a.first())
            .filter(|a| a["photo_count"].as_u64() == Some(expected.len() as u64))
            .map(|a| a["id"].clone())
        {
            let detail: serde_json::Value = serde_json::from_slice(
                &http(&front, "GET", &format!("/api/v1/albums/{id}"), &auth, "").body,
            )
            .unwrap();
            photos = detail["photos"].as_array().unwrap().clone();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        photos.len(),
        expected.len(),
        "the scan catalogued every file"
    );

    for photo in &photos {
        let name = photo["filename"].as_str().unwrap();
        let url = format!("/media/photos/{}/original", photo["id"]);
        let sent = http(&front, "GET", &url, &auth, "");
        assert_eq!(
            sent.status,
            200,
            "{name}: {}",
            String::from_utf8_lossy(&sent.body)
        );
        assert!(
            sent.body == expected[name],
            "{name}: wrong bytes from nginx"
        );
        assert_eq!(
            sent.headers.get("content-type").map(String::as_str),
            Some("image/jpeg")
        );
        assert_eq!(
            sent.headers
                .get("x-content-type-options")
                .map(String::as_str),
            Some("nosniff")
        );
        assert!(
            sent.headers
                .get("content-disposition")
                .is_some_and(|d| d.starts_with("inline")),
            "{name}"
        );
        assert!(!sent.headers.contains_key("x-accel-redirect"), "{name}");

        let part = http(&front, "GET", &url, &[auth[0], ("Range", "bytes=2-5")], "");
        assert_eq!(part.status, 206, "{name}");
        assert_eq!(part.body, expected[name][2..6], "{name}");

        let anonymous = http(&front, "GET", &url, &[], "");
        assert_eq!(anonymous.status, 404, "{name}");
        assert!(!anonymous.headers.contains_key("x-accel-redirect"));
        assert!(anonymous.body != expected[name]);
    }

    // The internal location is not reachable from outside, logged in or not, and a client's
    // own X-Accel-Redirect header is not acted on.
    for path in [
        "/_albumen_internal/Tricky/a%20b.jpg",
        "/_albumen_internal/Tricky/",
        "/_albumen_internal/../photos/Tricky/a%20b.jpg",
    ] {
        assert_eq!(http(&front, "GET", path, &auth, "").status, 404, "{path}");
        assert_eq!(http(&front, "GET", path, &[], "").status, 404, "{path}");
    }
    let smuggled = http(
        &front,
        "GET",
        "/healthz",
        &[("X-Accel-Redirect", "/_albumen_internal/Tricky/a%20b.jpg")],
        "",
    );
    assert_eq!(
        (smuggled.status, smuggled.body.as_slice()),
        (200, &b"ok"[..])
    );
    drop(lines);
}
