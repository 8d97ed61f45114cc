//! Which communes exist and are open, as the reports service knows them: a
//! consumer of identity's log (its commune events), checkpointed with its
//! effects in this service's own database. A report is taken only for a
//! registered commune that is not suspended.

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::{self, ConsumerError, Handler, HandlerError};
use miroir_eventstore::feed::EventFeed;
use miroir_platform::storage::Database;
use miroir_proto::identity::v1 as id;
use sqlx::{AnyConnection, Row};
use tokio_util::sync::CancellationToken;

/// The checkpoint's name in this service's database.
pub const CONSUMER: &str = "reports:communes-from-identity";
/// The log followed.
pub const SOURCE: &str = "identity";

pub struct CommunesFromIdentity;

impl Handler for CommunesFromIdentity {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        let suspended = if event.decode::<id::CommuneRegistered>().is_some()
            || event.decode::<id::CommuneReactivated>().is_some()
        {
            0_i64
        } else if event.decode::<id::CommuneSuspended>().is_some() {
            1
        } else {
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO communes (insee, suspended) VALUES ($1, $2) \
             ON CONFLICT (insee) DO UPDATE SET suspended = excluded.suspended",
        )
        .bind(&event.aggregate_id)
        .bind(suspended)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Follows identity's log until `token` is cancelled (or up to `until`).
pub async fn follow<F: EventFeed + ?Sized>(
    db: &Database,
    feed: &F,
    until: Option<u64>,
    token: CancellationToken,
) -> Result<u64, ConsumerError> {
    consumer::run(db, feed, SOURCE, CONSUMER, &CommunesFromIdentity, until, token).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommuneState {
    Unknown,
    Open,
    Suspended,
}

pub async fn state(db: &Database, insee: &str) -> Result<CommuneState, sqlx::Error> {
    let row =
        sqlx::query("SELECT suspended FROM communes WHERE insee = $1").bind(insee).fetch_optional(db.pool()).await?;
    Ok(match row.map(|r| r.try_get::<i64, _>(0)).transpose()? {
        None => CommuneState::Unknown,
        Some(0) => CommuneState::Open,
        Some(_) => CommuneState::Suspended,
    })
}
