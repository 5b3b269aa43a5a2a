//! The browser harness: a [`World`] (a fresh `TestApp` whose router is served over real TCP)
//! and a [`Browser`] (chromedriver on a port of its own choosing, driving a headless Chromium
//! with a fresh profile), joined by [`browser_test`], which skips when Chromium is not
//! installed, reports and screenshots a failed flow, and always ends both processes.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use albumen::build_app;
use axum::http::{Method, StatusCode};
use fantoccini::actions::{
    Actions, InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, PointerAction, TouchActions,
    WheelAction, WheelActions,
};
use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::task::JoinHandle;

use crate::common::{PASSWORD, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

/// How long any wait for the page lasts before the flow fails.
const WAIT: Duration = Duration::from_secs(15);
/// Starting chromedriver, then Chromium through it.
const START_WAIT: Duration = Duration::from_secs(30);
/// What this machine's Chromium needs: no sandbox as root, no GPU, and no background
/// connections (the network is closed; they would fail, many at a time). Reduced motion turns
/// smooth scrolling off: chromedriver aims its clicks where an element was before a smooth
/// scroll moved it.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--force-prefers-reduced-motion",
];

fn binary(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Where screenshots go: `<target dir>/browser-screenshots/NAME.png`.
pub fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("browser-screenshots")
}

/// Runs `flow` in a fresh headless Chromium. Without Chromium or chromedriver installed the
/// test prints why and passes, unless `ALBUMEN_REQUIRE_BROWSER` is set (CI sets it). A flow
/// that panics leaves `NAME-failure.png` and prints the page's address, text and console
/// before the panic goes on. Chromium and chromedriver end whatever happens.
pub async fn browser_test(name: &str, flow: impl AsyncFnOnce(&Browser)) {
    let Some(browser) = Browser::launch(name).await else {
        return;
    };
    let started = Instant::now();
    let outcome = AssertUnwindSafe(flow(&browser)).catch_unwind().await;
    let csp = match &outcome {
        Ok(()) => browser.csp_violations().await,
        Err(_) => Vec::new(),
    };
    if let Err(panic) = outcome {
        browser.report_failure().await;
        browser.close().await;
        std::panic::resume_unwind(panic);
    }
    browser.close().await;
    assert!(
        csp.is_empty(),
        "{name}: the page broke its Content-Security-Policy: {csp:#?}"
    );
    eprintln!("{name}: passed in {:.1} s", started.elapsed().as_secs_f64());
}

/// chromedriver and everything it started (Chromium and its helpers), killed as a tree when
/// this is dropped: after a flow, after a panic, or when launching failed half-way. They stay in
/// the test's process group, so Ctrl-C on `cargo test` ends them too.
struct ProcessTree {
    child: tokio::process::Child,
}

impl Drop for ProcessTree {
    fn drop(&mut self) {
        use rustix::process::{Pid, Signal, kill_process};
        let Some(root) = self.child.id() else {
            return;
        };
        // Stop the whole tree first (a stopped process cannot start another), looking again
        // until no new descendant appears, then kill it: killing chromedriver alone would leave
        // Chromium running, adopted by init.
        let mut tree = vec![root];
        loop {
            for pid in &tree {
                if let Some(pid) = Pid::from_raw(*pid as i32) {
                    let _ = kill_process(pid, Signal::STOP);
                }
            }
            let new: Vec<u32> = descendants(root)
                .into_iter()
                .filter(|pid| !tree.contains(pid))
                .collect();
            if new.is_empty() {
                break;
            }
            tree.extend(new);
        }
        for pid in &tree {
            if let Some(pid) = Pid::from_raw(*pid as i32) {
                let _ = kill_process(pid, Signal::KILL);
            }
        }
        let _ = self.child.start_kill();
    }
}

/// Every process whose chain of parents leads to `root`, from `/proc`.
fn descendants(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        // `pid (comm) state ppid …`; the name may hold spaces and parentheses.
        #[expect(clippy::disallowed_methods, reason = "process table, not media")]
        let stat = std::fs::read_to_string(entry.path().join("stat"));
        let Ok(stat) = stat else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(pid, ppid)| *ppid == parent && !found.contains(pid))
                .map(|(pid, _)| *pid)
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// What chromedriver (and the Chromium it started) printed, for failure reports.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<String>>);

impl Output {
    fn drain(&self, stream: impl AsyncRead + Unpin + Send + 'static) {
        let output = self.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                output.push(&line);
            }
        });
    }

    fn push(&self, line: &str) {
        let mut text = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Keep the end: that is where the trouble is.
        if text.len() > 64 * 1024 {
            let cut = text.len() - 32 * 1024;
            let cut = (cut..text.len())
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            text.replace_range(..cut, "…");
        }
        text.push_str(line);
        text.push('\n');
    }

    fn text(&self) -> String {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A headless Chromium driven through chromedriver (WebDriver), with a fresh profile.
pub struct Browser {
    name: String,
    client: Client,
    output: Output,
    // Dropped in this order: the processes, then their profile folder.
    _processes: ProcessTree,
    profile: TempDir,
}

impl Browser {
    async fn launch(name: &str) -> Option<Self> {
        let chromium = binary("ALBUMEN_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = binary("ALBUMEN_CHROMEDRIVER", "/usr/bin/chromedriver");
        let missing: Vec<_> = [&chromium, &chromedriver]
            .into_iter()
            .filter(|path| !path.is_file())
            .map(|path| path.display().to_string())
            .collect();
        if !missing.is_empty() {
            let is = if missing.len() == 1 { "is" } else { "are" };
            let missing = missing.join(" and ");
            assert!(
                std::env::var_os("ALBUMEN_REQUIRE_BROWSER").is_none(),
                "ALBUMEN_REQUIRE_BROWSER is set but {missing} {is} not installed (scripts/bootstrap.sh \
                 installs Debian's chromium and chromium-driver)"
            );
            eprintln!(
                "SKIPPED {name}: {missing} {is} not installed (scripts/bootstrap.sh installs \
                 Debian's chromium and chromium-driver)"
            );
            return None;
        }
        let profile = tempfile::tempdir().expect("a profile folder");
        let output = Output::default();
        #[expect(clippy::disallowed_methods, reason = "the test drives a browser")]
        let mut command = tokio::process::Command::new(&chromedriver);
        let mut child = command
            // Port 0: chromedriver picks a free one and says which.
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{name}: cannot start {}: {e}", chromedriver.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        output.drain(stderr);
        let processes = ProcessTree { child };
        let port = tokio::time::timeout(START_WAIT, driver_port(stdout, &output))
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| {
                panic!(
                    "{name}: {} did not say which port it listens on:\n{}",
                    chromedriver.display(),
                    output.text()
                )
            });
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": {
                    "download.default_directory": profile.path().join("downloads"),
                    "download.prompt_for_download": false,
                },
            },
            "goog:loggingPrefs": { "browser": "ALL" },
            "timeouts": { "pageLoad": 30_000, "script": 15_000 },
        }))
        .expect("capabilities");
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let driver_url = format!("http://127.0.0.1:{port}");
        let connecting = builder.connect(&driver_url);
        let client = match tokio::time::timeout(START_WAIT, connecting).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "{name}: chromedriver could not start {}: {e}\n{}",
                chromium.display(),
                output.text()
            ),
            Err(_) => panic!(
                "{name}: {} did not start within {START_WAIT:?}\n{}",
                chromium.display(),
                output.text()
            ),
        };
        Some(Self {
            name: name.to_owned(),
            client,
            output,
            _processes: processes,
            profile,
        })
    }

    /// Ends the WebDriver session (chromedriver closes Chromium); the process tree is killed
    /// on drop in any case.
    async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.client.clone().close()).await;
    }

    async fn report_failure(&self) {
        let url = self.client.current_url().await.map(|u| u.to_string());
        let text = self.body_text_now().await;
        let shot = self.try_screenshot(&format!("{}-failure", self.name)).await;
        let console = self.console().await;
        eprintln!(
            "==== {} failed\n  at: {url:?}\n  screenshot: {shot:?}\n  page text:\n{}\n  console: \
             {console:#?}\n  chromedriver:\n{}",
            self.name,
            text.chars().take(2000).collect::<String>(),
            self.output.text()
        );
    }

    fn fail(&self, what: &str, error: &dyn std::fmt::Display) -> ! {
        panic!("{}: {what}: {error}", self.name)
    }

    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            self.fail(&format!("opening {url}"), &e);
        }
    }

    pub async fn back(&self) {
        if let Err(e) = self.client.back().await {
            self.fail("going back", &e);
        }
    }

    /// The current URL's path.
    pub async fn path(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.path().to_owned(),
            Err(e) => self.fail("reading the URL", &e),
        }
    }

    /// Waits until the browser is on `path` and the page has loaded.
    pub async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let here = self.path().await;
            if here == path && self.loaded().await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{}: expected to be on {path}, still on {here} after {WAIT:?}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for an element to be on the page.
    pub async fn find(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(WAIT)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(e) => {
                let here = self.path().await;
                self.fail(&format!("waiting for `{css}` on {here}"), &e)
            }
        }
    }

    /// Every element matching `css` now, without waiting.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        match self.client.find_all(Locator::Css(css)).await {
            Ok(elements) => elements,
            Err(e) => self.fail(&format!("looking for `{css}`"), &e),
        }
    }

    /// The visible text of the first element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => self.fail(&format!("reading `{css}`"), &e),
        }
    }

    /// Everything the person can read on the page.
    pub async fn body_text(&self) -> String {
        self.text("body").await
    }

    async fn body_text_now(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Types `value` into the field matching `css`, replacing what it held.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        if let Err(e) = field.clear().await {
            self.fail(&format!("clearing `{css}`"), &e);
        }
        if let Err(e) = field.send_keys(value).await {
            self.fail(&format!("typing into `{css}`"), &e);
        }
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        if let Err(e) = element.click().await {
            self.fail(&format!("clicking `{css}`"), &e);
        }
    }

    /// Presses and releases each key in turn on whatever has the focus, as a keyboard does.
    /// Special keys are WebDriver's code points (`fantoccini::key::Key`).
    pub async fn press(&self, keys: &[char]) {
        let mut keyboard = KeyActions::new("keyboard".to_owned());
        for &value in keys {
            keyboard = keyboard
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.perform(keyboard.into(), "pressing keys").await;
    }

    /// One finger sliding from `from` to `to` (viewport CSS pixels).
    pub async fn swipe(&self, from: (f64, f64), to: (f64, f64)) {
        let finger = finger("finger", from, to);
        self.perform(finger.into(), "swiping").await;
    }

    /// Two fingers on a horizontal line through `centre`, moving from `from` to `to` pixels
    /// apart: a pinch (closer) or a spread (further).
    pub async fn pinch(&self, centre: (f64, f64), from: f64, to: f64) {
        let at = |half: f64| (centre.0 + half, centre.1);
        let one = finger("finger1", at(-from / 2.0), at(-to / 2.0));
        let two = finger("finger2", at(from / 2.0), at(to / 2.0));
        self.perform(Actions::from(one).and(two), "pinching").await;
    }

    /// The mouse wheel turned by `delta_y` pixels with the pointer at `at`.
    pub async fn wheel(&self, at: (i64, i64), delta_y: i64) {
        let wheel = WheelActions::new("wheel".to_owned()).then(WheelAction::Scroll {
            duration: None,
            x: at.0,
            y: at.1,
            delta_x: 0,
            delta_y,
        });
        self.perform(wheel.into(), "turning the wheel").await;
    }

    async fn perform(&self, actions: Actions, what: &str) {
        if let Err(e) = self.client.perform_actions(actions).await {
            self.fail(what, &e);
        }
    }

    /// Whether the current document has loaded. A document being replaced by the next one
    /// cannot answer a script: that is "not yet", not an error.
    async fn loaded(&self) -> bool {
        matches!(
            self.client.execute("return document.readyState", vec![]).await,
            Ok(state) if state == "complete"
        )
    }

    pub async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(value) => value,
            Err(e) => self.fail("running a script", &e),
        }
    }

    /// Waits until every image matching `css` (at least `count`) has finished loading, and
    /// returns each one's `(src, naturalWidth)`: 0 is an image that failed.
    pub async fn loaded_images(&self, css: &str, count: usize) -> Vec<(String, u64)> {
        const SCRIPT: &str = "return [...document.querySelectorAll(arguments[0])]
            .map(i => [i.currentSrc || i.src, i.complete, i.naturalWidth]);";
        let deadline = Instant::now() + WAIT;
        loop {
            // A page still being replaced cannot run a script: not ready yet.
            let images: Vec<(String, bool, u64)> =
                match self.client.execute(SCRIPT, vec![json!(css)]).await {
                    Ok(images) => {
                        serde_json::from_value(images).expect("src, complete, naturalWidth")
                    }
                    Err(_) => Vec::new(),
                };
            if images.len() >= count && images.iter().all(|(_, complete, _)| *complete) {
                return images.into_iter().map(|(src, _, w)| (src, w)).collect();
            }
            assert!(
                Instant::now() < deadline,
                "{}: `{css}`: expected {count} loaded images, have {images:?}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks `link` and tells what the person got: a page (an image shown by the browser, or
    /// anything else) or a downloaded file.
    pub async fn follow(&self, link: &Element) -> Followed {
        let from = self.path().await;
        let downloads = self.profile.path().join("downloads");
        let before = files_in(&downloads);
        if let Err(e) = link.click().await {
            self.fail("following a link", &e);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            // Chromium writes `NAME.crdownload` and renames it when the download is complete.
            let new = files_in(&downloads)
                .into_iter()
                .find(|f| !before.contains(f) && !f.ends_with(".crdownload"));
            if let Some(name) = new {
                #[expect(
                    clippy::disallowed_methods,
                    reason = "what the browser downloaded, not the library"
                )]
                let bytes = std::fs::read(downloads.join(&name)).expect("the downloaded file");
                return Followed::File { name, bytes };
            }
            let here = self.path().await;
            let ready = self.loaded().await;
            if here != from && ready {
                let shown = self
                    .script(
                        "return [document.contentType, document.images.length \
                         ? document.images[0].naturalWidth : 0]",
                        vec![],
                    )
                    .await;
                let (content_type, width): (String, u64) =
                    serde_json::from_value(shown).expect("content type and width");
                if content_type.starts_with("image/") {
                    return Followed::Image {
                        path: here,
                        content_type,
                        width,
                    };
                }
                let text = self.body_text().await;
                return Followed::Page { path: here, text };
            }
            assert!(
                Instant::now() < deadline,
                "{}: the link clicked on {from} led nowhere in {WAIT:?} (no page, no file)",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sizes the window so that the page's viewport is `width` × `height` CSS pixels (a phone
    /// is 390 × 844, a laptop 1280 × 800).
    pub async fn viewport(&self, width: u32, height: u32) {
        let mut outer = (i64::from(width), i64::from(height));
        let mut seen = (0, 0);
        for _ in 0..3 {
            let size = (
                u32::try_from(outer.0).unwrap_or(width),
                u32::try_from(outer.1).unwrap_or(height),
            );
            if let Err(e) = self.client.set_window_size(size.0, size.1).await {
                self.fail("sizing the window", &e);
            }
            // The page may learn its new size a moment later (a busy machine): give it time
            // before taking a difference as the window's frame.
            let deadline = Instant::now() + Duration::from_secs(2);
            let (w, h) = loop {
                let inner = self
                    .script("return [innerWidth, innerHeight]", vec![])
                    .await;
                let now: (i64, i64) = serde_json::from_value(inner).expect("viewport size");
                if now == (i64::from(width), i64::from(height)) || Instant::now() > deadline {
                    break now;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            seen = (w, h);
            if (w, h) == (i64::from(width), i64::from(height)) {
                return;
            }
            // The window's frame, if any, is added to what the page needs.
            outer = (
                outer.0 + i64::from(width) - w,
                outer.1 + i64::from(height) - h,
            );
        }
        self.fail(
            "sizing the viewport",
            &format!(
                "cannot make it {width} × {height} (it stays {} × {})",
                seen.0, seen.1
            ),
        );
    }

    /// Saves a PNG of the viewport as `<target>/browser-screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        match self.try_screenshot(name).await {
            Ok(path) => path,
            Err(e) => self.fail("taking a screenshot", &e),
        }
    }

    async fn try_screenshot(&self, name: &str) -> Result<PathBuf, String> {
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// Grants the page a permission (`clipboard-read`, …) through WebDriver's permissions
    /// extension, so a test can check what a page put there.
    pub async fn grant(&self, permission: &str) {
        let command = SetPermission(permission.to_owned());
        if let Err(e) = self.client.issue_cmd(command).await {
            self.fail(&format!("granting {permission}"), &e);
        }
    }

    /// The browser console's messages since the last call, as `LEVEL message`.
    pub async fn console(&self) -> Vec<String> {
        let Ok(entries) = self.client.issue_cmd(ConsoleLog).await else {
            return Vec::new();
        };
        entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| {
                format!(
                    "{} {}",
                    entry["level"].as_str().unwrap_or("?"),
                    entry["message"].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    async fn csp_violations(&self) -> Vec<String> {
        self.console()
            .await
            .into_iter()
            .filter(|line| line.contains("Content Security Policy"))
            .collect()
    }
}

/// Where following a link led.
#[derive(Debug)]
pub enum Followed {
    /// The browser shows an image (a URL it displays inline).
    Image {
        path: String,
        content_type: String,
        width: u64,
    },
    /// The browser saved a file (an attachment, or a link with `download`).
    File { name: String, bytes: Vec<u8> },
    /// Any other page.
    Page { path: String, text: String },
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

/// chromedriver's (non-standard, long supported) command for the browser console.
#[derive(Debug)]
struct ConsoleLog;

impl WebDriverCompatibleCommand for ConsoleLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// WebDriver's "Set Permission" (from the Permissions specification), which chromedriver
/// supports.
#[derive(Debug)]
struct SetPermission(String);

impl WebDriverCompatibleCommand for SetPermission {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/permissions",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (Method, Option<String>) {
        let body = json!({"descriptor": {"name": self.0}, "state": "granted"});
        (Method::POST, Some(body.to_string()))
    }
}

/// Reads chromedriver's standard output until it says "... started successfully on port N.".
async fn driver_port(
    stdout: impl AsyncRead + Unpin + Send + 'static,
    output: &Output,
) -> Option<u16> {
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        output.push(&line);
        if let Some(rest) = line.split("started successfully on port ").nth(1) {
            let port = rest.trim_end_matches('.').trim().parse().ok();
            // Keep reading, so chromedriver never blocks on a full pipe.
            output.drain(lines.into_inner());
            return port;
        }
    }
    None
}

/// A fresh gallery (temporary library of generated JPEGs, SQLite catalog, an administrator)
/// whose real router answers on 127.0.0.1 over TCP, as `albumen serve` does.
pub struct World {
    pub app: TestApp,
    pub admin: Session,
    base: String,
    albums: HashMap<String, i64>,
    server: JoinHandle<()>,
}

impl Drop for World {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl World {
    /// One folder (so one album) per `(name, number of photos)`, scanned.
    pub async fn new(albums: &[(&str, u32)]) -> Self {
        let mut files = Vec::new();
        for (name, count) in albums {
            for i in 0..*count {
                // Landscape and portrait, so the grid's crops show.
                let (w, h) = if i % 2 == 0 { (640, 480) } else { (480, 640) };
                files.push((
                    format!("{name}/photo {i}.jpg"),
                    jpeg(w, h, &Exif::default()),
                ));
            }
        }
        Self::with_files(files).await
    }

    /// A library of these `(path, bytes)` files, scanned.
    pub async fn with_files(files: Vec<(String, Vec<u8>)>) -> Self {
        let app = TestApp::new().await;
        for (path, bytes) in &files {
            app.add(path, bytes);
        }
        app.scan().await;
        let admin = app.admin().await;
        let listed = app.get("/api/v1/albums", Some(&admin)).await.json();
        let albums = listed
            .as_array()
            .expect("albums")
            .iter()
            .map(|a| {
                (
                    a["name"].as_str().expect("name").to_owned(),
                    a["id"].as_i64().expect("id"),
                )
            })
            .collect();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let router = build_app(app.state.clone());
        // The accept loop `albumen serve` runs, with its default limits.
        let limits = albumen::server::ConnectionLimits::from(&app.state.config.server);
        let server = tokio::spawn(albumen::server::serve(
            listener,
            router,
            limits,
            std::future::pending(),
        ));
        Self {
            app,
            admin,
            base,
            albums,
            server,
        }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn album(&self, name: &str) -> i64 {
        *self
            .albums
            .get(name)
            .unwrap_or_else(|| panic!("no album {name}: {:?}", self.albums))
    }

    /// An administrator's JSON API call, which must succeed; its JSON reply (`null` if none).
    pub async fn api(&self, method: Method, path: &str, body: Value) -> Value {
        let reply = self
            .app
            .call(method, path, Some(&self.admin), Some(body))
            .await;
        assert!(
            reply.status.is_success(),
            "{path}: {} {}",
            reply.status,
            reply.text()
        );
        if reply.status == StatusCode::NO_CONTENT || reply.body.is_empty() {
            Value::Null
        } else {
            reply.json()
        }
    }

    /// A user without permissions (password [`PASSWORD`]) who may see `albums`.
    pub async fn user_seeing(&self, name: &str, albums: &[&str]) -> i64 {
        let id = self.app.api_user(&self.admin, name, json!([])).await;
        for album in albums {
            let path = format!("/api/v1/albums/{}/policy", self.album(album));
            self.api(Method::PUT, &path, json!({ "users": [id] })).await;
        }
        id
    }

    pub fn password(&self) -> &'static str {
        PASSWORD
    }
}

/// A finger touching at `from`, sliding to `to` in a quarter of a second, and lifting.
fn finger(id: &str, from: (f64, f64), to: (f64, f64)) -> TouchActions {
    let button = MOUSE_BUTTON_LEFT;
    TouchActions::new(id.to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x: from.0,
            y: from.1,
        })
        .then(PointerAction::Down { button })
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(250)),
            x: to.0,
            y: to.1,
        })
        .then(PointerAction::Up { button })
}
