//! How each event of the reports log changes the read model.

use miroir_eventstore::{InlineProjection, RecordedEvent};
use miroir_platform::search::normalise;
use miroir_proto::reports::v1 as pb;
use sqlx::AnyConnection;

use super::position;
use crate::domain::Status;

pub struct ReportsView;

fn decode_error(e: prost::DecodeError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

impl InlineProjection for ReportsView {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        let version = i64::try_from(event.aggregate_version).unwrap_or(i64::MAX);
        let id = event.aggregate_id.as_str();
        if let Some(e) = event.decode::<pb::ReportSubmitted>() {
            submitted(conn, event, e.map_err(decode_error)?, version).await?;
        } else if let Some(e) = event.decode::<pb::ReportAcknowledged>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Acknowledged, "acknowledged", &e.message, "commune", version).await?;
            sqlx::query("UPDATE reports_view SET acknowledgement_message = $1 WHERE report_id = $2")
                .bind(&e.message)
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::ReportWorkStarted>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::InProgress, "in_progress", &e.message, "commune", version).await?;
        } else if let Some(e) = event.decode::<pb::ReportResolved>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Resolved, "resolved", &e.message, "commune", version).await?;
            sqlx::query("UPDATE reports_view SET resolved_at_us = $1 WHERE report_id = $2")
                .bind(e.resolved_at_us)
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::ReportRejected>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Rejected, "rejected", &e.reason, "commune", version).await?;
        } else if let Some(e) = event.decode::<pb::ReportReopened>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Acknowledged, "reopened", &e.message, "reporter", version).await?;
        } else if let Some(e) = event.decode::<pb::ReportMerged>() {
            let e = e.map_err(decode_error)?;
            step(conn, event, Status::Merged, "merged", &e.message, "commune", version).await?;
            sqlx::query("UPDATE reports_view SET merged_into = $1 WHERE report_id = $2")
                .bind(&e.into_report_id)
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::ReportAssigned>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "UPDATE reports_view SET department = $1, assigned_agent = $2, version = $3 WHERE report_id = $4",
            )
            .bind(&e.department)
            .bind(&e.agent)
            .bind(version)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            // The department is public ("sent to the lighting department"); the agent is not.
            timeline(conn, event, "assigned", &e.department, "commune").await?;
        } else if let Some(e) = event.decode::<pb::ReportVerified>() {
            e.map_err(decode_error)?;
            sqlx::query("UPDATE reports_view SET verified = 1, version = $1 WHERE report_id = $2")
                .bind(version)
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::ReportSupported>() {
            let e = e.map_err(decode_error)?;
            add_supporters(conn, id, std::slice::from_ref(&e.supporter)).await?;
            follow(conn, id, std::slice::from_ref(&e.supporter)).await?;
            bump(conn, id, version).await?;
        } else if let Some(e) = event.decode::<pb::DuplicateAbsorbed>() {
            let e = e.map_err(decode_error)?;
            add_supporters(conn, id, &e.supporters).await?;
            follow(conn, id, &e.followers).await?;
            bump(conn, id, version).await?;
        } else if let Some(e) = event.decode::<pb::InternalNoteAdded>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO report_notes (position, note_id, report_id, author, text, at_us) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(position(event))
            .bind(&e.note_id)
            .bind(id)
            .bind(&e.author)
            .bind(&e.text)
            .bind(event.metadata.occurred_at_us)
            .execute(&mut *conn)
            .await?;
            bump(conn, id, version).await?;
        } else if let Some(e) = event.decode::<pb::CategoryDefined>() {
            let e = e.map_err(decode_error)?;
            if let Some(category) = e.category {
                super::categories::upsert(conn, &e.commune, &category, position(event)).await?;
            }
        }
        Ok(())
    }
}

async fn submitted(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    e: pb::ReportSubmitted,
    version: i64,
) -> Result<(), sqlx::Error> {
    let location = e.location.unwrap_or_default();
    let search = normalise(&format!("{} {} {}", e.title, e.description, location.address));
    sqlx::query(
        "INSERT INTO reports_view (report_id, commune, category, title, description, latitude, longitude, \
         address, reporter, status, submitted_at_us, acknowledged_at_us, acknowledgement_message, version, \
         department, verified, verification_token_sha256, reporter_email, client, search_text) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, '', $12, $13, $14, $15, $16, $17, $18)",
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
    .bind(&e.department)
    .bind(i64::from(e.verification_token_sha256.is_empty()))
    .bind(&e.verification_token_sha256)
    .bind(&e.reporter_email)
    .bind(&e.client)
    .bind(search)
    .execute(&mut *conn)
    .await?;
    for answer in &e.attributes {
        for (i, value) in answer.values.iter().enumerate() {
            sqlx::query("INSERT INTO report_attributes (report_id, code, position, value) VALUES ($1, $2, $3, $4)")
                .bind(&e.report_id)
                .bind(&answer.code)
                .bind(i64::try_from(i).unwrap_or(i64::MAX))
                .bind(value)
                .execute(&mut *conn)
                .await?;
        }
    }
    for (i, photo) in e.photos.iter().enumerate() {
        sqlx::query(
            "INSERT INTO report_photos (report_id, photo_id, position, content_type, size_bytes, object_key) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&e.report_id)
        .bind(&photo.photo_id)
        .bind(i64::try_from(i).unwrap_or(i64::MAX))
        .bind(&photo.content_type)
        .bind(i64::try_from(photo.size_bytes).unwrap_or(i64::MAX))
        .bind(&photo.object_key)
        .execute(&mut *conn)
        .await?;
    }
    if !e.reporter.is_empty() {
        follow(conn, &e.report_id, std::slice::from_ref(&e.reporter)).await?;
    }
    Ok(())
}

/// A public step of the workflow: the new status, the timeline entry, and the
/// time of the commune's first response (the commitment clock) if this is it.
async fn step(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    status: Status,
    kind: &str,
    message: &str,
    by: &str,
    version: i64,
) -> Result<(), sqlx::Error> {
    let first_response = if by == "commune" { event.metadata.occurred_at_us } else { 0 };
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
    timeline(conn, event, kind, message, by).await
}

/// One entry of the public timeline, with the status the report has after it.
async fn timeline(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    kind: &str,
    message: &str,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO report_updates (position, report_id, status, message, by_whom, at_us, kind) \
         SELECT $1, report_id, status, $2, $3, $4, $5 FROM reports_view WHERE report_id = $6",
    )
    .bind(position(event))
    .bind(message)
    .bind(by)
    .bind(event.metadata.occurred_at_us)
    .bind(kind)
    .bind(&event.aggregate_id)
    .execute(conn)
    .await?;
    Ok(())
}

async fn bump(conn: &mut AnyConnection, report_id: &str, version: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reports_view SET version = $1 WHERE report_id = $2")
        .bind(version)
        .bind(report_id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn add_supporters(conn: &mut AnyConnection, report_id: &str, accounts: &[String]) -> Result<(), sqlx::Error> {
    for account in accounts {
        sqlx::query("INSERT INTO report_supports (report_id, account) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(report_id)
            .bind(account)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "UPDATE reports_view SET supports = (SELECT COUNT(*) FROM report_supports WHERE report_id = $1) \
         WHERE report_id = $1",
    )
    .bind(report_id)
    .execute(conn)
    .await?;
    Ok(())
}

async fn follow(conn: &mut AnyConnection, report_id: &str, accounts: &[String]) -> Result<(), sqlx::Error> {
    for account in accounts.iter().filter(|a| !a.is_empty()) {
        sqlx::query("INSERT INTO report_followers (report_id, account) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(report_id)
            .bind(account)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
