//! What the commune's staff do with a report: the workflow steps (and the
//! reporter's reopening), routing, internal notes and merging duplicates.

use miroir_auth::Principal;
use miroir_auth::grpc::require_role_or_scope;
use miroir_eventstore::event::now_us;
use miroir_proto::reports::v1 as pb;

use super::{ReportsApi, STAFF, WRITE_SCOPE, parse, viewer};
use crate::domain::{Command, InseeCode, Status as WorkflowStatus};
use crate::error::ApiError;
use crate::read_model::query;

impl ReportsApi {
    /// Checks the caller is the commune's staff and the commune takes commands.
    async fn staff_on(&self, principal: &Principal, name: &str) -> Result<(InseeCode, String), ApiError> {
        let (commune, report_id) = parse::report_name("name", name)?;
        require_role_or_scope(principal, commune.as_str(), STAFF, Some(WRITE_SCOPE)).map_err(ApiError::Auth)?;
        self.check_commune(&commune, "name").await?;
        Ok((commune, report_id))
    }

    pub(super) async fn acknowledge(
        &self,
        principal: &Principal,
        request: pb::AcknowledgeReportRequest,
    ) -> Result<(pb::Report, u64), ApiError> {
        let (commune, report_id) = self.staff_on(principal, &request.name).await?;
        let request_id = parse::request_id(&request.request_id)?;
        let agent = principal.actor().unwrap_or_default();
        let done = self
            .run(principal, &commune, &report_id, request_id, || Command::Acknowledge {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                agent: agent.clone(),
                message: request.message.clone(),
            })
            .await?;
        tracing::info!(commune = %commune, report_id, "report acknowledged");
        Ok(done)
    }

    pub(super) async fn update_status(
        &self,
        principal: &Principal,
        request: pb::UpdateReportStatusRequest,
    ) -> Result<(pb::Report, u64), ApiError> {
        let (commune, report_id) = self.staff_on(principal, &request.name).await?;
        let to = match request.status() {
            pb::ReportStatus::InProgress => WorkflowStatus::InProgress,
            pb::ReportStatus::Resolved => WorkflowStatus::Resolved,
            pb::ReportStatus::Rejected => WorkflowStatus::Rejected,
            _ => return Err(ApiError::invalid("status", "must be in progress, resolved or rejected")),
        };
        let request_id = parse::request_id(&request.request_id)?;
        let agent = principal.actor().unwrap_or_default();
        let at_us = now_us();
        let done = self
            .run(principal, &commune, &report_id, request_id, || Command::Advance {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                agent: agent.clone(),
                to,
                message: request.message.clone(),
                at_us,
            })
            .await?;
        tracing::info!(commune = %commune, report_id, status = to.as_str(), "report status updated");
        Ok(done)
    }

    pub(super) async fn reopen(
        &self,
        principal: &Principal,
        request: pb::ReopenReportRequest,
    ) -> Result<(pb::Report, u64), ApiError> {
        let (commune, report_id) = parse::report_name("name", &request.name)?;
        let by = principal.account_id().map(str::to_owned).ok_or_else(|| {
            ApiError::Auth(tonic::Status::unauthenticated("reopening a report needs the reporter's account"))
        })?;
        self.check_commune(&commune, "name").await?;
        let request_id = parse::request_id(&request.request_id)?;
        let at_us = now_us();
        let done = self
            .run(principal, &commune, &report_id, request_id, || Command::Reopen {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                by: by.clone(),
                message: request.message.clone(),
                at_us,
            })
            .await?;
        tracing::info!(commune = %commune, report_id, "report reopened");
        Ok(done)
    }

    pub(super) async fn assign(
        &self,
        principal: &Principal,
        request: pb::AssignReportRequest,
    ) -> Result<(pb::Report, u64), ApiError> {
        let (commune, report_id) = self.staff_on(principal, &request.name).await?;
        let request_id = parse::request_id(&request.request_id)?;
        let by = principal.actor().unwrap_or_default();
        let done = self
            .run(principal, &commune, &report_id, request_id, || Command::Assign {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                department: request.department.clone(),
                agent: request.agent.clone(),
                by: by.clone(),
            })
            .await?;
        tracing::info!(commune = %commune, report_id, "report assigned");
        Ok(done)
    }

    pub(super) async fn add_note(
        &self,
        principal: &Principal,
        request: pb::AddInternalNoteRequest,
    ) -> Result<pb::InternalNote, ApiError> {
        let (commune, report_id) = self.staff_on(principal, &request.name).await?;
        let request_id = parse::request_id(&request.request_id)?;
        let note_id = uuid::Uuid::now_v7().to_string();
        let author = principal.actor().unwrap_or_default();
        let (report, _) = self
            .run(principal, &commune, &report_id, request_id.clone(), || Command::AddNote {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                note_id: note_id.clone(),
                author: author.clone(),
                text: request.text.clone(),
            })
            .await?;
        // The report the command went to: on a retry, the first attempt's, which an
        // idempotency key reused on another report still names.
        let notes = query::notes(self.store.database(), &report.report_id).await?;
        // A retry answers with the note its first attempt wrote (the last by this author).
        let note = notes
            .iter()
            .find(|n| n.note_id == note_id)
            .or_else(|| request_id.as_ref().and_then(|_| notes.iter().rev().find(|n| n.author == author)))
            .cloned()
            .ok_or_else(|| match request_id {
                // The key's first request was no note by this author on this report.
                Some(_) => ApiError::key_used_elsewhere(),
                None => ApiError::Internal("the note just written is not in the read model".into()),
            })?;
        tracing::info!(commune = %commune, report_id, "internal note added");
        Ok(note)
    }

    pub(super) async fn notes(
        &self,
        principal: &Principal,
        name: &str,
    ) -> Result<pb::ListInternalNotesResponse, ApiError> {
        let (commune, report_id) = parse::report_name("name", name)?;
        require_role_or_scope(principal, commune.as_str(), STAFF, Some(WRITE_SCOPE)).map_err(ApiError::Auth)?;
        // A report of another commune has no notes here: not found, like the report.
        self.read(&commune, &report_id, &viewer(principal, &commune)).await?;
        Ok(pb::ListInternalNotesResponse { notes: query::notes(self.store.database(), &report_id).await? })
    }

    /// Closes the duplicate `name` into `into`, then moves its supporters and
    /// followers there. Two decisions on two reports: if the second fails, a
    /// retry of the same request finds the first done and completes the second.
    pub(super) async fn merge(
        &self,
        principal: &Principal,
        request: pb::MergeReportRequest,
    ) -> Result<(pb::Report, u64), ApiError> {
        let (commune, duplicate_id) = self.staff_on(principal, &request.name).await?;
        let (into_commune, kept_id) = parse::report_name("into", &request.into)?;
        if into_commune != commune {
            return Err(ApiError::invalid("into", "must be a report of the same commune"));
        }
        if kept_id == duplicate_id {
            return Err(ApiError::invalid("into", "a report cannot be merged into itself"));
        }
        let request_id = parse::request_id(&request.request_id)?;
        let staff = viewer(principal, &commune);
        let kept = self
            .read(&commune, &kept_id, &staff)
            .await
            .map_err(|_| ApiError::invalid("into", "no such report in this commune"))?;
        if kept.status() == pb::ReportStatus::Merged {
            return Err(ApiError::invalid("into", "this report was itself merged; merge into the one it points to"));
        }
        let duplicate = self.read(&commune, &duplicate_id, &staff).await?;
        if duplicate.merged_into != kept_id {
            let agent = principal.actor().unwrap_or_default();
            self.run(principal, &commune, &duplicate_id, request_id, || Command::MergeInto {
                commune: commune.to_string(),
                report_id: duplicate_id.clone(),
                into: kept_id.clone(),
                agent: agent.clone(),
                message: request.message.clone(),
            })
            .await?;
        }
        let (supporters, followers) = query::supporters_and_followers(self.store.database(), &duplicate_id).await?;
        // Absorbing is idempotent in the decider (once per duplicate), so no request id is needed.
        let done = self
            .run(principal, &commune, &kept_id, None, || Command::Absorb {
                commune: commune.to_string(),
                report_id: kept_id.clone(),
                duplicate: duplicate_id.clone(),
                supporters: supporters.clone(),
                followers: followers.clone(),
            })
            .await?;
        tracing::info!(commune = %commune, duplicate = duplicate_id, kept = kept_id, "duplicate merged");
        Ok(done)
    }

    pub(super) async fn photo(&self, principal: &Principal, name: &str) -> Result<pb::ReportPhoto, ApiError> {
        let (commune, report_id, photo_id) = parse::photo_name(name)?;
        let (content_type, key) =
            query::photo(self.store.database(), commune.as_str(), &report_id, &photo_id, &viewer(principal, &commune))
                .await?
                .ok_or(ApiError::NotFound)?;
        let data =
            self.photos.get(&key).await.map_err(|e| ApiError::Internal(format!("reading a photo: {e}")))?.ok_or_else(
                || ApiError::Internal(format!("photo {photo_id} is in the read model but not in storage")),
            )?;
        Ok(pb::ReportPhoto { content_type, data })
    }
}
