//! `albumen config example | print | check`

use clap::Subcommand;

use super::CommonArgs;
use crate::config::EXAMPLE;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a documented configuration file with every default
    Example,
    /// Print the effective configuration (file, environment and flags merged; secrets hidden)
    Print,
    /// Validate the configuration and exit non-zero if it is unusable
    Check,
}

pub(super) fn run(common: &CommonArgs, command: &ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Example => print!("{EXAMPLE}"),
        ConfigCommand::Print => print!("{}", common.load(|_| {})?.to_redacted_toml()),
        ConfigCommand::Check => {
            common.load(|_| {})?;
            println!("configuration is valid");
        }
    }
    Ok(())
}
