//! `albumen user add | list | grant | revoke`

use std::io::BufRead;

use albumen_core::model::Permissions;
use albumen_db::UserUpdate;
use anyhow::Context;
use clap::{Args, Subcommand};
use rand::Rng;

use super::CommonArgs;
use crate::auth;
use crate::state::AppState;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (prints a generated password unless --password-stdin is given)
    Add(AddArgs),
    /// List users and their permissions
    List,
    /// Give a user a permission (admin, can_see_all or can_scan); ends the user's sessions
    Grant(PermissionArgs),
    /// Take a permission (admin, can_see_all or can_scan) from a user; ends the user's sessions
    Revoke(PermissionArgs),
}

#[derive(Debug, Args)]
pub struct PermissionArgs {
    pub user: String,
    /// admin, can_see_all or can_scan
    pub permission: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    pub name: String,
    /// Administrator: sees everything, manages users and scans
    #[arg(long)]
    pub admin: bool,
    /// May see every album and photo
    #[arg(long)]
    pub can_see_all: bool,
    /// May start library scans
    #[arg(long)]
    pub can_scan: bool,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
}

pub(super) async fn run(common: &CommonArgs, command: UserCommand) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    match command {
        UserCommand::Add(args) => {
            let (password, generated) = if args.password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (random_password(), true)
            };
            let permissions = Permissions {
                admin: args.admin,
                can_see_all: args.can_see_all,
                can_scan: args.can_scan,
            };
            let user = auth::create_user(
                super::catalog(&state).as_ref(),
                &args.name,
                &password,
                permissions,
            )
            .await?;
            println!("created user {} (id {})", user.username, user.id);
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::Grant(args) => change_permission(&state, &args, true).await?,
        UserCommand::Revoke(args) => change_permission(&state, &args, false).await?,
        UserCommand::List => {
            println!("{:>6}  {:<24} {:<9} permissions", "id", "username", "state");
            for user in super::catalog(&state).list_users().await? {
                println!(
                    "{:>6}  {:<24} {:<9} {}",
                    user.id,
                    user.username,
                    if user.disabled { "disabled" } else { "active" },
                    user.permissions.names().join(", ")
                );
            }
        }
    }
    Ok(())
}

/// Turns one permission on or off and prints the user's permissions afterwards.
async fn change_permission(
    state: &AppState,
    args: &PermissionArgs,
    on: bool,
) -> anyhow::Result<()> {
    let named = Permissions::from_names([args.permission.as_str()]).map_err(anyhow::Error::msg)?;
    let (user, _) = super::catalog(state)
        .user_credentials(&args.user)
        .await?
        .with_context(|| format!("no such user {:?}", args.user))?;
    let mut permissions = user.permissions;
    for (flag, wanted) in [
        (&mut permissions.admin, named.admin),
        (&mut permissions.can_see_all, named.can_see_all),
        (&mut permissions.can_scan, named.can_scan),
    ] {
        if wanted {
            *flag = on;
        }
    }
    let update = UserUpdate {
        permissions: Some(permissions),
        ..UserUpdate::default()
    };
    let user = super::catalog(state).update_user(user.id, &update).await?;
    let names = user.permissions.names();
    println!(
        "{}: {}",
        user.username,
        if names.is_empty() {
            "no permissions".to_owned()
        } else {
            names.join(", ")
        }
    );
    Ok(())
}

/// 20 alphanumerics: about 119 bits.
pub(crate) fn random_password() -> String {
    rand::rng()
        .sample_iter(&rand::distr::Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}
