//! The transparency service: public figures that nobody can massage,
//! recomputed from the other services' logs at will.
//!
//! It follows identity's, reports', publications' and dialogue's logs into one
//! rebuildable projection each ([`projection`]), computes each scope's figures
//! from them when asked ([`figures`], pure), and serves them over gRPC
//! ([`api`], `miroir.transparency.v1.Transparency`), with the open-data feed of
//! each commune's public events. [`rebuild`] replays every log into fresh
//! tables while the current ones keep serving, then swaps.
//!
//! - [`calendar`] — months in Paris time.
//! - [`scope`] — a commune, a département, the country.
//! - [`read`] — a scope's facts from the active generations.
//! - [`cache`] — computed dashboards kept a few seconds (the national page is the sum of everything).

pub mod api;
pub mod cache;
pub mod calendar;
pub mod error;
pub mod figures;
pub mod projection;
pub mod read;
pub mod rebuild;
pub mod scope;

use miroir_eventstore::feed::EventFeed;
use miroir_eventstore::projection as generations;
use miroir_platform::storage::{Database, StorageError, migrate};
use tokio_util::sync::CancellationToken;

use projection::{CommunesProjection, DialogueProjection, PublicationsProjection, ReportsProjection};

/// The name of this service.
pub const SERVICE: &str = "transparency";

/// Applies the tables transparency needs before its projections exist
/// (checkpoints, the generations' pointers); the projections create their
/// own generation tables.
pub async fn migrate_database(db: &Database) -> Result<(), StorageError> {
    migrate(db, "eventstore", miroir_eventstore::MIGRATIONS).await?;
    Ok(())
}

/// Makes sure every projection has a generation serving reads.
pub async fn ensure_projections(db: &Database) -> Result<(), sqlx::Error> {
    generations::ensure(db, &CommunesProjection).await?;
    generations::ensure(db, &ReportsProjection).await?;
    generations::ensure(db, &PublicationsProjection).await?;
    generations::ensure(db, &DialogueProjection).await?;
    Ok(())
}

/// Keeps every projection up to date from `feed` until `token` is cancelled;
/// the first failure stops them all and is returned.
pub async fn run_live<F: EventFeed + ?Sized>(
    db: &Database,
    feed: &F,
    token: CancellationToken,
) -> Result<(), miroir_eventstore::consumer::ConsumerError> {
    ensure_projections(db).await?;
    let stop = token.child_token();
    let run = |result: Result<(), _>| {
        if result.is_err() {
            stop.cancel();
        }
        result
    };
    let (a, b, c, d) = tokio::join!(
        async { run(generations::run_live(db, feed, "identity", &CommunesProjection, stop.clone()).await) },
        async { run(generations::run_live(db, feed, "reports", &ReportsProjection, stop.clone()).await) },
        async { run(generations::run_live(db, feed, "publications", &PublicationsProjection, stop.clone()).await) },
        async { run(generations::run_live(db, feed, "dialogue", &DialogueProjection, stop.clone()).await) },
    );
    a.and(b).and(c).and(d)
}
