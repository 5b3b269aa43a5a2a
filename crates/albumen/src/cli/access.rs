//! `albumen access explain --user USER (--photo ID | --album ID)`

use albumen_core::access::{Action, Target, explain};
use albumen_core::{AlbumId, PhotoId};
use anyhow::Context;
use clap::{Args, Subcommand};

use super::CommonArgs;
use crate::state::AppState;

#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// Say whether a user may see a photo or an album, and which rule decides
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["photo", "album"])))]
pub struct ExplainArgs {
    /// The username
    #[arg(long)]
    pub user: String,
    /// A photo id
    #[arg(long)]
    pub photo: Option<i64>,
    /// An album id
    #[arg(long)]
    pub album: Option<i64>,
}

pub(super) async fn run(common: &CommonArgs, command: AccessCommand) -> anyhow::Result<()> {
    let AccessCommand::Explain(args) = command;
    let state = AppState::open(common.load(|_| {})?).await?;
    let repo = super::catalog(&state).as_ref();
    let (user, _) = repo
        .user_credentials(&args.user)
        .await?
        .with_context(|| format!("no such user {:?}", args.user))?;
    let subject = crate::auth::subject_of(repo, &user).await?;
    let why = match (args.photo, args.album) {
        (Some(id), _) => {
            let facts = repo
                .photo_facts(PhotoId::new(id))
                .await?
                .with_context(|| format!("no such photo {id}"))?;
            explain(&subject, Action::View, Target::Photo(&facts))
        }
        (None, Some(id)) => {
            let facts = repo
                .album_facts(AlbumId::new(id))
                .await?
                .with_context(|| format!("no such album {id}"))?;
            explain(&subject, Action::View, Target::Album(&facts))
        }
        (None, None) => anyhow::bail!("give --photo or --album"),
    };
    println!("{}", why.verdict());
    let mut sentence = why.rule.to_string();
    if let Some(group) = why.rule.group()
        && let Some(g) = repo
            .list_groups()
            .await?
            .into_iter()
            .find(|g| g.id == group)
    {
        let plain = format!("group {group}");
        sentence = sentence.replacen(&plain, &format!("{plain} ({})", g.name), 1);
    }
    println!("{sentence}");
    if user.disabled {
        println!("note: the account is disabled, so it cannot log in to see anything");
    }
    Ok(())
}
