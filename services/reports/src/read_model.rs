//! The `reports_view` read model: written inline with the events (so the
//! service reads its own writes), read by GetReport and ListReports.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_eventstore::{InlineProjection, RecordedEvent};
use miroir_platform::storage::Database;
use miroir_proto::reports::v1 as pb;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::domain::Status;

pub struct ReportsView;

impl InlineProjection for ReportsView {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        let version = i64::try_from(event.aggregate_version).unwrap_or(i64::MAX);
        let decode_error = |e: prost::DecodeError| sqlx::Error::Decode(Box::new(e));
        if let Some(e) = event.decode::<pb::ReportSubmitted>() {
            let e = e.map_err(decode_error)?;
            let location = e.location.unwrap_or_default();
            sqlx::query(
                "INSERT INTO reports_view (report_id, commune, category, title, description, latitude, longitude, \
                 address, reporter, status, submitted_at_us, acknowledged_at_us, acknowledgement_message, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, '', $12)",
            )
            .bind(&e.report_id)
            .bind(&e.commune)
            .bind(&e.category)
            .bind(&e.title)
            .bind(&e.description)
            .bind(location.latitude)
            .bind(location.longitude)
            .bind(&location.address)
            .bind(&e.reporter)
            .bind(Status::New.as_str())
            .bind(event.metadata.occurred_at_us)
            .bind(version)
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::ReportAcknowledged>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Acknowledged, &e.message, "commune", version).await?;
            sqlx::query("UPDATE reports_view SET acknowledgement_message = $1 WHERE report_id = $2")
                .bind(&e.message)
                .bind(&event.aggregate_id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::ReportWorkStarted>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::InProgress, &e.message, "commune", version).await?;
        } else if let Some(e) = event.decode::<pb::ReportResolved>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Resolved, &e.message, "commune", version).await?;
            sqlx::query("UPDATE reports_view SET resolved_at_us = $1 WHERE report_id = $2")
                .bind(e.resolved_at_us)
                .bind(&event.aggregate_id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::ReportRejected>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Rejected, &e.reason, "commune", version).await?;
        } else if let Some(e) = event.decode::<pb::ReportReopened>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Acknowledged, &e.message, "reporter", version).await?;
        }
        Ok(())
    }
}

/// A public step of the workflow: the new status, the timeline entry, and the
/// time of the commune's first response (the commitment clock) if this is it.
async fn step(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    status: Status,
    message: &str,
    by: &str,
    version: i64,
) -> Result<(), sqlx::Error> {
    let at = event.metadata.occurred_at_us;
    let first_response = if by == "commune" { at } else { 0 };
    sqlx::query(
        "UPDATE reports_view SET status = $1, version = $2, \
         acknowledged_at_us = CASE WHEN acknowledged_at_us = 0 THEN $3 ELSE acknowledged_at_us END \
         WHERE report_id = $4",
    )
    .bind(status.as_str())
    .bind(version)
    .bind(first_response)
    .bind(&event.aggregate_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO report_updates (position, report_id, status, message, by_whom, at_us) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(i64::try_from(event.position).unwrap_or(i64::MAX))
    .bind(&event.aggregate_id)
    .bind(status.as_str())
    .bind(message)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

fn to_status(status: Option<Status>) -> pb::ReportStatus {
    match status {
        Some(Status::New) => pb::ReportStatus::New,
        Some(Status::Acknowledged) => pb::ReportStatus::Acknowledged,
        Some(Status::InProgress) => pb::ReportStatus::InProgress,
        Some(Status::Resolved) => pb::ReportStatus::Resolved,
        Some(Status::Rejected) => pb::ReportStatus::Rejected,
        None => pb::ReportStatus::Unspecified,
    }
}

const COLUMNS: &str = "report_id, commune, category, title, description, latitude, longitude, address, status, \
     submitted_at_us, acknowledged_at_us, acknowledgement_message, version, resolved_at_us";

fn to_report(row: &AnyRow) -> Result<pb::Report, sqlx::Error> {
    let report_id: String = row.try_get("report_id")?;
    let commune: String = row.try_get("commune")?;
    let status = to_status(Status::parse(&row.try_get::<String, _>("status")?));
    Ok(pb::Report {
        name: format!("communes/{commune}/reports/{report_id}"),
        report_id,
        commune,
        category: row.try_get("category")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: Some(pb::Location {
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
            address: row.try_get("address")?,
        }),
        status: status.into(),
        submitted_at_us: row.try_get("submitted_at_us")?,
        acknowledged_at_us: row.try_get("acknowledged_at_us")?,
        acknowledgement_message: row.try_get("acknowledgement_message")?,
        version: u64::try_from(row.try_get::<i64, _>("version")?).unwrap_or_default(),
        updates: Vec::new(),
        resolved_at_us: row.try_get("resolved_at_us")?,
        ..Default::default()
    })
}

/// One report of one commune (a report of another commune is not found),
/// with its public timeline (lists leave the timeline out).
pub async fn get(db: &Database, commune: &str, report_id: &str) -> Result<Option<pb::Report>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM reports_view WHERE commune = $1 AND report_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune).bind(report_id).fetch_optional(db.pool()).await?;
    let Some(mut report) = row.as_ref().map(to_report).transpose()? else { return Ok(None) };
    let updates = sqlx::query(
        "SELECT status, message, by_whom, at_us FROM report_updates WHERE report_id = $1 ORDER BY position",
    )
    .bind(report_id)
    .fetch_all(db.pool())
    .await?;
    for update in &updates {
        report.updates.push(pb::PublicUpdate {
            status: to_status(Status::parse(&update.try_get::<String, _>(0)?)).into(),
            message: update.try_get(1)?,
            by: update.try_get(2)?,
            at_us: update.try_get(3)?,
            ..Default::default()
        });
    }
    Ok(Some(report))
}

/// Where a page starts: after this (submitted_at, report_id) in newest-first order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub submitted_at_us: i64,
    pub report_id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.submitted_at_us, self.report_id))
    }

    pub fn decode(token: &str) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let (at, id) = raw.split_once(':')?;
        Some(Self { submitted_at_us: at.parse().ok()?, report_id: id.to_owned() })
    }
}

/// A page of a commune's reports, newest first (only those in `statuses`, if
/// any), and the cursor of the next page.
pub async fn list(
    db: &Database,
    commune: &str,
    statuses: &[Status],
    page_size: u32,
    after: Option<&Cursor>,
) -> Result<(Vec<pb::Report>, Option<Cursor>), sqlx::Error> {
    let limit = i64::from(page_size) + 1;
    // $1 commune, $2 limit, $3/$4 cursor, then one placeholder per status.
    let mut sql = format!("SELECT {COLUMNS} FROM reports_view WHERE commune = $1");
    if after.is_some() {
        sql.push_str(" AND (submitted_at_us < $3 OR (submitted_at_us = $3 AND report_id < $4))");
    }
    if !statuses.is_empty() {
        let first = if after.is_some() { 5 } else { 3 };
        let placeholders: Vec<String> = (0..statuses.len()).map(|i| format!("${}", first + i)).collect();
        sql.push_str(&format!(" AND status IN ({})", placeholders.join(", ")));
    }
    sql.push_str(" ORDER BY submitted_at_us DESC, report_id DESC LIMIT $2");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune).bind(limit);
    if let Some(cursor) = after {
        query = query.bind(cursor.submitted_at_us).bind(cursor.report_id.clone());
    }
    for status in statuses {
        query = query.bind(status.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut reports = rows.iter().map(to_report).collect::<Result<Vec<_>, _>>()?;
    let next = if reports.len() > page_size as usize {
        reports.truncate(page_size as usize);
        reports.last().map(|r| Cursor { submitted_at_us: r.submitted_at_us, report_id: r.report_id.clone() })
    } else {
        None
    };
    Ok((reports, next))
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor { submitted_at_us: 1_700_000_000_000_000, report_id: "0190-abc".into() };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("%%%"), None);
        assert_eq!(Cursor::decode("bm90LWEtY3Vyc29y"), None);
    }
}
