//! From identity's log: the communes on the platform, their département and
//! their public commitment on the time to a first response. Accounts, roles
//! and clients are not transparency's business.

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::HandlerError;
use miroir_eventstore::projection::Projection;
use miroir_proto::identity::v1 as pb;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::feed::{self, PublicEvent};
use super::occurred_at;

pub const NAME: &str = "transparency-communes";
pub const TABLE: &str = "tr_communes";
pub const FEED: &str = "tr_identity_feed";

pub struct CommunesProjection;

impl Projection for CommunesProjection {
    fn name(&self) -> &str {
        NAME
    }

    fn create_tables(&self, s: &str) -> Vec<String> {
        let mut ddl = vec![format!(
            "CREATE TABLE IF NOT EXISTS {TABLE}{s} (commune TEXT PRIMARY KEY, name TEXT NOT NULL, \
             departement TEXT NOT NULL, commitment_days BIGINT NOT NULL, suspended BIGINT NOT NULL, \
             registered_us BIGINT NOT NULL)"
        )];
        ddl.extend(feed::create(FEED, s));
        ddl
    }

    fn drop_tables(&self, s: &str) -> Vec<String> {
        vec![format!("DROP TABLE IF EXISTS {TABLE}{s}"), feed::drop(FEED, s)]
    }

    async fn apply<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        s: &'c str,
        event: &'c RecordedEvent,
    ) -> Result<(), HandlerError> {
        let at = occurred_at(event);
        let (commune, kind, fields) = if let Some(e) = event.decode::<pb::CommuneRegistered>() {
            let e = e?;
            let sql = format!(
                "INSERT INTO {TABLE}{s} (commune, name, departement, commitment_days, suspended, registered_us) \
                 VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (commune) DO UPDATE SET name = excluded.name, \
                 departement = excluded.departement, commitment_days = excluded.commitment_days"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(&e.commune)
                .bind(&e.name)
                .bind(&e.department)
                .bind(i64::from(e.response_commitment_days))
                .bind(at)
                .execute(&mut *conn)
                .await?;
            let fields = vec![
                ("name", e.name.clone()),
                ("departement", e.department.clone()),
                ("commitment_days", e.response_commitment_days.to_string()),
            ];
            (e.commune, "commune.registered", fields)
        } else if let Some(e) = event.decode::<pb::CommuneSuspended>() {
            let e = e?;
            set_suspended(conn, s, &e.commune, true).await?;
            (e.commune, "commune.suspended", vec![])
        } else if let Some(e) = event.decode::<pb::CommuneReactivated>() {
            let e = e?;
            set_suspended(conn, s, &e.commune, false).await?;
            (e.commune, "commune.reactivated", vec![])
        } else {
            return Ok(());
        };
        let public = PublicEvent { commune: &commune, at_us: at, kind, subject: format!("communes/{commune}"), fields };
        feed::record(conn, FEED, s, event.position, public).await?;
        Ok(())
    }
}

async fn set_suspended(conn: &mut AnyConnection, s: &str, commune: &str, suspended: bool) -> Result<(), sqlx::Error> {
    let sql = format!("UPDATE {TABLE}{s} SET suspended = $1 WHERE commune = $2");
    sqlx::query(AssertSqlSafe(sql)).bind(i64::from(suspended)).bind(commune).execute(conn).await?;
    Ok(())
}
