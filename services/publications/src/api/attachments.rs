//! Attachments over gRPC: a file's type read from its bytes (PDF, or an image
//! cleaned of its metadata), its bytes put in the object store under a key
//! made of ids, then the command that names it; reading one back as readable
//! as its publication.
//!
//! Order of effects: the command is decided once on the current state before
//! the file is stored (a refused file leaves no object behind), the object is
//! written before the event that names it (an event never points to nothing),
//! and an object no row of `publication_attachments` names any more (a draft's
//! removed file, a file whose command lost) is deleted afterwards, best effort.

use miroir_auth::Principal;
use miroir_eventstore::decider::{self, Decider, EventCodec, Target, execute};
use miroir_eventstore::{CommitReceipt, Metadata};
use miroir_objects::image::{self, ImageType};
use miroir_objects::{ObjectStore, pdf};
use miroir_proto::publications::v1 as pb;
use sha2::{Digest, Sha256};

use super::{PublicationsApi, parse};
use crate::domain::attachment::{self, MediaType, NewAttachment};
use crate::domain::{Command, Event, InseeCode, PublicationDecider};
use crate::error::ApiError;
use crate::read_model::{PublicationsView, attachments};

/// What the bytes are, by their content alone: a whole PDF within 20 MiB
/// (kept as sent), or a JPEG, PNG or WebP image within 5 MiB (rewritten
/// without its metadata). Anything else is refused, whatever its name says.
pub fn checked_content(content: Vec<u8>) -> Result<(MediaType, Vec<u8>), ApiError> {
    let refuse = |reason: String| ApiError::invalid("content", reason);
    if content.is_empty() {
        return Err(refuse("is empty: send the file".into()));
    }
    if pdf::looks_like_pdf(&content) {
        pdf::check(&content).map_err(|e| refuse(e.to_string()))?;
        return Ok((MediaType::Pdf, content));
    }
    if image::sniff(&content).is_some() {
        let clean = image::clean(&content).map_err(|e| refuse(e.to_string()))?;
        let media = match clean.kind {
            ImageType::Jpeg => MediaType::Jpeg,
            ImageType::Png => MediaType::Png,
            ImageType::Webp => MediaType::Webp,
        };
        return Ok((media, clean.bytes));
    }
    Err(refuse("must be a PDF document, or an image in JPEG, PNG or WebP format".into()))
}

/// An attachment id: a UUID, as the service made it.
fn attachment_id(raw: &str) -> Result<String, ApiError> {
    match uuid::Uuid::parse_str(raw) {
        Ok(_) => Ok(raw.to_owned()),
        Err(_) => Err(ApiError::invalid("attachment_id", "must be the UUID of an attachment")),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn storage_error(doing: &'static str) -> impl FnOnce(miroir_objects::StoreError) -> ApiError {
    move |e| ApiError::Internal(format!("{doing} an attachment: {e}"))
}

impl PublicationsApi {
    fn objects(&self) -> Result<&ObjectStore, ApiError> {
        self.objects.as_ref().ok_or(ApiError::Unavailable("this server keeps no attachments"))
    }

    fn target(&self, commune: &InseeCode, publication_id: &str, request_id: Option<String>) -> Target {
        Target {
            commune: commune.to_string(),
            aggregate_type: "publication",
            aggregate_id: publication_id.to_owned(),
            request_id,
        }
    }

    /// The attachment an `AttachmentAdded` recorded at `version` of a publication.
    async fn recorded_addition(&self, receipt: &CommitReceipt) -> Result<Option<pb::Attachment>, ApiError> {
        let events = self.store.load("publication", &receipt.aggregate_id).await?;
        let Some(recorded) = events.iter().find(|e| e.aggregate_version == receipt.version) else {
            return Ok(None);
        };
        match Event::decode(recorded).map_err(|e| ApiError::Internal(e.to_string()))? {
            Some(Event::AttachmentAdded(added)) => Ok(added.attachment),
            _ => Ok(None),
        }
    }

    /// Deletes an object unless a row of the read model still names it.
    async fn delete_if_unused(&self, commune: &InseeCode, publication_id: &str, attachment_id: &str, key: &str) {
        let db = self.store.database();
        match attachments::find(db, commune.as_str(), publication_id, attachment_id).await {
            Ok(None) => {}
            Ok(Some(_)) => return,
            Err(error) => {
                tracing::warn!(%error, "publications: cannot tell whether an attachment is still used; kept");
                return;
            }
        }
        if let Some(objects) = &self.objects
            && let Err(error) = objects.delete(key).await
        {
            // An orphan object costs storage, not correctness: nothing names it.
            tracing::warn!(%error, "publications: an unused attachment could not be deleted");
        }
    }

    pub(super) async fn attach(
        &self,
        principal: &Principal,
        r: pb::AddAttachmentRequest,
    ) -> Result<pb::AttachmentResponse, ApiError> {
        let (commune, id) = parse::publication_name("name", &r.name)?;
        let request_id = parse::request_id(&r.request_id)?;
        self.check_commune(&commune, "name").await?;
        self.require_writer_of(principal, &commune, &id).await?;
        let objects = self.objects()?;
        let metadata = Metadata::for_command(principal.actor().unwrap_or_default(), request_id.as_deref());
        // A retried request gets its first result, without storing the file again.
        if let Some(retried) = &request_id
            && let Some(receipt) = self.store.find_commit(commune.as_str(), retried).await?
        {
            // A key first used for something else than adding a file has no file to answer with.
            let attachment = self.recorded_addition(&receipt).await?.ok_or_else(ApiError::key_used_elsewhere)?;
            let publication = self.read(principal, &commune, &receipt.aggregate_id).await?;
            return Ok(pb::AttachmentResponse {
                publication: Some(publication),
                attachment: Some(attachment),
                log_position: receipt.last_position,
            });
        }
        let (media, bytes) = checked_content(r.content)?;
        let attachment_id = uuid::Uuid::now_v7().to_string();
        let file = NewAttachment {
            object_key: attachment::object_key(commune.as_str(), &id, &attachment_id, media),
            attachment_id,
            media_type: media,
            size_bytes: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
            display_name: r.display_name,
            alt_text: r.alt_text,
        };
        let at_us = self.now();
        let command = || Command::AddAttachment {
            commune: commune.to_string(),
            publication_id: id.clone(),
            file: file.clone(),
            summary: r.summary_of_change.clone(),
            at_us,
        };
        let (state, _) = decider::load::<PublicationDecider>(&self.store, "publication", &id).await?;
        PublicationDecider::decide(&state, command())?;
        objects.put(&file.object_key, bytes).await.map_err(storage_error("storing"))?;
        let target = self.target(&commune, &id, request_id);
        let executed =
            match execute::<PublicationDecider, _>(&self.store, &target, metadata, &PublicationsView, command).await {
                Ok(executed) => executed,
                Err(error) => {
                    self.delete_if_unused(&commune, &id, &file.attachment_id, &file.object_key).await;
                    return Err(error.into());
                }
            };
        let receipt = executed.receipt;
        let publication = self.read(principal, &commune, &receipt.aggregate_id).await?;
        let attachment = if receipt.duplicate {
            // A concurrent retry of the same request won: ours is not recorded.
            self.delete_if_unused(&commune, &id, &file.attachment_id, &file.object_key).await;
            self.recorded_addition(&receipt).await?
        } else {
            tracing::info!(
                commune = %commune,
                publication_id = %id,
                attachment_id = %file.attachment_id,
                media_type = media.as_str(),
                size_bytes = file.size_bytes,
                "attachment added"
            );
            publication.attachments.iter().find(|a| a.attachment_id == file.attachment_id).cloned()
        };
        Ok(pb::AttachmentResponse { publication: Some(publication), attachment, log_position: receipt.last_position })
    }

    pub(super) async fn detach(
        &self,
        principal: &Principal,
        r: pb::RemoveAttachmentRequest,
    ) -> Result<pb::PublicationResponse, ApiError> {
        let (commune, id) = parse::publication_name("name", &r.name)?;
        let attachment_id = attachment_id(&r.attachment_id)?;
        let request_id = parse::request_id(&r.request_id)?;
        self.check_commune(&commune, "name").await?;
        self.require_writer_of(principal, &commune, &id).await?;
        self.objects()?;
        let stored = attachments::find(self.store.database(), commune.as_str(), &id, &attachment_id).await?;
        let at_us = self.now();
        let command = || Command::RemoveAttachment {
            commune: commune.to_string(),
            publication_id: id.clone(),
            attachment_id: attachment_id.clone(),
            at_us,
        };
        let response = self.run(principal, &commune, &id, request_id, command).await?;
        // Drafts keep no history: once no row names the file, its bytes go.
        if let Some(stored) = stored {
            self.delete_if_unused(&commune, &id, &attachment_id, &stored.object_key).await;
        }
        Ok(response)
    }

    pub(super) async fn attachment_content(
        &self,
        principal: &Principal,
        r: &pb::GetAttachmentRequest,
    ) -> Result<pb::AttachmentContent, ApiError> {
        let (commune, id) = parse::publication_name("name", &r.name)?;
        let attachment_id = attachment_id(&r.attachment_id)?;
        let objects = self.objects()?;
        // As readable as the publication: a draft's files only for its space's writers.
        self.read(principal, &commune, &id).await?;
        let stored = attachments::find(self.store.database(), commune.as_str(), &id, &attachment_id)
            .await?
            .ok_or(ApiError::AttachmentNotFound)?;
        let content = objects.get(&stored.object_key).await.map_err(storage_error("reading"))?.ok_or_else(|| {
            ApiError::Internal(format!("attachment {attachment_id} is in the read model but not in storage"))
        })?;
        Ok(pb::AttachmentContent {
            media_type: stored.attachment.media_type.clone(),
            content,
            display_name: stored.attachment.display_name.clone(),
            attachment: Some(stored.attachment),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_and_reason(result: Result<(MediaType, Vec<u8>), ApiError>) -> (String, String) {
        match result {
            Err(ApiError::InvalidArgument { field, reason }) => (field, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        assert_eq!(checked_content(pdf.clone()).map(|(m, b)| (m, b.len())).ok(), Some((MediaType::Pdf, pdf.len())));
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
        let (field, reason) = field_and_reason(checked_content(html));
        assert_eq!(field, "content");
        assert!(reason.contains("PDF"), "{reason}");
        assert_eq!(field_and_reason(checked_content(Vec::new())).0, "content");
        let (_, reason) = field_and_reason(checked_content(b"%PDF-1.7\ncut short".to_vec()));
        assert!(reason.contains("incomplete"), "{reason}");
        let (_, reason) = field_and_reason(checked_content(b"\xff\xd8\xff\xe0broken".to_vec()));
        assert!(reason.contains("damaged"), "{reason}");
    }

    #[test]
    fn digests_are_lower_case_hex() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
