//! Attachments in the read model: `publication_attachments` (where each
//! file's bytes are, kept for those removed by an amendment) and the
//! `attachments` of the publication's resource, with the revisions that
//! adding to or removing from a published item make.

use miroir_eventstore::RecordedEvent;
use miroir_platform::storage::Database;
use miroir_proto::publications::v1 as pb;
use prost::Message;
use sqlx::{AnyConnection, Row};

use super::decode_error;
use crate::domain::diff::diff_lines;

/// An attachment as the API reads it: what it is and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAttachment {
    pub attachment: pb::Attachment,
    pub object_key: String,
    /// 0 while attached; otherwise the revision that removed it.
    pub removed_in_revision: u32,
}

/// The event's attachment in the table and at the end of the resource's list;
/// on a published item, also the revision this addition made.
pub(super) async fn added(
    conn: &mut AnyConnection,
    publication: &mut pb::Publication,
    e: &pb::AttachmentAdded,
    event: &RecordedEvent,
) -> Result<Option<pb::Revision>, sqlx::Error> {
    let Some(attachment) = e.attachment.clone() else { return Ok(None) };
    sqlx::query(
        "INSERT INTO publication_attachments (publication_id, attachment_id, commune, object_key, \
         removed_in_revision, resource) VALUES ($1, $2, $3, $4, 0, $5)",
    )
    .bind(&e.publication_id)
    .bind(&attachment.attachment_id)
    .bind(&event.commune)
    .bind(&e.object_key)
    .bind(attachment.encode_to_vec())
    .execute(conn)
    .await?;
    let previous = publication.attachments.clone();
    publication.attachments.push(attachment.clone());
    publication.updated_at_us = attachment.added_at_us;
    if e.revision == 0 {
        return Ok(None);
    }
    publication.revision = e.revision;
    Ok(Some(pb::Revision {
        revision: e.revision,
        summary_of_change: e.summary_of_change.clone(),
        previous_title: publication.title.clone(),
        title: publication.title.clone(),
        previous_body: publication.body.clone(),
        body: publication.body.clone(),
        body_diff: diff_lines(&publication.body, &publication.body),
        amended_at_us: attachment.added_at_us,
        amended_by: event.metadata.actor.clone(),
        previous_details: publication.details.clone(),
        details: publication.details.clone(),
        previous_attachments: previous,
        attachments: publication.attachments.clone(),
    }))
}

/// A draft's attachment taken off: gone from the table and the resource.
pub(super) async fn removed_from_draft(
    conn: &mut AnyConnection,
    publication: &mut pb::Publication,
    e: &pb::AttachmentRemoved,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM publication_attachments WHERE publication_id = $1 AND attachment_id = $2")
        .bind(&e.publication_id)
        .bind(&e.attachment_id)
        .execute(conn)
        .await?;
    publication.attachments.retain(|a| a.attachment_id != e.attachment_id);
    publication.updated_at_us = e.removed_at_us;
    Ok(())
}

/// An amendment's removals: off the resource, kept in the table with the
/// revision that removed them. Returns the attachments before the amendment.
pub(super) async fn amended(
    conn: &mut AnyConnection,
    publication: &mut pb::Publication,
    e: &pb::PublicationAmended,
) -> Result<Vec<pb::Attachment>, sqlx::Error> {
    let previous = publication.attachments.clone();
    for id in &e.removed_attachment_ids {
        sqlx::query(
            "UPDATE publication_attachments SET removed_in_revision = $1 \
             WHERE publication_id = $2 AND attachment_id = $3",
        )
        .bind(i64::from(e.revision))
        .bind(&e.publication_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    publication.attachments.retain(|a| !e.removed_attachment_ids.contains(&a.attachment_id));
    Ok(previous)
}

/// One attachment of a publication of `commune`, current or removed by an
/// amendment. Whether the reader may see the publication is the caller's check.
pub async fn find(
    db: &Database,
    commune: &str,
    publication_id: &str,
    attachment_id: &str,
) -> Result<Option<StoredAttachment>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT object_key, removed_in_revision, resource FROM publication_attachments \
         WHERE commune = $1 AND publication_id = $2 AND attachment_id = $3",
    )
    .bind(commune)
    .bind(publication_id)
    .bind(attachment_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let bytes: Vec<u8> = row.try_get(2)?;
    Ok(Some(StoredAttachment {
        attachment: pb::Attachment::decode(bytes.as_slice()).map_err(decode_error)?,
        object_key: row.try_get(0)?,
        removed_in_revision: u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(u32::MAX),
    }))
}
