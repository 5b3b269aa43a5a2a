//! The command line: `albumen serve | scan | purge | user | login-link | group | policy | share |
//! access | config`. One file per subcommand.

mod access;
mod config_cmd;
mod group;
mod login_link;
mod policy;
mod previews;
mod purge;
mod scan_cmd;
mod serve;
mod share;
mod user;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{
    Config, DataOverride, DatabaseOverride, LibraryOverride, Overrides, ServerOverride,
};

#[derive(Debug, Parser)]
#[command(
    name = "albumen",
    version,
    about = "A self-hosted photo gallery with granular access control"
)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand understands; they override the file and the environment.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Configuration file [default: ./albumen.toml if present]
    #[arg(long, global = true, env = "ALBUMEN_CONFIG")]
    pub config: Option<PathBuf>,
    /// The folder of photos (library.path)
    #[arg(long, global = true)]
    pub library: Option<PathBuf>,
    /// Where the catalog and the preview cache are kept (data.dir)
    #[arg(long, global = true)]
    pub data: Option<PathBuf>,
    /// Catalog database URL, sqlite://… or postgres://… (database.url)
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the gallery (scanning the library in the background)
    Serve(serve::ServeArgs),
    /// Scan the library into the catalog
    Scan(scan_cmd::ScanArgs),
    /// Forget missing photos and albums (and their settings) without waiting for the grace period
    Purge(purge::PurgeArgs),
    /// Manage user accounts
    #[command(subcommand)]
    User(user::UserCommand),
    /// Make a magic login link for a user (prints its path and expiry)
    LoginLink(login_link::LoginLinkArgs),
    /// Manage groups of users
    #[command(subcommand)]
    Group(group::GroupCommand),
    /// Set or remove album or photo access policies by path pattern
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Make, list and revoke share links
    #[command(subcommand)]
    Share(share::ShareCommand),
    /// Explain access decisions
    #[command(subcommand)]
    Access(access::AccessCommand),
    /// Show or check the configuration
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
    /// Make the queued previews here, with a progress bar
    Previews(previews::PreviewsArgs),
    /// Maintain the preview cache
    #[command(subcommand)]
    Cache(previews::CacheCommand),
}

impl CommonArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            library: self.library.clone().map(|path| LibraryOverride { path }),
            data: self.data.clone().map(|dir| DataOverride { dir }),
            server: None,
            database: self
                .database_url
                .clone()
                .map(|url| DatabaseOverride { url }),
        }
    }

    fn load(&self, extra: impl FnOnce(&mut Overrides)) -> anyhow::Result<Config> {
        let mut overrides = self.overrides();
        extra(&mut overrides);
        Ok(Config::load(self.config.as_deref(), &overrides)?)
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.common, args).await,
        Command::Scan(args) => scan_cmd::run(&cli.common, args).await,
        Command::Purge(args) => purge::run(&cli.common, args).await,
        Command::User(command) => user::run(&cli.common, command).await,
        Command::LoginLink(args) => login_link::run(&cli.common, args).await,
        Command::Group(command) => group::run(&cli.common, command).await,
        Command::Policy(command) => policy::run(&cli.common, command).await,
        Command::Share(command) => share::run(&cli.common, command).await,
        Command::Access(command) => access::run(&cli.common, command).await,
        Command::Config(command) => config_cmd::run(&cli.common, &command),
        Command::Previews(args) => previews::run(&cli.common, args).await,
        Command::Cache(command) => previews::run_cache(&cli.common, command).await,
    }
}

/// Overrides for `serve --bind`.
fn bind_override(bind: Option<std::net::SocketAddr>) -> impl FnOnce(&mut Overrides) {
    move |o| o.server = bind.map(|bind| ServerOverride { bind })
}

/// The whole catalog, unscoped: command-line operations are the administrator's own.
#[expect(
    clippy::disallowed_methods,
    reason = "the command line is administration: it works on the whole catalog"
)]
fn catalog(state: &crate::AppState) -> &std::sync::Arc<dyn albumen_db::Repo> {
    state.unscoped_repo()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
