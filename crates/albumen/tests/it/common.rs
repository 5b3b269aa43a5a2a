//! `TestApp`: a fresh library folder, data folder and catalog per test, and the real router
//! driven in-process. The catalog is a SQLite file, or, when `ALBUMEN_IT_DATABASE_URL` names a
//! PostgreSQL server (`.ci/run` runs the suite a second time so), a fresh database there.

use std::path::{Path, PathBuf};

use albumen::config::Config;
use albumen::scan::{Progress, ScanJob, ScanReport};
use albumen::{AppState, auth, build_app};
use albumen_core::model::{Permissions, User};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub dir: TempDir,
    pub state: AppState,
    pub app: Router,
    /// Held for its `Drop`.
    _postgres: Option<TestDatabase>,
}

/// The server of the PostgreSQL run, as `postgres://user@host:port/admin-database`.
const POSTGRES_ENV: &str = "ALBUMEN_IT_DATABASE_URL";

/// A database made for one test on the PostgreSQL server, dropped with it.
struct TestDatabase {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    async fn create(admin_url: String) -> (Self, String) {
        use sqlx::{Connection, Executor};
        let name = format!("albumen_it_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin_url}: {e}"));
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("database created");
        let base = admin_url.rsplit_once('/').expect("a database in the URL").0;
        let url = format!("{base}/{name}");
        (Self { admin_url, name }, url)
    }
}

impl Drop for TestDatabase {
    /// Dropped from a thread of its own: the test's runtime may be gone or busy.
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            use sqlx::{Connection, Executor};
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                admin
                    .execute(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .await
                    .map(|_| ())
            })
        });
        if let Ok(Err(e)) = dropped.join() {
            eprintln!("note: test database {} not dropped: {e}", self.name);
        }
    }
}

/// A logged-in browser: its cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The placeholder image a preview route answers when it cannot make a preview: a 200 no
    /// cache keeps, so the real preview replaces it once it can be made.
    pub fn is_placeholder(&self) -> bool {
        self.status == StatusCode::OK && self.header("cache-control") == Some("no-store")
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("library")).expect("library dir");
        let mut config = Config::default();
        config.library.path = dir.path().join("library");
        config.data.dir = dir.path().join("data");
        config.previews.workers = 2;
        let mut postgres = None;
        if let Ok(admin_url) = std::env::var(POSTGRES_ENV) {
            let (database, url) = TestDatabase::create(admin_url).await;
            config.database.url = Some(url);
            postgres = Some(database);
        }
        adjust(&mut config);
        let state = AppState::open(config).await.expect("state opens");
        let app = build_app(state.clone());
        Self {
            dir,
            state,
            app,
            _postgres: postgres,
        }
    }

    /// The whole catalog, unscoped: tests build worlds and check them from the outside.
    #[expect(
        clippy::disallowed_methods,
        reason = "tests set up and inspect the catalog"
    )]
    pub fn repo(&self) -> &std::sync::Arc<dyn albumen_db::Repo> {
        self.state.unscoped_repo()
    }

    pub fn library(&self) -> PathBuf {
        self.dir.path().join("library")
    }

    /// Writes a file into the library, creating folders.
    pub fn add(&self, relative: &str, bytes: &[u8]) -> PathBuf {
        let path = self.library().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        path
    }

    pub async fn scan(&self) -> ScanReport {
        self.try_scan().await.expect("scan succeeds")
    }

    pub async fn try_scan(&self) -> Result<ScanReport, albumen::scan::ScanError> {
        let job = ScanJob::new(&self.state.config.library.path, &self.state.config.scan);
        self.scan_job(&job).await
    }

    pub async fn scan_job(&self, job: &ScanJob) -> Result<ScanReport, albumen::scan::ScanError> {
        albumen::scan::scan(self.repo(), job, std::sync::Arc::new(Progress::default())).await
    }

    pub async fn create_user(&self, name: &str, permissions: Permissions) -> User {
        auth::create_user(self.repo().as_ref(), name, PASSWORD, permissions)
            .await
            .expect("user created")
    }

    pub async fn admin(&self) -> Session {
        self.create_user("admin", Permissions::ADMIN).await;
        self.login("admin").await
    }

    pub async fn login(&self, name: &str) -> Session {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/session",
                None,
                Some(serde_json::json!({"username": name, "password": PASSWORD})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let set_cookie = reply.header("set-cookie").expect("cookie set").to_owned();
        let cookie = set_cookie.split(';').next().expect("pair").to_owned();
        Session {
            cookie,
            csrf: reply.json()["csrf_token"]
                .as_str()
                .expect("csrf token")
                .to_owned(),
        }
    }

    /// The id of the catalogued file whose path ends with `suffix`.
    pub async fn photo_id(&self, suffix: &str) -> i64 {
        let files = self.repo().catalog_files().await.expect("catalog");
        files
            .iter()
            .find(|f| f.path.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} catalogued"))
            .id
            .get()
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> Reply {
        self.call(Method::GET, path, session, None).await
    }

    /// A request with the session cookie (if any) and, for JSON bodies, the CSRF header.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        session: Option<&Session>,
        json: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(session) = session {
            request = request
                .header(header::COOKIE, &session.cookie)
                .header("x-csrf-token", &session.csrf);
        }
        let body = match json {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }

    /// `PUT` a JSON body as `session`, expecting 200; returns the reply's JSON.
    pub async fn put_ok(&self, session: &Session, path: &str, body: Value) -> Value {
        let reply = self
            .call(Method::PUT, path, Some(session), Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        reply.json()
    }

    /// Creates a user through the admin API (`admin` must be an administrator's session).
    pub async fn api_user(&self, admin: &Session, name: &str, permissions: Value) -> i64 {
        let body =
            serde_json::json!({"username": name, "password": PASSWORD, "permissions": permissions});
        let reply = self
            .call(Method::POST, "/api/v1/users", Some(admin), Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        reply.json()["id"].as_i64().expect("user id")
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }
}

/// A reply's body with the request path it echoes (the 404 page's login form brings a
/// logged-out visitor back to it) replaced by a marker, so two 404s can be compared byte for
/// byte: what they may differ in is only what the client sent.
pub fn body_without_path(reply: &Reply, path: &str) -> String {
    let escaped = path.replace('/', "&#x2f;");
    reply
        .text()
        .replace(&escaped, "{path}")
        .replace(path, "{path}")
}

/// Decodes an image response and returns its size.
pub fn image_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a decodable image");
    (img.width(), img.height())
}

/// Sets a file's modification time (opening it for writing, which the bans allow only here).
pub fn set_modified(path: &Path, time: std::time::SystemTime) {
    #[expect(clippy::disallowed_methods, reason = "a test ages a file it wrote")]
    let file = std::fs::File::options().write(true).open(path);
    file.expect("opens").set_modified(time).expect("mtime set");
}

pub fn files_under(dir: &Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}
