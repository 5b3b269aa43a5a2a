//! `albumen group add | list | members`

use std::collections::HashMap;

use albumen_core::{GroupId, UserId};
use albumen_db::{Group, RepoError, Users};
use anyhow::Context;
use clap::{Args, Subcommand};

use super::CommonArgs;
use crate::clock::unix_now;
use crate::state::AppState;

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group, optionally with members
    Add(GroupAddArgs),
    /// List groups and their members
    List,
    /// Show the members of a group, or replace them with the users given
    Members(GroupMembersArgs),
}

#[derive(Debug, Args)]
pub struct GroupAddArgs {
    pub name: String,
    /// A username to add to the group (repeatable)
    #[arg(long = "member", value_name = "USER")]
    pub members: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GroupMembersArgs {
    pub name: String,
    /// The new members (all of them); without any, print the current members
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
}

pub(super) async fn run(common: &CommonArgs, command: GroupCommand) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    let repo = super::catalog(&state).as_ref();
    match command {
        GroupCommand::Add(args) => {
            // Resolve members first, so an unknown user creates nothing.
            let members = user_ids(repo, &args.members).await?;
            let id = match repo.create_group(&args.name, unix_now()).await {
                Err(RepoError::Conflict(_)) => {
                    anyhow::bail!("group {:?} already exists", args.name)
                }
                other => other?,
            };
            if !members.is_empty() {
                repo.set_group_members(id, &members).await?;
            }
            println!("created group {} (id {id})", args.name);
        }
        GroupCommand::List => {
            let names = usernames(repo).await?;
            println!("{:>6}  {:<24} members", "id", "name");
            for group in repo.list_groups().await? {
                let members = member_names(repo, &names, group.id).await?;
                println!("{:>6}  {:<24} {}", group.id, group.name, members.join(", "));
            }
        }
        GroupCommand::Members(args) => {
            let group = group_named(repo, &args.name).await?;
            if !args.users.is_empty() {
                let members = user_ids(repo, &args.users).await?;
                repo.set_group_members(group.id, &members)
                    .await
                    .with_context(|| format!("cannot set the members of {}", group.name))?;
            }
            let names = usernames(repo).await?;
            let members = member_names(repo, &names, group.id).await?;
            println!("{}: {}", group.name, members.join(", "));
        }
    }
    Ok(())
}

/// The ids of the named users, in order and without repeats; an unknown name is an error
/// naming it.
pub(super) async fn user_ids(repo: &dyn Users, names: &[String]) -> anyhow::Result<Vec<UserId>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let (user, _) = repo
            .user_credentials(name)
            .await?
            .with_context(|| format!("no such user {name:?}"))?;
        if !ids.contains(&user.id) {
            ids.push(user.id);
        }
    }
    Ok(ids)
}

/// The ids of the named groups, in order and without repeats; an unknown name is an error
/// naming it.
pub(super) async fn group_ids(repo: &dyn Users, names: &[String]) -> anyhow::Result<Vec<GroupId>> {
    let groups = repo.list_groups().await?;
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let group = groups
            .iter()
            .find(|g| &g.name == name)
            .with_context(|| format!("no such group {name:?}"))?;
        if !ids.contains(&group.id) {
            ids.push(group.id);
        }
    }
    Ok(ids)
}

async fn group_named(repo: &dyn Users, name: &str) -> anyhow::Result<Group> {
    repo.list_groups()
        .await?
        .into_iter()
        .find(|g| g.name == name)
        .with_context(|| format!("no such group {name:?}"))
}

async fn usernames(repo: &dyn Users) -> anyhow::Result<HashMap<UserId, String>> {
    Ok(repo
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect())
}

async fn member_names(
    repo: &dyn Users,
    names: &HashMap<UserId, String>,
    group: GroupId,
) -> anyhow::Result<Vec<String>> {
    let mut members: Vec<String> = repo
        .group_members(group)
        .await?
        .into_iter()
        .map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
        .collect();
    members.sort();
    Ok(members)
}
