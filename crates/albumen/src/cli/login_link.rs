//! `albumen login-link USER [--days N] [--single-use]`

use anyhow::Context;
use clap::Args;

use super::CommonArgs;
use crate::auth;
use crate::state::AppState;

#[derive(Debug, Args)]
pub struct LoginLinkArgs {
    /// The user the link logs in
    pub user: String,
    /// Days until the link expires (at most 365)
    #[arg(long, default_value_t = auth::login_link::DEFAULT_DAYS)]
    pub days: u32,
    /// The link works only once
    #[arg(long)]
    pub single_use: bool,
}

/// Prints the link's path (to be appended to the site's address) and its expiry.
pub(super) async fn run(common: &CommonArgs, args: LoginLinkArgs) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    let (user, _) = super::catalog(&state)
        .user_credentials(&args.user)
        .await?
        .with_context(|| format!("no such user {:?}", args.user))?;
    let link = auth::login_link::create(
        super::catalog(&state).as_ref(),
        user.id,
        args.days,
        args.single_use,
    )
    .await?;
    println!("{}", link.path());
    println!(
        "expires at {} (unix {}){}",
        chrono::DateTime::from_timestamp(link.expires_at, 0).map_or_else(String::new, |t| t
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string()),
        link.expires_at,
        if args.single_use { ", single use" } else { "" }
    );
    Ok(())
}
