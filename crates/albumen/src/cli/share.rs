//! `albumen share create | list | revoke`: share links from the command line.

use albumen_core::{PhotoId, ShareId};
use albumen_db::ShareTarget;
use anyhow::Context;
use clap::{Args, Subcommand};

use super::CommonArgs;
use super::policy::matching_albums;
use crate::clock::unix_now;
use crate::share::{self, LinkRequest};
use crate::state::AppState;

#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Make a link to one album or to some photos; prints its path (shown only now)
    Create(ShareCreateArgs),
    /// List every link, live or not (never their tokens: only hashes are stored)
    List,
    /// Stop a link from working, at once
    Revoke {
        /// The link's id, as `share list` shows it
        id: ShareId,
    },
}

#[derive(Debug, Args)]
pub struct ShareCreateArgs {
    /// The album's path in the library (a pattern matching exactly one album)
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with = "photos",
        required_unless_present = "photos"
    )]
    pub album: Option<String>,
    /// Also share every album below it
    #[arg(long, requires = "album")]
    pub sub_albums: bool,
    /// A photo id to share (repeatable)
    #[arg(long = "photo", value_name = "ID")]
    pub photos: Vec<PhotoId>,
    /// Days until the link stops working [default: never]
    #[arg(long)]
    pub days: Option<u32>,
    /// Ask for a password, read from this environment variable
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Holders may download originals
    #[arg(long)]
    pub allow_download: bool,
    /// Holders may download albums as ZIP archives
    #[arg(long)]
    pub allow_zip: bool,
    /// A note for administrators ("for grandma")
    #[arg(long, default_value = "")]
    pub label: String,
}

pub(super) async fn run(common: &CommonArgs, command: ShareCommand) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    let repo = super::catalog(&state).as_ref();
    match command {
        ShareCommand::Create(args) => {
            let target = match &args.album {
                Some(pattern) => {
                    let (ids, paths) = matching_albums(repo, pattern).await?;
                    anyhow::ensure!(
                        ids.len() == 1,
                        "{pattern} matches {} albums: {}",
                        ids.len(),
                        paths.join(", ")
                    );
                    ShareTarget::Album {
                        id: ids[0],
                        include_sub_albums: args.sub_albums,
                    }
                }
                None => ShareTarget::Photos(args.photos.clone()),
            };
            let password = match &args.password_env {
                Some(var) => Some(std::env::var(var).with_context(|| format!("{var} is not set"))?),
                None => None,
            };
            let link = share::create(
                repo,
                LinkRequest {
                    target,
                    label: args.label,
                    expires_at: args.days.map(|d| unix_now() + i64::from(d) * 86_400),
                    password,
                    allow_download: args.allow_download,
                    allow_zip: args.allow_zip,
                    created_by: None,
                },
            )
            .await?;
            println!("{}", link.path());
            println!("share {} created", link.id);
        }
        ShareCommand::List => {
            let now = unix_now();
            for link in repo.list_shares().await? {
                let target = match &link.target {
                    ShareTarget::Album {
                        id,
                        include_sub_albums,
                    } => format!(
                        "album {id}{}",
                        if *include_sub_albums {
                            " and below"
                        } else {
                            ""
                        }
                    ),
                    ShareTarget::Photos(ids) => format!("{} photos", ids.len()),
                };
                let state = match (link.revoked_at, link.is_live(now)) {
                    (Some(_), _) => "revoked",
                    (None, true) => "live",
                    (None, false) => "expired",
                };
                let flags: Vec<&str> = [
                    (link.password_hash.is_some(), "password"),
                    (link.allow_download, "download"),
                    (link.allow_zip, "zip"),
                ]
                .into_iter()
                .filter_map(|(on, name)| on.then_some(name))
                .collect();
                println!(
                    "{}\t{state}\t{target}\t{}\t{} views\t{}",
                    link.id,
                    flags.join(","),
                    link.view_count,
                    link.label
                );
            }
        }
        ShareCommand::Revoke { id } => {
            repo.revoke_share(id, unix_now())
                .await
                .with_context(|| format!("cannot revoke share {id}"))?;
            println!("share {id} revoked");
        }
    }
    Ok(())
}
