//! `cxhub copy`: moves tenants from one database to another (SQLite to PostgreSQL, say),
//! with a progress bar per table. Re-running it is safe: the target ends equal to the
//! source, and nothing is sent again.

use anyhow::Context;
use cxhub_model::ids::Key;
use cxhub_store::Store;
use cxhub_store::copy::Progress;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(clap::Args)]
pub struct Args {
    /// The database to copy from (a SQLite path, sqlite:// or postgres:// URL).
    #[arg(long)]
    from: String,
    /// The database to copy to; created and migrated as needed.
    #[arg(long)]
    to: String,
    /// The tenant to copy; every tenant when left out.
    #[arg(long)]
    tenant: Option<String>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let from = Store::open(&args.from)
        .await
        .with_context(|| format!("could not open --from {}", args.from))?;
    let to = Store::open(&args.to)
        .await
        .with_context(|| format!("could not open --to {}", args.to))?;
    let tenants = match &args.tenant {
        Some(id) => vec![Key::parse(id).map_err(|reason| anyhow::anyhow!("--tenant {reason}"))?],
        None => from.list_tenants().await?,
    };
    let style = ProgressStyle::with_template("{msg:28} {bar:30} {pos}/{len} rows")
        .expect("a valid template");
    for id in &tenants {
        let mut bar: Option<ProgressBar> = None;
        let mut report = |step: Progress| match step {
            Progress::Table { name, rows } => {
                if let Some(done) = bar.take() {
                    done.finish();
                }
                let next = ProgressBar::new(rows).with_style(style.clone());
                next.set_message(format!("{id} {name}"));
                bar = Some(next);
            }
            Progress::Copied(rows) => {
                if let Some(bar) = &bar {
                    bar.inc(rows);
                }
            }
        };
        cxhub_store::copy::tenant(&from, &to, id, &mut report)
            .await
            .with_context(|| match args.tenant {
                Some(_) => format!("could not copy tenant {id}"),
                None => format!("could not copy tenant {id} (no tenant found means none to copy)"),
            })?;
        if let Some(done) = bar.take() {
            done.finish();
        }
    }
    eprintln!(
        "copied {} tenant{} from {} to {}",
        tenants.len(),
        if tenants.len() == 1 { "" } else { "s" },
        args.from,
        args.to
    );
    Ok(())
}
