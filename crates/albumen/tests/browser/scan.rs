//! The scan page as an administrator uses it: "Scan now", the progress following the scan
//! through the event stream to its end, and the report of the new photos.

use std::time::{Duration, Instant};

use crate::fixtures::{Exif, jpeg};
use crate::harness::{Browser, World, browser_test};

/// New photos: enough that the scan is still running when the page comes back from the form
/// (a second or two).
const NEW: usize = 3000;

/// What the page shows now: the state line, the progress bar's value and maximum, and the
/// notice, if any.
async fn shown(browser: &Browser) -> (String, f64, f64, String) {
    let value = browser
        .script(
            "const bar = document.getElementById('scan-progress'); \
             const state = document.getElementById('scan-state'); \
             const notice = document.querySelector('.admin-notice'); \
             return bar && state ? [state.textContent, bar.value, bar.max, \
               notice ? notice.textContent : ''] : ['', 0, 0, ''];",
            vec![],
        )
        .await;
    serde_json::from_value(value).unwrap_or_default()
}

#[tokio::test]
async fn an_administrator_scans_and_follows_the_progress() {
    browser_test("admin_scan", async |browser| {
        let world = World::new(&[("Garden", 2)]).await;
        for i in 0..NEW {
            world.app.add(
                &format!("Holiday/photo {i:04}.jpg"),
                &jpeg(96, 72, &Exif::default()),
            );
        }
        browser.viewport(1280, 800).await;
        browser.goto(&world.url("/login")).await;
        browser.fill("form input[name=username]", "admin").await;
        browser
            .fill("form input[name=password]", world.password())
            .await;
        browser
            .click("form:has(input[name=password]) button[type=submit]")
            .await;
        browser.wait_for_path("/").await;

        browser.goto(&world.url("/admin/scan")).await;
        assert_eq!(browser.text("main h1").await, "Scan");
        assert_eq!(browser.text("#scan-state").await, "Idle");
        let nav = browser.text("nav.admin-nav").await;
        assert!(nav.contains("Scan") && nav.contains("People"), "{nav}");
        // The scan World::new ran.
        assert_eq!(browser.text("#report-photos").await, "2");

        browser.click("form[action='/admin/scan'] button").await;
        // The page the form leads back to ("Scan started.").
        browser.find(".admin-notice").await;
        // What the state line says, each time it changes, kept in the tab's session storage
        // across the reload that follows the scan's end.
        browser
            .script(
                "const state = document.getElementById('scan-state'); \
                 const keep = () => sessionStorage.setItem('seen', \
                   (sessionStorage.getItem('seen') || '') + state.textContent + '|'); \
                 keep(); \
                 new MutationObserver(keep).observe(state, {childList: true, characterData: true, subtree: true});",
                vec![],
            )
            .await;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut progress = Vec::new();
        let mut shot = false;
        loop {
            let (state, value, max, notice) = shown(browser).await;
            if state.starts_with("Scanning") {
                progress.push((value, max));
                if !shot && value > 0.0 {
                    browser.screenshot("admin-scan-progress").await;
                    shot = true;
                }
            }
            if notice == "Scan finished." {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the page did not see the scan end: {state:?} {notice:?}"
            );
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        let seen = browser
            .script("return sessionStorage.getItem('seen')", vec![])
            .await;
        let seen = seen.as_str().unwrap_or_default().to_owned();
        eprintln!("admin_scan: states {seen:?}, progress sampled {progress:?}");
        // "Scan finished." is the page's answer to the stream's `done` on a page that showed the
        // scan running. What the test saw of it before that: the running state, then "Done";
        // on a loaded machine the run can be over before the observer is in place ("Done"
        // only, or the reloaded page's "Idle").
        assert!(
            seen.ends_with("Done|") || seen == "Idle|",
            "the state line went {seen}"
        );
        if seen.starts_with("Scanning (") {
            eprintln!("admin_scan: the page showed the scan running, then done");
        }
        assert!(
            progress.iter().all(|&(value, max)| value <= max && max >= 1.0),
            "{progress:?}"
        );
        // Back from the stream's `done`: the report of the scan just made.
        assert_eq!(browser.text("#scan-state").await, "Idle");
        assert_eq!(browser.text("#report-added").await, NEW.to_string());
        assert_eq!(browser.text("#report-photos").await, (NEW + 2).to_string());
        let live = browser
            .script("return document.getElementById('scan-live').hidden", vec![])
            .await;
        assert_eq!(live, true, "no progress bar with no scan running");
        let console = browser.console().await;
        assert!(
            !console
                .iter()
                .any(|m| m.contains("Content Security Policy")),
            "{console:?}"
        );
        browser.screenshot("admin-scan").await;
        browser.viewport(390, 844).await;
        browser.screenshot("admin-scan-phone").await;
    })
    .await;
}
