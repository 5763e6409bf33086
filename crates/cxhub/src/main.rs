//! The `cxhub` command: serve the API, manage tenants and tokens, fill a database with a
//! simulated contact center.
//!
//! The subcommand names and flags are a contract that the README, the docs and users'
//! scripts rely on; change them only with those.

mod copy;
mod report;
mod simulate;

/// mimalloc rather than the system allocator: a page's rows are decoded on a blocking
/// thread and freed on an async worker, and glibc's per-thread arenas make those
/// cross-thread frees costly (docs/decisions.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use cxhub_model::ids::Key;
use cxhub_model::time::Zone;
use cxhub_server::AppState;
use cxhub_store::tokens::Role;
use cxhub_store::{NewTenant, Store};

#[derive(Parser)]
#[command(
    name = "cxhub",
    version,
    about = "One self-hosted server for contact-center records"
)]
struct Cli {
    /// The database: a SQLite file path (created if missing), a sqlite:// URL, or a
    /// postgres:// URL (several servers may share one).
    #[arg(long, global = true, env = "CXHUB_DB", default_value = "./cxhub.db")]
    db: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API until SIGINT or SIGTERM.
    Serve {
        /// The address to listen on.
        #[arg(long, env = "CXHUB_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Seconds a client has to send a request's headers.
        #[arg(long, env = "CXHUB_HEADER_TIMEOUT", default_value_t = 10)]
        header_timeout: u64,
        /// Seconds a client has to send a request's body.
        #[arg(long, env = "CXHUB_BODY_TIMEOUT", default_value_t = 60)]
        body_timeout: u64,
        /// Connections open at once; more get a 503. Default: the open-file limit less 64.
        #[arg(long, env = "CXHUB_MAX_CONNECTIONS")]
        max_connections: Option<usize>,
        /// Seconds requests in flight may run on after SIGINT or SIGTERM.
        #[arg(long, env = "CXHUB_SHUTDOWN_GRACE", default_value_t = 30)]
        shutdown_grace: u64,
    },
    /// Manage tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Fill the database with a simulated contact center (creates the tenant if missing).
    Simulate(simulate::Args),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Print a report: the figures of `GET /v1/analytics/calls` (or `interactions`) as a
    /// table, CSV or JSON.
    Report(report::Args),
    /// Check the analytics rollups.
    Analytics {
        #[command(subcommand)]
        command: report::AnalyticsCommand,
    },
    /// Copy tenants, with every record, event, token and directory entry, from one
    /// database to another (SQLite to PostgreSQL, say). Safe to run again.
    Copy(copy::Args),
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant.
    Create {
        /// The tenant id, such as `acme`.
        id: String,
        /// The IANA time zone local date-times are read in by default.
        #[arg(long, default_value = "UTC")]
        timezone: String,
        /// A display name; defaults to the id.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print it (only the token) on stdout. It is shown only once.
    Create {
        #[arg(long)]
        tenant: String,
        /// read, write or admin.
        #[arg(long)]
        role: String,
        /// A note on what the token is for.
        #[arg(long)]
        label: Option<String>,
    },
    /// List tokens (never their secrets).
    List {
        /// Only this tenant's tokens.
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Revoke a token by its id (`tok_…`, as `token list` shows).
    Revoke { id: String },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("CXHUB_LOG")
        .unwrap_or_else(|_| "info,tower_http=warn".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // JSON lines by default (one object a line, for log shippers); `text` for people.
    match std::env::var("CXHUB_LOG_FORMAT").as_deref() {
        Ok("text") => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        Ok("json") | Err(_) => logs.json().flatten_event(true).init(),
        Ok(other) => bail!("CXHUB_LOG_FORMAT must be json or text, not `{other}`"),
    }
    let runtime = tokio::runtime::Runtime::new().context("could not start the async runtime")?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // `copy` names both its databases; `--db` is not opened (nor created) for it.
    if let Command::Copy(args) = cli.command {
        return copy::run(args).await;
    }
    let store = Store::open(&cli.db)
        .await
        .with_context(|| format!("could not open the database {}", cli.db))?;
    match cli.command {
        Command::Serve {
            listen,
            header_timeout,
            body_timeout,
            max_connections,
            shutdown_grace,
        } => {
            let defaults = cxhub_server::serve::Limits::default();
            let limits = cxhub_server::serve::Limits {
                header_timeout: Duration::from_secs(header_timeout.max(1)),
                body_timeout: Duration::from_secs(body_timeout.max(1)),
                max_connections: max_connections.unwrap_or(defaults.max_connections).max(1),
                shutdown_grace: Duration::from_secs(shutdown_grace),
            };
            serve(store, listen, limits).await
        }
        Command::Tenant {
            command: TenantCommand::Create { id, timezone, name },
        } => {
            let id = Key::parse(&id).map_err(|reason| anyhow::anyhow!("tenant id {reason}"))?;
            let timezone =
                Zone::parse(&timezone).map_err(|reason| anyhow::anyhow!("--timezone: {reason}"))?;
            let name = name.unwrap_or_else(|| id.as_str().to_owned());
            let tenant = store
                .create_tenant(NewTenant { id, name, timezone })
                .await?;
            eprintln!("created tenant {} ({})", tenant.id, tenant.timezone.name());
            Ok(())
        }
        Command::Token { command } => token(&store, command).await,
        Command::Simulate(args) => simulate::run(&store, args).await,
        Command::Report(args) => report::run(&store, args).await,
        Command::Analytics { command } => report::analytics(&store, command).await,
        Command::Copy(_) => unreachable!("handled above"),
        Command::Migrate => {
            eprintln!("database {} is at the current schema", cli.db);
            Ok(())
        }
    }
}

async fn serve(
    store: Store,
    listen: SocketAddr,
    limits: cxhub_server::serve::Limits,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("could not listen on {listen}"))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "cxhub listening on http://{address}");
    cxhub_server::serve_with(listener, AppState::new(store), limits, shutdown_signal()).await?;
    tracing::info!("cxhub stopped");
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => (),
        () = terminate => (),
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn token(store: &Store, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            tenant,
            role,
            label,
        } => {
            let Some(role) = Role::parse(&role) else {
                bail!("--role must be read, write or admin, not `{role}`")
            };
            let tenant =
                Key::parse(&tenant).map_err(|reason| anyhow::anyhow!("--tenant {reason}"))?;
            let (info, token) = match store.create_token(&tenant, role, label).await {
                Err(cxhub_store::StoreError::NotFound) => {
                    bail!("no tenant `{tenant}`; create it with `cxhub tenant create {tenant}`")
                }
                other => other?,
            };
            eprintln!(
                "created token {} for tenant {} with role {}",
                info.id,
                info.tenant,
                info.role.as_str()
            );
            println!("{token}");
            Ok(())
        }
        TokenCommand::List { tenant } => {
            let tenant = tenant
                .map(|it| Key::parse(&it))
                .transpose()
                .map_err(|reason| anyhow::anyhow!("--tenant {reason}"))?;
            let mut rows = vec![[
                "id".to_owned(),
                "tenant".to_owned(),
                "role".to_owned(),
                "created".to_owned(),
                "revoked".to_owned(),
                "label".to_owned(),
            ]];
            for info in store.list_tokens(tenant.as_ref()).await? {
                rows.push([
                    info.id,
                    info.tenant.to_string(),
                    info.role.as_str().to_owned(),
                    info.created_at.to_rfc3339(),
                    info.revoked_at
                        .map_or_else(|| "-".to_owned(), |it| it.to_rfc3339()),
                    info.label.unwrap_or_default(),
                ]);
            }
            // Each column as wide as its widest cell, so the columns line up.
            let widths: Vec<usize> = (0..6)
                .map(|col| {
                    rows.iter()
                        .map(|row| row[col].chars().count())
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for row in &rows {
                let cells: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .map(|(cell, width)| format!("{cell:<width$}"))
                    .collect();
                println!("{}", cells.join("  ").trim_end());
            }
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            match store.revoke_token(&id, None).await {
                Err(cxhub_store::StoreError::NotFound) => bail!("no token with id `{id}`"),
                other => other?,
            }
            eprintln!("revoked token {id}");
            Ok(())
        }
    }
}
