//! From reports' log: one row per report — when it became public, the
//! commune's first public step on it, its resolution or rejection, its state.
//! No title, description, photo nor reporter: only the category and times.

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::HandlerError;
use miroir_eventstore::projection::Projection;
use miroir_proto::reports::v1 as pb;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::feed::{self, PublicEvent};
use super::{departement_of, occurred_at, or_event_time};

pub const NAME: &str = "transparency-reports";
pub const TABLE: &str = "tr_reports";
pub const FEED: &str = "tr_reports_feed";

pub struct ReportsProjection;

impl Projection for ReportsProjection {
    fn name(&self) -> &str {
        NAME
    }

    fn create_tables(&self, s: &str) -> Vec<String> {
        let mut ddl = vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {TABLE}{s} (report_id TEXT PRIMARY KEY, commune TEXT NOT NULL, \
                 departement TEXT NOT NULL, category TEXT NOT NULL, received_us BIGINT, first_response_us BIGINT, \
                 resolved_us BIGINT, rejected_us BIGINT, state TEXT NOT NULL)"
            ),
            format!("CREATE INDEX IF NOT EXISTS {TABLE}{s}_commune ON {TABLE}{s} (commune)"),
            format!("CREATE INDEX IF NOT EXISTS {TABLE}{s}_departement ON {TABLE}{s} (departement)"),
        ];
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
        let commune = event.commune.as_str();
        let public = |kind: &'static str, report_id: &str, fields: Vec<(&'static str, String)>| PublicEvent {
            commune,
            at_us: at,
            kind,
            subject: format!("communes/{commune}/reports/{report_id}"),
            fields,
        };
        let announce = if let Some(e) = event.decode::<pb::ReportSubmitted>() {
            let e = e?;
            // An anonymous report is public once its e-mail is verified.
            let public_now = e.verification_token_sha256.is_empty();
            let sql = format!(
                "INSERT INTO {TABLE}{s} (report_id, commune, departement, category, received_us, state) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (report_id) DO NOTHING"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(&e.report_id)
                .bind(commune)
                .bind(departement_of(commune))
                .bind(&e.category)
                .bind(public_now.then_some(at))
                .bind(if public_now { "open" } else { "pending" })
                .execute(&mut *conn)
                .await?;
            public_now.then(|| public("report.received", &e.report_id, vec![("category", e.category.clone())]))
        } else if let Some(e) = event.decode::<pb::ReportVerified>() {
            let e = e?;
            let sql = format!(
                "UPDATE {TABLE}{s} SET received_us = $1, state = 'open' WHERE report_id = $2 AND state = 'pending'"
            );
            let done = sqlx::query(AssertSqlSafe(sql)).bind(at).bind(&e.report_id).execute(&mut *conn).await?;
            match done.rows_affected() {
                0 => None,
                _ => Some(public(
                    "report.received",
                    &e.report_id,
                    vec![("category", category(conn, s, &e.report_id).await?)],
                )),
            }
        } else if let Some(e) = event.decode::<pb::ReportAcknowledged>() {
            let e = e?;
            step(conn, s, &e.report_id, at, None).await?.then(|| public("report.acknowledged", &e.report_id, vec![]))
        } else if let Some(e) = event.decode::<pb::ReportWorkStarted>() {
            let e = e?;
            step(conn, s, &e.report_id, at, None).await?.then(|| public("report.work_started", &e.report_id, vec![]))
        } else if let Some(e) = event.decode::<pb::ReportResolved>() {
            let e = e?;
            let resolved = or_event_time(e.resolved_at_us, event);
            step(conn, s, &e.report_id, at.min(resolved), Some(("resolved", "resolved_us", resolved)))
                .await?
                .then(|| public("report.resolved", &e.report_id, vec![]))
        } else if let Some(e) = event.decode::<pb::ReportRejected>() {
            let e = e?;
            step(conn, s, &e.report_id, at, Some(("rejected", "rejected_us", at)))
                .await?
                .then(|| public("report.rejected", &e.report_id, vec![]))
        } else if let Some(e) = event.decode::<pb::ReportMerged>() {
            let e = e?;
            let into = format!("communes/{commune}/reports/{}", e.into_report_id);
            step(conn, s, &e.report_id, at, Some(("merged", "resolved_us", at)))
                .await?
                .then(|| public("report.merged", &e.report_id, vec![("into", into)]))
        } else if let Some(e) = event.decode::<pb::ReportReopened>() {
            let e = e?;
            let sql = format!(
                "UPDATE {TABLE}{s} SET state = 'open', resolved_us = NULL, rejected_us = NULL \
                 WHERE report_id = $1 AND state <> 'pending'"
            );
            let done = sqlx::query(AssertSqlSafe(sql)).bind(&e.report_id).execute(&mut *conn).await?;
            (done.rows_affected() > 0).then(|| public("report.reopened", &e.report_id, vec![]))
        } else if let Some(e) = event.decode::<pb::ReportAssigned>() {
            let e = e?;
            let known = is_public(conn, s, &e.report_id).await?;
            known.then(|| public("report.assigned", &e.report_id, vec![("department", e.department.clone())]))
        } else {
            None
        };
        if let Some(public) = announce {
            feed::record(conn, FEED, s, event.position, public).await?;
        }
        Ok(())
    }
}

/// A public step of the commune: the first one is the first response; a
/// closing one also sets the state and its time. False if the report is not
/// public (an unverified anonymous one is nobody's business yet).
async fn step(
    conn: &mut AnyConnection,
    s: &str,
    report_id: &str,
    at: i64,
    closing: Option<(&str, &str, i64)>,
) -> Result<bool, sqlx::Error> {
    let sql = match closing {
        None => format!(
            "UPDATE {TABLE}{s} SET first_response_us = COALESCE(first_response_us, $1) \
             WHERE report_id = $2 AND state <> 'pending'"
        ),
        Some((state, column, _)) => format!(
            "UPDATE {TABLE}{s} SET first_response_us = COALESCE(first_response_us, $1), state = '{state}', \
             {column} = $3 WHERE report_id = $2 AND state <> 'pending'"
        ),
    };
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(at).bind(report_id);
    if let Some((_, _, closed_at)) = closing {
        query = query.bind(closed_at);
    }
    Ok(query.execute(conn).await?.rows_affected() > 0)
}

async fn is_public(conn: &mut AnyConnection, s: &str, report_id: &str) -> Result<bool, sqlx::Error> {
    let sql = format!("SELECT state FROM {TABLE}{s} WHERE report_id = $1");
    let state: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql)).bind(report_id).fetch_optional(conn).await?;
    Ok(state.is_some_and(|s| s != "pending"))
}

async fn category(conn: &mut AnyConnection, s: &str, report_id: &str) -> Result<String, sqlx::Error> {
    let sql = format!("SELECT category FROM {TABLE}{s} WHERE report_id = $1");
    let category: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql)).bind(report_id).fetch_optional(conn).await?;
    Ok(category.unwrap_or_default())
}
