//! How each event of the publications log changes the read model, and the
//! one-off filling of the search text of rows projected before it existed.

use miroir_eventstore::{InlineProjection, RecordedEvent};
use miroir_platform::search::normalise;
use miroir_platform::storage::Database;
use miroir_proto::publications::v1 as pb;
use prost::Message;
use sqlx::{AnyConnection, Row};

use super::{attachments, decode_error};
use crate::domain::{Space, Status};

pub struct PublicationsView;

impl InlineProjection for PublicationsView {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        let version = i64::try_from(event.aggregate_version).unwrap_or(i64::MAX);
        if let Some(e) = event.decode::<pb::PublicationDrafted>() {
            let e = e.map_err(decode_error)?;
            let space = Space::from_pb(e.space).map(Space::as_str).unwrap_or_default();
            let publication = pb::Publication {
                name: format!("communes/{}/publications/{}", e.commune, e.publication_id),
                publication_id: e.publication_id.clone(),
                space: e.space,
                kind: e.kind.clone(),
                title: e.title,
                body: e.body,
                status: pb::PublicationStatus::Draft as i32,
                details: e.details,
                author: e.author,
                created_at_us: e.drafted_at_us,
                updated_at_us: e.drafted_at_us,
                ..Default::default()
            };
            sqlx::query(
                "INSERT INTO publications_view (publication_id, commune, space, kind, status, published_at_us, \
                 version, resource, search_text) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)",
            )
            .bind(&e.publication_id)
            .bind(&e.commune)
            .bind(space)
            .bind(&e.kind)
            .bind(Status::Draft.as_str())
            .bind(version)
            .bind(publication.encode_to_vec())
            .bind(search_text(&publication))
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::PublicationDraftUpdated>() {
            let e = e.map_err(decode_error)?;
            let mut p = load(conn, &e.publication_id).await?;
            p.title = e.title;
            p.body = e.body;
            p.details = e.details;
            p.updated_at_us = e.updated_at_us;
            save(conn, &p, Status::Draft, version).await?;
        } else if let Some(e) = event.decode::<pb::PublicationPublished>() {
            let e = e.map_err(decode_error)?;
            let mut p = load(conn, &e.publication_id).await?;
            p.status = pb::PublicationStatus::Published as i32;
            p.published_at_us = e.published_at_us;
            p.updated_at_us = e.decided_at_us;
            save(conn, &p, Status::Published, version).await?;
        } else if let Some(e) = event.decode::<pb::PublicationAmended>() {
            let e = e.map_err(decode_error)?;
            let mut p = load(conn, &e.publication_id).await?;
            p.title = e.title.clone();
            p.body = e.body.clone();
            p.details = e.details.clone();
            p.revision = e.revision;
            p.updated_at_us = e.amended_at_us;
            let previous_attachments = attachments::amended(conn, &mut p, &e).await?;
            save(conn, &p, Status::Published, version).await?;
            let revision = pb::Revision {
                revision: e.revision,
                summary_of_change: e.summary_of_change,
                previous_title: e.previous_title,
                title: e.title,
                previous_body: e.previous_body,
                body: e.body,
                body_diff: e.body_diff,
                amended_at_us: e.amended_at_us,
                amended_by: event.metadata.actor.clone(),
                previous_details: e.previous_details,
                details: e.details,
                previous_attachments,
                attachments: p.attachments,
            };
            insert_revision(conn, &e.publication_id, &revision).await?;
        } else if let Some(e) = event.decode::<pb::PublicationArchived>() {
            let e = e.map_err(decode_error)?;
            let mut p = load(conn, &e.publication_id).await?;
            p.status = pb::PublicationStatus::Archived as i32;
            p.archived_reason = e.reason;
            p.archived_at_us = e.archived_at_us;
            p.updated_at_us = e.archived_at_us;
            save(conn, &p, Status::Archived, version).await?;
        } else if let Some(e) = event.decode::<pb::AttachmentAdded>() {
            let e = e.map_err(decode_error)?;
            let mut p = load(conn, &e.publication_id).await?;
            let revision = attachments::added(conn, &mut p, &e, event).await?;
            save(conn, &p, status_of(&p), version).await?;
            if let Some(revision) = revision {
                insert_revision(conn, &e.publication_id, &revision).await?;
            }
        } else if let Some(e) = event.decode::<pb::AttachmentRemoved>() {
            let e = e.map_err(decode_error)?;
            let mut p = load(conn, &e.publication_id).await?;
            attachments::removed_from_draft(conn, &mut p, &e).await?;
            save(conn, &p, status_of(&p), version).await?;
        }
        Ok(())
    }
}

/// The row status of a stored resource (stored resources are never "scheduled").
fn status_of(p: &pb::Publication) -> Status {
    match pb::PublicationStatus::try_from(p.status) {
        Ok(pb::PublicationStatus::Draft) => Status::Draft,
        Ok(pb::PublicationStatus::Archived) => Status::Archived,
        _ => Status::Published,
    }
}

async fn insert_revision(
    conn: &mut AnyConnection,
    publication_id: &str,
    revision: &pb::Revision,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO publication_revisions (publication_id, revision, resource) VALUES ($1, $2, $3)")
        .bind(publication_id)
        .bind(i64::from(revision.revision))
        .bind(revision.encode_to_vec())
        .execute(conn)
        .await?;
    Ok(())
}

async fn load(conn: &mut AnyConnection, publication_id: &str) -> Result<pb::Publication, sqlx::Error> {
    let row = sqlx::query("SELECT resource FROM publications_view WHERE publication_id = $1")
        .bind(publication_id)
        .fetch_one(conn)
        .await?;
    let bytes: Vec<u8> = row.try_get(0)?;
    pb::Publication::decode(bytes.as_slice()).map_err(decode_error)
}

async fn save(conn: &mut AnyConnection, p: &pb::Publication, status: Status, version: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE publications_view SET status = $1, published_at_us = $2, version = $3, resource = $4, \
         search_text = $5 WHERE publication_id = $6",
    )
    .bind(status.as_str())
    .bind(p.published_at_us)
    .bind(version)
    .bind(p.encode_to_vec())
    .bind(search_text(p))
    .bind(&p.publication_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a text query is matched against: the title and body, normalised
/// (never empty: at least " ", so that '' marks a row not yet filled).
fn search_text(p: &pb::Publication) -> String {
    normalise(&format!("{} {}", p.title, p.body))
}

/// Fills the search text of the rows that have none (projected before
/// `0003_search_text.sql`), from their stored resource. Runs after the
/// migrations, in batches; idempotent, and safe while the service writes:
/// a row the projection wrote meanwhile already has its text and is left alone.
pub async fn fill_search_text(db: &Database) -> Result<u64, sqlx::Error> {
    const BATCH: i64 = 500;
    let mut filled = 0;
    loop {
        let rows =
            sqlx::query("SELECT publication_id, resource FROM publications_view WHERE search_text = '' LIMIT $1")
                .bind(BATCH)
                .fetch_all(db.pool())
                .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.begin_write().await?;
        for row in &rows {
            let id: String = row.try_get(0)?;
            let bytes: Vec<u8> = row.try_get(1)?;
            let publication = pb::Publication::decode(bytes.as_slice()).map_err(decode_error)?;
            filled += sqlx::query(
                "UPDATE publications_view SET search_text = $1 WHERE publication_id = $2 AND search_text = ''",
            )
            .bind(search_text(&publication))
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
    }
}
