//! One call per ban of `clippy.toml` this crate could break, each expecting the lint. If a ban
//! stops firing (a renamed path, a dependency that moved the function, a deleted line), its
//! expectation goes unfulfilled and `cargo clippy --all-targets -- -D warnings` fails. Never
//! called; compiled only for tests.
#![allow(dead_code, reason = "never called: these exist to be linted")]

use std::path::Path;

use object_store::ObjectStore;

const NOWHERE: &str = "/nonexistent";

#[expect(clippy::disallowed_methods)]
fn std_fs_read() {
    let _ = std::fs::read(NOWHERE);
}

#[expect(clippy::disallowed_methods)]
fn std_fs_read_to_string() {
    let _ = std::fs::read_to_string(NOWHERE);
}

#[expect(clippy::disallowed_methods)]
fn std_fs_copy() {
    let _ = std::fs::copy(NOWHERE, NOWHERE);
}

#[expect(clippy::disallowed_methods)]
fn std_file_open() {
    let _ = std::fs::File::open(NOWHERE);
}

#[expect(clippy::disallowed_methods)]
fn std_open_options_open() {
    let _ = std::fs::OpenOptions::new().read(true).open(NOWHERE);
}

#[expect(clippy::disallowed_methods)]
async fn tokio_fs_read() {
    let _ = tokio::fs::read(NOWHERE).await;
}

#[expect(clippy::disallowed_methods)]
async fn tokio_fs_read_to_string() {
    let _ = tokio::fs::read_to_string(NOWHERE).await;
}

#[expect(clippy::disallowed_methods)]
async fn tokio_fs_copy() {
    let _ = tokio::fs::copy(NOWHERE, NOWHERE).await;
}

#[expect(clippy::disallowed_methods)]
async fn tokio_file_open() {
    let _ = tokio::fs::File::open(NOWHERE).await;
}

#[expect(clippy::disallowed_methods)]
async fn tokio_open_options_open() {
    let _ = tokio::fs::OpenOptions::new().read(true).open(NOWHERE).await;
}

#[expect(clippy::disallowed_methods)]
async fn object_store_get(store: &dyn ObjectStore) {
    use object_store::ObjectStoreExt;
    let _ = store.get(&"x".into()).await;
}

#[expect(clippy::disallowed_methods)]
async fn object_store_get_range(store: &dyn ObjectStore) {
    use object_store::ObjectStoreExt;
    let _ = store.get_range(&"x".into(), 0..1).await;
}

#[expect(clippy::disallowed_methods)]
async fn object_store_get_opts(store: &dyn ObjectStore) {
    let _ = store.get_opts(&"x".into(), Default::default()).await;
}

#[expect(clippy::disallowed_methods)]
async fn object_store_get_ranges(store: &dyn ObjectStore) {
    let _ = store.get_ranges(&"x".into(), &[0..1, 2..3]).await;
}

#[expect(clippy::disallowed_methods)]
fn rustix_open() {
    use rustix::fs::{Mode, OFlags};
    let _ = rustix::fs::open(NOWHERE, OFlags::RDONLY, Mode::empty());
}

#[expect(clippy::disallowed_methods)]
fn rustix_openat() {
    use rustix::fs::{CWD, Mode, OFlags};
    let _ = rustix::fs::openat(CWD, NOWHERE, OFlags::RDONLY, Mode::empty());
}

#[expect(clippy::disallowed_methods)]
fn rustix_openat2() {
    use rustix::fs::{CWD, Mode, OFlags, ResolveFlags};
    let _ = rustix::fs::openat2(
        CWD,
        NOWHERE,
        OFlags::RDONLY,
        Mode::empty(),
        ResolveFlags::empty(),
    );
}

#[expect(clippy::disallowed_methods)]
fn std_command_new() {
    let _ = std::process::Command::new(Path::new(NOWHERE));
}

#[expect(clippy::disallowed_methods)]
fn tokio_command_new() {
    let _ = tokio::process::Command::new(Path::new(NOWHERE));
}

fn media() -> albumen_core::access::MediaRef {
    #[expect(clippy::disallowed_methods)]
    albumen_core::access::MediaRef::new(
        albumen_core::PhotoId::new(1),
        albumen_core::model::MediaKind::Image,
        NOWHERE.to_owned(),
        None,
        String::new(),
        0,
    )
}

#[expect(clippy::disallowed_methods)]
fn system_grant() {
    use albumen_core::access::{SystemReason, system_grant};
    let _ = system_grant(media(), SystemReason::Cli);
}

#[expect(clippy::disallowed_methods)]
fn subject_user() {
    use albumen_core::access::Subject;
    let _ = Subject::user(albumen_core::UserId::new(1), [], Default::default());
}

#[expect(clippy::disallowed_methods)]
fn share_grant_and_with_share() {
    use albumen_core::access::{ShareGrant, Subject};
    let grant = ShareGrant::new(None, Default::default(), Default::default(), false, false);
    let _ = Subject::anonymous().with_share(grant);
}

#[expect(clippy::disallowed_methods)]
fn unscoped_repo(state: &crate::AppState) {
    let _ = state.unscoped_repo();
}
