//! Which communes are on the platform and open, as a service that takes
//! commands knows them: a consumer of identity's log (its commune events),
//! checkpointed with its effects in the service's own database, in the
//! `communes` table each service creates through its own migrations
//! ([`migration`]). A service refuses commands for a commune that identity
//! never registered ([`Refusal::Unknown`]) or has suspended
//! ([`Refusal::Suspended`]); reads stay open.
//!
//! Used by reports, publications and dialogue: each follows identity's log
//! under its own consumer name (its checkpoint), with [`follow`].

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::{self, ConsumerError, Handler, HandlerError};
use miroir_eventstore::feed::EventFeed;
use miroir_platform::storage::{Database, Migration};
use miroir_proto::identity::v1 as id;
use sqlx::{AnyConnection, Row};
use tokio_util::sync::CancellationToken;

/// The log followed.
pub const SOURCE: &str = "identity";

/// The `communes` table, for a service's migrations list under its own
/// version: `miroir_communes::migration(4)`. (Reports created the same table
/// in its own `0002_communes.sql` before this was shared.)
pub const fn migration(version: i64) -> Migration {
    let shared = MIGRATION[0];
    Migration { version, name: "communes/0001_communes.sql", ..shared }
}

/// The commitment column of the `communes` table (see
/// `migrations/communes/0002_commitment.sql`), for a service's migrations list
/// under its own version, after [`migration`].
pub const fn commitment_migration(version: i64) -> Migration {
    let shared = MIGRATION[1];
    Migration { version, name: "communes/0002_commitment.sql", ..shared }
}

const MIGRATION: &[Migration] =
    miroir_platform::migrations!("communes", 1 => "0001_communes.sql", 2 => "0002_commitment.sql");

/// Writes identity's commune events into the `communes` table.
pub struct CommunesFromIdentity;

impl Handler for CommunesFromIdentity {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        if let Some(registered) = event.decode::<id::CommuneRegistered>() {
            let registered = registered?;
            sqlx::query(
                "INSERT INTO communes (insee, suspended, commitment_days) VALUES ($1, 0, $2) \
                 ON CONFLICT (insee) DO UPDATE SET suspended = 0, commitment_days = excluded.commitment_days",
            )
            .bind(&event.aggregate_id)
            .bind(i64::from(registered.response_commitment_days))
            .execute(conn)
            .await?;
            return Ok(());
        }
        let suspended = if event.decode::<id::CommuneReactivated>().is_some() {
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

/// Follows identity's log as `consumer` (the checkpoint's name in `db`) until
/// `token` is cancelled, or up to position `until`; answers the last position seen.
pub async fn follow<F: EventFeed + ?Sized>(
    db: &Database,
    feed: &F,
    consumer: &str,
    until: Option<u64>,
    token: CancellationToken,
) -> Result<u64, ConsumerError> {
    consumer::run(db, feed, SOURCE, consumer, &CommunesFromIdentity, until, token).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommuneState {
    Unknown,
    Open,
    Suspended,
}

/// What `db` knows of the commune `insee`.
pub async fn state(db: &Database, insee: &str) -> Result<CommuneState, sqlx::Error> {
    let row =
        sqlx::query("SELECT suspended FROM communes WHERE insee = $1").bind(insee).fetch_optional(db.pool()).await?;
    Ok(match row.map(|r| r.try_get::<i64, _>(0)).transpose()? {
        None => CommuneState::Unknown,
        Some(0) => CommuneState::Open,
        Some(_) => CommuneState::Suspended,
    })
}

/// Why a command for a commune is refused. Services answer the same way:
/// an unknown commune is a bad argument (INVALID_ARGUMENT on the field that
/// named it, with [`Refusal::UNKNOWN_REASON`]); a suspended one is a
/// FAILED_PRECONDITION with [`Refusal::SUSPENDED_MESSAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Suspended,
}

impl Refusal {
    pub const UNKNOWN_REASON: &str = "no commune with this INSEE code is on Miroir";
    pub const SUSPENDED_MESSAGE: &str = "this commune is suspended on Miroir";
}

/// `Ok(())` if `db` knows the commune `insee` as registered and open.
pub async fn admit(db: &Database, insee: &str) -> Result<Result<(), Refusal>, sqlx::Error> {
    Ok(match state(db, insee).await? {
        CommuneState::Open => Ok(()),
        CommuneState::Unknown => Err(Refusal::Unknown),
        CommuneState::Suspended => Err(Refusal::Suspended),
    })
}

/// The commune's public commitment on the time to a first response, in days,
/// as identity registered it; `None` for a commune not known (yet) or
/// registered without one.
pub async fn commitment_days(db: &Database, insee: &str) -> Result<Option<u32>, sqlx::Error> {
    let row = sqlx::query("SELECT commitment_days FROM communes WHERE insee = $1")
        .bind(insee)
        .fetch_optional(db.pool())
        .await?;
    let days = row.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()?.flatten();
    Ok(days.and_then(|d| u32::try_from(d).ok()).filter(|d| *d > 0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shared_migration_takes_the_version_it_is_given() {
        let migration = super::migration(4);
        assert_eq!(migration.version, 4);
        assert!(migration.sql.contains("CREATE TABLE communes"));
    }
}
