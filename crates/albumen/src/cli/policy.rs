//! `albumen policy set | unset | unlist | relist`: the policies of every album (or photo) whose
//! path matches a glob, all or nothing, and album listing.

use std::collections::BTreeSet;

use albumen_core::access::{AlbumPolicy, Policy};
use albumen_core::{AlbumId, PhotoId};
use albumen_db::Catalog;
use clap::{Args, Subcommand};
use regex::Regex;

use super::CommonArgs;
use super::group::{group_ids, user_ids};
use crate::clock::unix_now;
use crate::state::AppState;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Set (replace) the policy of every album, or photo, matching a pattern
    Set(PolicySetArgs),
    /// Remove the policy of every album matching a pattern (they become private), or of every
    /// photo (they follow their album again)
    Unset(PolicyUnsetArgs),
    /// Keep albums out of every list: reachable through share links (and by those their policy
    /// admits, at their address) only
    Unlist(AlbumsArgs),
    /// List unlisted albums again
    Relist(AlbumsArgs),
}

/// Which albums or photos a command changes.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Selection {
    /// Album paths as in the library: `*` matches within a folder name, `**` across folders,
    /// `?` one character
    #[arg(long, value_name = "PATTERN")]
    pub album: Option<String>,
    /// Photo paths as in the library (album path, `/`, file name), with the same wildcards
    #[arg(long, value_name = "PATTERN")]
    pub photo: Option<String>,
}

#[derive(Debug, Args)]
pub struct PolicySetArgs {
    #[command(flatten)]
    pub target: Selection,
    /// Everyone may see them, even without logging in
    #[arg(long)]
    pub public: bool,
    /// A user who may see them (repeatable)
    #[arg(long = "user", value_name = "USER")]
    pub users: Vec<String>,
    /// A group whose members may see them (repeatable)
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Photos without their own policy do not follow the albums' (albums only)
    #[arg(long, conflicts_with = "photo")]
    pub no_inherit: bool,
}

#[derive(Debug, Args)]
pub struct PolicyUnsetArgs {
    #[command(flatten)]
    pub target: Selection,
}

#[derive(Debug, Args)]
pub struct AlbumsArgs {
    /// Album paths as in the library: `*` matches within a folder name, `**` across folders,
    /// `?` one character
    #[arg(long, value_name = "PATTERN")]
    pub album: String,
}

pub(super) async fn run(common: &CommonArgs, command: PolicyCommand) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    let repo = super::catalog(&state).as_ref();
    match command {
        PolicyCommand::Set(args) => {
            let users = user_ids(repo, &args.users).await?;
            let policy = Policy {
                public: args.public,
                users: users.into_iter().collect(),
                groups: group_ids(repo, &args.groups).await?.into_iter().collect(),
            };
            match select(repo, &args.target).await? {
                Selected::Albums(ids, paths) => {
                    let policy = AlbumPolicy {
                        policy,
                        inherit: !args.no_inherit,
                    };
                    repo.set_album_policies(&ids, &policy, unix_now()).await?;
                    println!("set policy on {} albums: {}", ids.len(), paths.join(", "));
                }
                Selected::Photos(ids, paths) => {
                    repo.set_photo_policies(&ids, &policy, unix_now()).await?;
                    println!("set policy on {} photos: {}", ids.len(), paths.join(", "));
                }
            }
        }
        PolicyCommand::Unset(args) => match select(repo, &args.target).await? {
            Selected::Albums(ids, paths) => {
                repo.delete_album_policies(&ids).await?;
                println!(
                    "removed policy from {} albums: {}",
                    ids.len(),
                    paths.join(", ")
                );
            }
            Selected::Photos(ids, paths) => {
                repo.delete_photo_policies(&ids).await?;
                println!(
                    "removed policy from {} photos: {}",
                    ids.len(),
                    paths.join(", ")
                );
            }
        },
        PolicyCommand::Unlist(args) => {
            let (ids, paths) = matching_albums(repo, &args.album).await?;
            repo.set_albums_unlisted(&ids, true).await?;
            println!("unlisted {} albums: {}", ids.len(), paths.join(", "));
        }
        PolicyCommand::Relist(args) => {
            let (ids, paths) = matching_albums(repo, &args.album).await?;
            repo.set_albums_unlisted(&ids, false).await?;
            println!("listed {} albums again: {}", ids.len(), paths.join(", "));
        }
    }
    Ok(())
}

/// What a [`Selection`] matched, with the paths, in path order.
enum Selected {
    Albums(Vec<AlbumId>, Vec<String>),
    Photos(Vec<PhotoId>, Vec<String>),
}

async fn select(repo: &dyn Catalog, selection: &Selection) -> anyhow::Result<Selected> {
    match (&selection.album, &selection.photo) {
        (Some(pattern), _) => {
            let (ids, paths) = matching_albums(repo, pattern).await?;
            Ok(Selected::Albums(ids, paths))
        }
        (None, Some(pattern)) => {
            let glob = glob_regex(pattern)?;
            let matches: BTreeSet<(String, PhotoId)> = repo
                .catalog_files()
                .await?
                .into_iter()
                .filter(|f| !f.missing && glob.is_match(&f.path))
                .map(|f| (f.path, f.id))
                .collect();
            anyhow::ensure!(!matches.is_empty(), "no photo matches {pattern}");
            let (paths, ids) = matches.into_iter().unzip();
            Ok(Selected::Photos(ids, paths))
        }
        (None, None) => anyhow::bail!("give --album or --photo"),
    }
}

/// The present albums whose path matches `pattern`, by path; none is an error.
pub(super) async fn matching_albums(
    repo: &dyn Catalog,
    pattern: &str,
) -> anyhow::Result<(Vec<AlbumId>, Vec<String>)> {
    let glob = glob_regex(pattern)?;
    let matches: BTreeSet<(String, AlbumId)> = repo
        .catalog_albums()
        .await?
        .into_iter()
        .filter(|a| !a.missing && glob.is_match(&a.path))
        .map(|a| (a.path, a.id))
        .collect();
    anyhow::ensure!(!matches.is_empty(), "no album matches {pattern}");
    Ok(matches.into_iter().map(|(path, id)| (id, path)).unzip())
}

/// Translates a glob over `/`-separated paths into an anchored regex: `*` matches within one
/// segment, `**` across segments (`**/` also matches no folder at all), `?` one character other
/// than `/`; everything else matches itself.
fn glob_regex(pattern: &str) -> anyhow::Result<Regex> {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                    re.push_str("(?:.*/)?");
                } else {
                    re.push_str(".*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            other => re.push_str(&regex::escape(other.encode_utf8(&mut [0; 4]))),
        }
    }
    re.push('$');
    Ok(Regex::new(&re)?)
}

#[cfg(test)]
mod tests {
    use super::glob_regex;

    fn matches(pattern: &str, path: &str) -> bool {
        glob_regex(pattern).expect("valid glob").is_match(path)
    }

    #[test]
    fn a_plain_name_matches_exactly_that_path() {
        assert!(matches(
            "2013_01_19_Snow in Paris",
            "2013_01_19_Snow in Paris"
        ));
        assert!(!matches("2013", "2013_01_19_Snow in Paris"));
        assert!(!matches("Paris", "2013/Paris/x"));
        assert!(matches("a.b+(c)", "a.b+(c)"));
        assert!(!matches("a.b", "axb"));
    }

    #[test]
    fn a_star_stays_within_one_folder() {
        assert!(matches("2013_*", "2013_01_19_Snow in Paris"));
        assert!(!matches("2013_*", "2013_01/inner"));
        assert!(matches("trips/*", "trips/Rome"));
        assert!(!matches("trips/*", "trips/Rome/day 1"));
        assert!(!matches("trips/*", "trips"));
        assert!(matches("*", "top"));
    }

    #[test]
    fn a_double_star_crosses_folders() {
        assert!(matches("trips/**", "trips/Rome/day 1"));
        assert!(matches("**/day ?", "trips/Rome/day 1"));
        assert!(matches("**/day ?", "day 2"));
        assert!(matches("trips/**/day 1", "trips/day 1"));
        assert!(!matches("trips/**", "other/Rome"));
        assert!(matches("**", "a/b/c"));
    }

    #[test]
    fn a_question_mark_is_one_character_but_not_a_slash() {
        assert!(matches("201?", "2013"));
        assert!(!matches("201?", "20134"));
        assert!(!matches("a?b", "a/b"));
    }
}
