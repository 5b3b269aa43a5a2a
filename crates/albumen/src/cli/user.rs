//! `albumen user add | list`

use std::io::BufRead;

use albumen_core::model::Permissions;
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
            let user =
                auth::create_user(state.repo.as_ref(), &args.name, &password, permissions).await?;
            println!("created user {} (id {})", user.username, user.id);
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List => {
            println!("{:>6}  {:<24} {:<9} permissions", "id", "username", "state");
            for user in state.repo.list_users().await? {
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

/// 20 alphanumerics: about 119 bits.
pub(crate) fn random_password() -> String {
    rand::rng()
        .sample_iter(&rand::distr::Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}
