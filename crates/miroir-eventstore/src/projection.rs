//! Rebuildable projections: read models kept by a consumer, rebuilt from the
//! log into fresh tables while the current ones keep serving, then swapped.
//!
//! Each generation of a projection has its own tables (`<table>_g<N>`) and its
//! own checkpoint (`projection:<name>:g<N>`); the `projections` row names the
//! generation that serves reads. A rebuild fills generation N+1 from position
//! 0 up to the head, then, in one transaction, makes N+1 active and drops N.
//! The live runner checks, in each batch's transaction, that it still writes
//! the active generation (taking the `projections` row lock, which also
//! serializes it with the swap), and moves to the new one when it changed.

use std::future::Future;
use std::time::{Duration, Instant};

use miroir_platform::storage::{Database, is_transient};
use sqlx::{AnyConnection, AssertSqlSafe, Executor, Row};
use tokio_util::sync::CancellationToken;

use crate::consumer::{self, ConsumerError, Handler, HandlerError};
use crate::event::{RecordedEvent, now_us};
use crate::feed::EventFeed;
use crate::store::{to_i64, to_u64};

pub trait Projection: Send + Sync {
    fn name(&self) -> &str;
    /// DDL creating the tables of one generation; every table name ends in `suffix`.
    fn create_tables(&self, suffix: &str) -> Vec<String>;
    /// DDL dropping them.
    fn drop_tables(&self, suffix: &str) -> Vec<String>;
    fn apply<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        suffix: &'c str,
        event: &'c RecordedEvent,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'c;

    /// Applies consecutive events in order: [`Self::apply`] each, unless the
    /// projection folds them in memory and writes once per batch.
    fn apply_batch<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        suffix: &'c str,
        events: &'c [RecordedEvent],
    ) -> impl Future<Output = Result<(), (Option<u64>, HandlerError)>> + Send + 'c {
        async move {
            for event in events {
                self.apply(&mut *conn, suffix, event).await.map_err(|e| (Some(event.position), e))?;
            }
            Ok(())
        }
    }
}

/// The table-name suffix of a generation.
pub fn suffix(generation: u64) -> String {
    format!("_g{generation}")
}

fn consumer_name(projection: &str, generation: u64) -> String {
    format!("projection:{projection}:g{generation}")
}

/// The generation serving reads, creating generation 1 on first use.
pub async fn ensure<P: Projection>(db: &Database, projection: &P) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO projections (name, active_generation, updated_at_us) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(projection.name())
    .bind(now_us())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        for ddl in projection.create_tables(&suffix(1)) {
            tx.execute(AssertSqlSafe(ddl)).await?;
        }
    }
    tx.commit().await?;
    active_generation(db, projection.name()).await
}

/// The generation serving reads of `name`.
pub async fn active_generation(db: &Database, name: &str) -> Result<u64, sqlx::Error> {
    let generation: i64 = sqlx::query("SELECT active_generation FROM projections WHERE name = $1")
        .bind(name)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    Ok(to_u64(generation))
}

/// Writes one generation; refuses once that generation is no longer active (live runner).
struct GenerationWriter<'p, P> {
    projection: &'p P,
    generation: u64,
    suffix: String,
    check_active: bool,
}

impl<P: Projection> GenerationWriter<'_, P> {
    /// Refuses once this generation is no longer active; the row lock also
    /// serializes the batch with a swap.
    async fn check(&self, conn: &mut AnyConnection) -> Result<(), HandlerError> {
        if self.check_active {
            let still_active = sqlx::query(
                "UPDATE projections SET active_generation = active_generation \
                 WHERE name = $1 AND active_generation = $2",
            )
            .bind(self.projection.name())
            .bind(to_i64(self.generation))
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if still_active == 0 {
                return Err(HandlerError::Superseded);
            }
        }
        Ok(())
    }
}

impl<P: Projection> Handler for GenerationWriter<'_, P> {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        self.check(conn).await?;
        self.projection.apply(conn, &self.suffix, event).await
    }

    async fn handle_batch<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        events: &'c [RecordedEvent],
    ) -> Result<(), (Option<u64>, HandlerError)> {
        self.check(conn).await.map_err(|e| (None, e))?;
        self.projection.apply_batch(conn, &self.suffix, events).await
    }
}

/// Keeps the active generation up to date until `token` is cancelled, following
/// swaps made by [`rebuild`].
pub async fn run_live<F: EventFeed + ?Sized, P: Projection>(
    db: &Database,
    feed: &F,
    service: &str,
    projection: &P,
    token: CancellationToken,
) -> Result<(), ConsumerError> {
    ensure(db, projection).await?;
    while !token.is_cancelled() {
        let generation = match active_generation(db, projection.name()).await {
            Ok(generation) => generation,
            // The database restarting or out of reach: look again in a while.
            Err(error) if is_transient(&error) => {
                tracing::warn!(projection = projection.name(), %error, "projection: database unavailable; retrying");
                tokio::select! {
                    () = token.cancelled() => {}
                    () = tokio::time::sleep(SWAP_POLL) => {}
                }
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        let writer = GenerationWriter { projection, generation, suffix: suffix(generation), check_active: true };
        let consumer = consumer_name(projection.name(), generation);
        // An idle runner must notice a swap too (the rebuild may have stopped
        // just short of the last events): watch the pointer while consuming.
        let this_generation = token.child_token();
        let watch = async {
            loop {
                tokio::time::sleep(SWAP_POLL).await;
                if active_generation(db, projection.name()).await.is_ok_and(|g| g != generation) {
                    this_generation.cancel();
                    return;
                }
            }
        };
        let run = consumer::run(db, feed, service, &consumer, &writer, None, this_generation.clone());
        let result = tokio::select! {
            result = run => result,
            () = watch => Ok(0),
        };
        if let Err(failure) = result {
            match active_generation(db, projection.name()).await {
                // The swap replaced this generation under us: its tables and
                // checkpoint may be gone, so any failure of that moment is expected.
                Ok(now) if now != generation => {}
                Ok(_) => return Err(failure),
                // Cannot tell while the database is away: look again once it is back.
                Err(error) if is_transient(&error) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        if !token.is_cancelled() {
            tracing::info!(projection = projection.name(), generation, "generation replaced; following the new one");
        }
    }
    Ok(())
}

/// How often an idle live runner looks for a swapped generation.
const SWAP_POLL: Duration = Duration::from_millis(500);

/// Progress of a rebuild, reported about once a second.
#[derive(Debug, Clone, PartialEq)]
pub struct RebuildProgress {
    pub generation: u64,
    pub done: u64,
    pub target: u64,
    pub events_per_second: f64,
    pub eta: Option<Duration>,
}

/// Rebuilds `projection` from the start of `service`'s log into a fresh
/// generation, then swaps it in. The current generation serves reads
/// throughout. Returns the new generation.
pub async fn rebuild<F: EventFeed + ?Sized, P: Projection>(
    db: &Database,
    feed: &F,
    service: &str,
    projection: &P,
    progress: impl Fn(&RebuildProgress) + Send + Sync,
    token: CancellationToken,
) -> Result<u64, ConsumerError> {
    let old = ensure(db, projection).await?;
    let new = old + 1;
    let new_suffix = suffix(new);
    let consumer = consumer_name(projection.name(), new);
    {
        // Leftovers of an interrupted rebuild are discarded: it starts over.
        let mut tx = db.begin_write().await?;
        for ddl in projection.drop_tables(&new_suffix).into_iter().chain(projection.create_tables(&new_suffix)) {
            tx.execute(AssertSqlSafe(ddl)).await?;
        }
        sqlx::query("DELETE FROM checkpoints WHERE consumer = $1").bind(&consumer).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    let writer = GenerationWriter { projection, generation: new, suffix: new_suffix, check_active: false };
    let started = Instant::now();
    loop {
        // Catch up with the head as it was, then look again: the log keeps
        // growing while we rebuild; swap once a pass finds nothing new.
        let target = feed.head(service).await?;
        let done = consumer::checkpoint(db, &consumer).await?;
        if done >= target {
            break;
        }
        let mut reached = done;
        while reached < target {
            let step = (reached + 10_000).min(target);
            reached = consumer::run(db, feed, service, &consumer, &writer, Some(step), token.clone()).await?;
            if token.is_cancelled() {
                return Err(ConsumerError::Cancelled);
            }
            let elapsed = started.elapsed().as_secs_f64().max(1e-6);
            let rate = reached as f64 / elapsed;
            progress(&RebuildProgress {
                generation: new,
                done: reached,
                target,
                events_per_second: rate,
                eta: (rate > 0.0).then(|| Duration::from_secs_f64(target.saturating_sub(reached) as f64 / rate)),
            });
        }
    }
    let mut tx = db.begin_write().await?;
    // Same lock order as the live runner (its checkpoint row, then the
    // `projections` row), so the swap and a live batch cannot deadlock.
    sqlx::query("UPDATE checkpoints SET position = position WHERE consumer = $1")
        .bind(consumer_name(projection.name(), old))
        .execute(&mut *tx)
        .await?;
    let swapped = sqlx::query(
        "UPDATE projections SET active_generation = $1, updated_at_us = $2 WHERE name = $3 AND active_generation = $4",
    )
    .bind(to_i64(new))
    .bind(now_us())
    .bind(projection.name())
    .bind(to_i64(old))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if swapped == 0 {
        tx.rollback().await?;
        return Err(ConsumerError::Handler {
            consumer,
            position: 0,
            source: HandlerError::Other("another rebuild swapped first".into()),
        });
    }
    for ddl in projection.drop_tables(&suffix(old)) {
        tx.execute(AssertSqlSafe(ddl)).await?;
    }
    sqlx::query("DELETE FROM checkpoints WHERE consumer = $1")
        .bind(consumer_name(projection.name(), old))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(projection = projection.name(), generation = new, "rebuild swapped in");
    Ok(new)
}

/// Runs a read against the active generation's tables. The projection must
/// exist ([`ensure`] at the service's start, before it serves reads). A rebuild may swap and
/// drop the generation between reading the pointer and running the query; the
/// read is then run once more on the new generation.
pub async fn read_active<T, F, Fut>(db: &Database, name: &str, read: F) -> Result<T, sqlx::Error>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let generation = active_generation(db, name).await?;
    match read(suffix(generation)).await {
        Ok(value) => Ok(value),
        Err(error) => {
            let now = active_generation(db, name).await?;
            if now == generation {
                return Err(error);
            }
            read(suffix(now)).await
        }
    }
}
