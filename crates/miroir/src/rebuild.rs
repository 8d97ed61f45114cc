//! `miroir rebuild transparency`: replays the logs into fresh projection
//! tables while the running service keeps serving the current ones, then
//! swaps them in, printing progress (events done, rate, ETA). On a deployment
//! it reads the logs from JetStream and writes transparency's PostgreSQL
//! (from a pod or a Job); in the embedded mode it reads the SQLite logs of the
//! data folder, also while `miroir up` runs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use miroir_eventstore::EventStore;
use miroir_eventstore::feed::{EventFeed, LocalFeed};
use miroir_platform::storage::{Database, PoolConfig};
use miroir_transparency::rebuild::{Progress, describe, rebuild_all};
use tokio_util::sync::CancellationToken;

use crate::cli::{Component, RebuildArgs};

pub async fn run(args: RebuildArgs, token: CancellationToken) -> anyhow::Result<()> {
    if args.component != Component::Transparency {
        anyhow::bail!(
            "{} keeps its read models in the transaction of its own log (they are rebuilt with it); \
             only `transparency` projects other services' logs",
            args.component.name()
        );
    }
    let (db, feed): (Database, Arc<dyn EventFeed>) = match &args.database_url {
        Some(url) => {
            let db =
                Database::connect(url, &PoolConfig::default()).await.context("cannot open transparency's database")?;
            let bus = miroir_bus::JetStreamBus::connect(&args.nats_url, &args.nats_prefix).await?;
            (db, Arc::new(miroir_bus::JetStreamFeed::new(bus)))
        }
        None => {
            let mut stores = Vec::new();
            for service in ["identity", "reports", "publications", "dialogue"] {
                let path = args.data.join(format!("{service}.db"));
                anyhow::ensure!(
                    path.exists(),
                    "no {} in the data folder: run `miroir up --data {}` once first",
                    path.display(),
                    args.data.display()
                );
                let db = Database::connect(&format!("sqlite://{}", path.display()), &PoolConfig::default())
                    .await
                    .with_context(|| format!("cannot open {}", path.display()))?;
                stores.push(EventStore::open(db, service).await?);
            }
            let url = format!("sqlite://{}", args.data.join("transparency.db").display());
            let db = Database::connect(&url, &PoolConfig::default()).await.context("cannot open transparency.db")?;
            (db, Arc::new(LocalFeed::new(stores)))
        }
    };
    miroir_transparency::migrate_database(&db).await?;
    let started = Instant::now();
    // At most a line per second per projection: a terminal, or a Job's log, follows without drowning.
    let last_line = std::sync::Mutex::new(std::collections::HashMap::<&'static str, Instant>::new());
    let on_progress = |p: Progress| {
        let Ok(mut last) = last_line.lock() else { return };
        let due = last.get(p.projection).is_none_or(|at| at.elapsed() >= Duration::from_secs(1));
        if due || p.progress.done >= p.progress.target {
            last.insert(p.projection, Instant::now());
            eprintln!("{}", describe(&p));
        }
    };
    let done =
        rebuild_all(&db, feed.as_ref(), "operator-cli", on_progress, token).await.context("the rebuild stopped")?;
    for (projection, generation) in done {
        println!("{projection}: generation {generation} swapped in");
    }
    println!("transparency rebuilt in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
