//! `albumen serve`: open the catalog, create the first administrator if there is none, scan in
//! the background and serve until interrupted.

use std::net::SocketAddr;

use albumen_core::model::Permissions;
use anyhow::Context;
use clap::Args;

use super::{CommonArgs, bind_override};
use crate::auth;
use crate::server::ConnectionLimits;
use crate::state::AppState;

/// Environment variable with the first administrator's password (otherwise one is generated).
pub(super) const ADMIN_PASSWORD_ENV: &str = "ALBUMEN_ADMIN_PASSWORD";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (server.bind)
    #[arg(long)]
    pub bind: Option<SocketAddr>,
}

pub(super) async fn run(common: &CommonArgs, args: ServeArgs) -> anyhow::Result<()> {
    let config = common.load(bind_override(args.bind))?;
    let library = config.library.path.clone();
    anyhow::ensure!(
        library.is_dir(),
        "the library folder {} does not exist (set it with --library DIR or library.path)",
        library.display()
    );
    let bind = config.server.bind;
    let limits = connection_limits(&config.server);
    let scan_on_start = config.server.scan_on_start;
    let state = AppState::open(config).await?;
    create_first_admin(&state).await?;
    if scan_on_start {
        let mut job = crate::scan::ScanJob::new(&library, &state.config.scan);
        job.queue_previews = state.config.previews.background;
        state.scans.start(super::catalog(&state).clone(), job)?;
    }
    if state.config.previews.background {
        // Every instance works the shared preview queue (scans here or elsewhere fill it).
        tokio::spawn(crate::preview_jobs::serve_forever(state.clone()));
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr()?;
    println!(
        "Albumen is serving {} at http://{address}/",
        library.display()
    );
    let app = crate::build_app(state);
    crate::server::serve(listener, app, limits, shutdown_signal()).await;
    Ok(())
}

/// The configured limits, with the connection cap lowered to what the process's descriptor
/// limit allows (raised to its hard limit first) after a reserve for the catalog, the cache and
/// files being sent.
fn connection_limits(server: &crate::config::ServerConfig) -> ConnectionLimits {
    const RESERVE: usize = 128;
    let mut limits = ConnectionLimits::from(server);
    if let Some(descriptors) = raise_descriptor_limit() {
        let allowed = descriptors.saturating_sub(RESERVE).max(1);
        if allowed < limits.max_connections {
            eprintln!(
                "warning: server.max_connections lowered from {} to {allowed}: \
                 the process may open only {descriptors} files (ulimit -n)",
                limits.max_connections
            );
            limits.max_connections = allowed;
        }
    }
    limits
}

/// Raises the soft limit on open files to the hard limit and returns it (`None` if unknown).
fn raise_descriptor_limit() -> Option<usize> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            limit = raised;
        }
    }
    limit
        .current
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// On an empty catalog, creates `admin` with the password from `ALBUMEN_ADMIN_PASSWORD`, or a
/// random one printed this once.
async fn create_first_admin(state: &AppState) -> anyhow::Result<()> {
    if super::catalog(state).count_users().await? > 0 {
        return Ok(());
    }
    let (password, generated) = match std::env::var(ADMIN_PASSWORD_ENV) {
        Ok(password) if !password.is_empty() => (password, false),
        _ => (super::user::random_password(), true),
    };
    auth::create_user(
        super::catalog(state).as_ref(),
        "admin",
        &password,
        Permissions::ADMIN,
    )
    .await
    .with_context(|| format!("cannot create the first administrator ({ADMIN_PASSWORD_ENV})"))?;
    if generated {
        println!(
            "Created the administrator account.\n  username: admin\n  password: {password}\n  (shown only once)"
        );
    } else {
        println!(
            "Created the administrator account 'admin' with the password from {ADMIN_PASSWORD_ENV}."
        );
    }
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        () = terminate => {},
    }
}
