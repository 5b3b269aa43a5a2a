//! `albumen purge`: forget missing photos and albums now instead of after the grace period.

use clap::Args;

use super::CommonArgs;
use crate::clock::unix_now;
use crate::state::AppState;

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Only what has been missing at least this many days
    #[arg(long, default_value_t = 0)]
    pub older_than_days: u32,
}

pub(super) async fn run(common: &CommonArgs, args: PurgeArgs) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    let before = unix_now() - i64::from(args.older_than_days) * 86_400 + 1;
    let (photos, albums) = super::catalog(&state).purge_missing(before).await?;
    println!("purged {photos} missing photos and {albums} missing albums");
    Ok(())
}
