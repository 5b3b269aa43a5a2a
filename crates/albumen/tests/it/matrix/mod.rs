//! The authorization matrix: every route of the product's route table × every role × every
//! object, checked against an independent oracle (`oracle.rs`, not `decide`). The route table
//! feeds it: a route the matrix does not classify fails the test.
//!
//! The world (`catalog.rs`, built in `world.rs`) has public, group and private albums, photos
//! with policies of their own (explicit deny, public inside a private album, naming one user,
//! public inside an unlisted album), nested albums (a private parent over a public child;
//! `Family/Garden`, linked with and without its sub-albums and on its own), an unlisted album
//! reached by a group and by a link, and a `.mp4` of garbage bytes. Roles are anonymous, users
//! (in a group, in none, a scanner, `can_see_all`, an administrator) and share-link holders
//! (live, password-protected locked and unlocked, expired, revoked, photo links).
//!
//! Hidden objects answer byte for byte like nonexistent ones; allowed answers are checked for
//! content (`content.rs`): no hidden name, id, date or count appears in any of them, and lists,
//! breadcrumbs, counts, dates, covers, neighbours and ZIP entries are those of what the viewer
//! may see.

mod catalog;
mod content;
mod flows;
mod objects;
mod oracle;
mod routes;
mod world;

use std::collections::BTreeSet;
use std::time::Instant;

use catalog::{Object, ROLES, Role};
use routes::Family;

/// What the matrix checked.
#[derive(Debug, Default)]
pub struct Tally {
    checks: usize,
    content: usize,
    /// (route, role, object) triples some check was about.
    cells: BTreeSet<(String, Role, Object)>,
}

impl Tally {
    /// One assertion on status or headers.
    fn check(&mut self) {
        self.checks += 1;
    }

    /// One assertion on what an answer says.
    fn content(&mut self) {
        self.checks += 1;
        self.content += 1;
    }

    /// A check was about `object`, on `route`, for `role`.
    fn cell(&mut self, route: &str, role: Role, object: Object) {
        self.cells.insert((route.to_owned(), role, object));
    }
}

#[tokio::test]
async fn every_route_role_and_object_answers_as_the_policy_says() {
    let started = Instant::now();
    let w = world::world().await;
    let table = albumen::web::routes::table();
    let routes = routes::classify(&w, &table);
    let mut tally = Tally::default();

    for route in &routes {
        match route.family {
            Family::AlbumObject | Family::PhotoObject => {
                let albums = route.family == Family::AlbumObject;
                objects::object_route(&w, &mut tally, &route.key, route.path, albums).await;
            }
            Family::List => objects::list_route(&w, &mut tally, &route.key, route.path).await,
            Family::Token => flows::token_route(&w, &mut tally, route).await,
            Family::Open => flows::open_route(&w, &mut tally, route).await,
            Family::Session => flows::session_route(&w, &mut tally, route).await,
            Family::Managed => routes::managed_route(&w, &mut tally, route).await,
        }
    }
    // The administrator's changes (all harmless), then the lists again: nothing moved.
    routes::administrator_changes(&w, &mut tally, &routes).await;
    for route in routes.iter().filter(|r| r.family == Family::List) {
        objects::list_route(&w, &mut tally, &route.key, route.path).await;
    }
    // Logging out ends the sessions every other check used.
    for route in routes.iter().filter(|r| r.family == Family::Session) {
        flows::logout_route(&w, &mut tally, route).await;
    }

    let objects = objects::object_count();
    let cells = routes.len() * ROLES.len() * objects;
    println!(
        "matrix: {} routes × {} roles × {objects} objects = {cells} cells; {} checks, {} of them on content ({} cells checked about their object; {:.2?})",
        routes.len(),
        ROLES.len(),
        tally.checks,
        tally.content,
        tally.cells.len(),
        started.elapsed()
    );
}
