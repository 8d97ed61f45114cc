//! The gRPC API of the reports service: validates requests, checks roles, runs
//! commands against the log and answers from the read model.

use miroir_auth::grpc::{principal, require_role_or_scope};
use miroir_auth::{Principal, Role};
use miroir_eventstore::decider::{self, Target, execute};
use miroir_eventstore::event::now_us;
use miroir_eventstore::{EventStore, Metadata};
use miroir_proto::reports::v1 as pb;
use miroir_proto::reports::v1::reports_server::Reports as ReportsRpc;
use tonic::{Request, Response, Status};

use crate::communes::CommuneState;
use crate::domain::{Command, InseeCode, Location, ReportDecider, Status as WorkflowStatus};
use crate::error::ApiError;
use crate::read_model::{self, Cursor, ReportsView};

/// Who may acknowledge a report: the commune's staff.
const STAFF: &[Role] = &[Role::Agent, Role::CommuneAdmin];
/// The integration-client scope that allows submitting and acknowledging.
pub const WRITE_SCOPE: &str = "reports:write";
/// The scope that allows reading (reports are public: any token may read them).
pub const READ_SCOPE: &str = "reports:read";
const DEFAULT_PAGE_SIZE: i32 = 20;
const MAX_PAGE_SIZE: i32 = 100;

pub struct ReportsApi {
    store: EventStore,
    require_registered: bool,
}

impl ReportsApi {
    /// The API without the commune check (for tests of other behaviour).
    pub fn new(store: EventStore) -> Self {
        Self { store, require_registered: false }
    }

    /// Takes commands only for communes registered in identity and not
    /// suspended ([`crate::communes`] must be following identity's log).
    pub fn requiring_registered_communes(mut self) -> Self {
        self.require_registered = true;
        self
    }

    async fn check_commune(&self, commune: &InseeCode, field: &str) -> Result<(), ApiError> {
        if !self.require_registered {
            return Ok(());
        }
        match crate::communes::state(self.store.database(), commune.as_str()).await? {
            CommuneState::Open => Ok(()),
            CommuneState::Unknown => Err(ApiError::invalid(field, "no commune with this INSEE code is on Miroir")),
            CommuneState::Suspended => Err(ApiError::Suspended),
        }
    }
}

/// `communes/{insee}` → the INSEE code.
fn parse_parent(field: &str, parent: &str) -> Result<InseeCode, ApiError> {
    let code = parent.strip_prefix("communes/").ok_or_else(|| ApiError::invalid(field, "must be communes/{insee}"))?;
    InseeCode::parse(code).map_err(|reason| ApiError::invalid(field, reason))
}

/// `communes/{insee}/reports/{id}` → (INSEE code, report id).
fn parse_name(name: &str) -> Result<(InseeCode, String), ApiError> {
    let invalid = || ApiError::invalid("name", "must be communes/{insee}/reports/{report_id}");
    let rest = name.strip_prefix("communes/").ok_or_else(invalid)?;
    let (code, id) = rest.split_once("/reports/").ok_or_else(invalid)?;
    let commune = InseeCode::parse(code).map_err(|reason| ApiError::invalid("name", reason))?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::invalid("name", "the report id must be a UUID"));
    }
    Ok((commune, id.to_owned()))
}

fn parse_request_id(request_id: &str) -> Result<Option<String>, ApiError> {
    decider::parse_request_id(request_id).map_err(|reason| ApiError::invalid("request_id", reason))
}

fn metadata(principal: &Principal, request_id: Option<&str>) -> Metadata {
    Metadata::for_command(principal.actor().unwrap_or_default(), request_id)
}

impl ReportsApi {
    async fn read(&self, commune: &InseeCode, report_id: &str) -> Result<pb::Report, ApiError> {
        read_model::get(self.store.database(), commune.as_str(), report_id).await?.ok_or(ApiError::NotFound)
    }
}

#[tonic::async_trait]
impl ReportsRpc for ReportsApi {
    async fn submit_report(
        &self,
        request: Request<pb::SubmitReportRequest>,
    ) -> Result<Response<pb::SubmitReportResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse_parent("parent", &request.parent)?;
        // Residents may report anywhere (anonymously too); city IT only in its own commune.
        if matches!(principal, Principal::Client { .. }) {
            require_role_or_scope(&principal, commune.as_str(), &[], Some(WRITE_SCOPE))?;
        }
        self.check_commune(&commune, "parent").await?;
        let request_id = parse_request_id(&request.request_id)?;
        let location = request.location.ok_or_else(|| ApiError::invalid("location", "is required"))?;
        let location = Location::parse(location.latitude, location.longitude, &location.address)
            .map_err(|(field, reason)| ApiError::invalid(field, reason))?;
        let report_id = uuid::Uuid::now_v7().to_string();
        let target = Target {
            commune: commune.to_string(),
            aggregate_type: "report",
            aggregate_id: report_id.clone(),
            request_id: request_id.clone(),
        };
        let command = || Command::Submit {
            report_id: report_id.clone(),
            commune: commune.to_string(),
            category: request.category.clone(),
            title: request.title.clone(),
            description: request.description.clone(),
            location: location.clone(),
            reporter: principal.account_id().map(str::to_owned),
        };
        let executed = execute::<ReportDecider, _>(
            &self.store,
            &target,
            metadata(&principal, request_id.as_deref()),
            &ReportsView,
            command,
        )
        .await
        .map_err(ApiError::from)?;
        let report = self.read(&commune, &executed.receipt.aggregate_id).await?;
        tracing::info!(commune = %commune, report_id = %report.report_id, duplicate = executed.receipt.duplicate, "report submitted");
        Ok(Response::new(pb::SubmitReportResponse {
            report: Some(report),
            log_position: executed.receipt.last_position,
        }))
    }

    async fn get_report(&self, request: Request<pb::GetReportRequest>) -> Result<Response<pb::Report>, Status> {
        let (commune, report_id) = parse_name(&request.get_ref().name)?;
        Ok(Response::new(self.read(&commune, &report_id).await?))
    }

    async fn list_reports(
        &self,
        request: Request<pb::ListReportsRequest>,
    ) -> Result<Response<pb::ListReportsResponse>, Status> {
        let request = request.into_inner();
        let commune = parse_parent("parent", &request.parent)?;
        let page_size = match request.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => return Err(ApiError::invalid("page_size", "must be between 1 and 100").into()),
        };
        let cursor = match request.page_token.as_str() {
            "" => None,
            token => Some(
                Cursor::decode(token).ok_or_else(|| ApiError::invalid("page_token", "is not a token this API gave"))?,
            ),
        };
        let mut statuses = Vec::new();
        for status in &request.statuses {
            statuses.push(match pb::ReportStatus::try_from(*status) {
                Ok(pb::ReportStatus::New) => WorkflowStatus::New,
                Ok(pb::ReportStatus::Acknowledged) => WorkflowStatus::Acknowledged,
                Ok(pb::ReportStatus::InProgress) => WorkflowStatus::InProgress,
                Ok(pb::ReportStatus::Resolved) => WorkflowStatus::Resolved,
                Ok(pb::ReportStatus::Rejected) => WorkflowStatus::Rejected,
                Ok(pb::ReportStatus::Merged) | Ok(pb::ReportStatus::Unspecified) | Err(_) => {
                    return Err(ApiError::invalid("statuses", "must name real statuses").into());
                }
            });
        }
        let (reports, next) =
            read_model::list(self.store.database(), commune.as_str(), &statuses, page_size as u32, cursor.as_ref())
                .await
                .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListReportsResponse {
            reports,
            next_page_token: next.map(|c| c.encode()).unwrap_or_default(),
        }))
    }

    async fn acknowledge_report(
        &self,
        request: Request<pb::AcknowledgeReportRequest>,
    ) -> Result<Response<pb::AcknowledgeReportResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let (commune, report_id) = parse_name(&request.name)?;
        require_role_or_scope(&principal, commune.as_str(), STAFF, Some(WRITE_SCOPE))?;
        self.check_commune(&commune, "name").await?;
        let request_id = parse_request_id(&request.request_id)?;
        let target = Target {
            commune: commune.to_string(),
            aggregate_type: "report",
            aggregate_id: report_id.clone(),
            request_id: request_id.clone(),
        };
        let agent = principal.actor().unwrap_or_default();
        let command = || Command::Acknowledge {
            commune: commune.to_string(),
            report_id: report_id.clone(),
            agent: agent.clone(),
            message: request.message.clone(),
        };
        let executed = execute::<ReportDecider, _>(
            &self.store,
            &target,
            metadata(&principal, request_id.as_deref()),
            &ReportsView,
            command,
        )
        .await
        .map_err(ApiError::from)?;
        let report = self.read(&commune, &report_id).await?;
        tracing::info!(commune = %commune, report_id, "report acknowledged");
        Ok(Response::new(pb::AcknowledgeReportResponse {
            report: Some(report),
            log_position: executed.receipt.last_position,
        }))
    }

    async fn update_report_status(
        &self,
        request: Request<pb::UpdateReportStatusRequest>,
    ) -> Result<Response<pb::UpdateReportStatusResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let (commune, report_id) = parse_name(&request.name)?;
        require_role_or_scope(&principal, commune.as_str(), STAFF, Some(WRITE_SCOPE))?;
        self.check_commune(&commune, "name").await?;
        let to = match request.status() {
            pb::ReportStatus::InProgress => WorkflowStatus::InProgress,
            pb::ReportStatus::Resolved => WorkflowStatus::Resolved,
            pb::ReportStatus::Rejected => WorkflowStatus::Rejected,
            _ => return Err(ApiError::invalid("status", "must be in progress, resolved or rejected").into()),
        };
        let request_id = parse_request_id(&request.request_id)?;
        let agent = principal.actor().unwrap_or_default();
        let at_us = now_us();
        let (report, log_position) = self
            .workflow(&principal, &commune, &report_id, request_id, || Command::Advance {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                agent: agent.clone(),
                to,
                message: request.message.clone(),
                at_us,
            })
            .await?;
        tracing::info!(commune = %commune, report_id, status = to.as_str(), "report status updated");
        Ok(Response::new(pb::UpdateReportStatusResponse { report: Some(report), log_position }))
    }

    async fn reopen_report(
        &self,
        request: Request<pb::ReopenReportRequest>,
    ) -> Result<Response<pb::ReopenReportResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let (commune, report_id) = parse_name(&request.name)?;
        let by = principal
            .account_id()
            .map(str::to_owned)
            .ok_or_else(|| Status::unauthenticated("reopening a report needs the reporter's account"))?;
        self.check_commune(&commune, "name").await?;
        let request_id = parse_request_id(&request.request_id)?;
        let at_us = now_us();
        let (report, log_position) = self
            .workflow(&principal, &commune, &report_id, request_id, || Command::Reopen {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                by: by.clone(),
                message: request.message.clone(),
                at_us,
            })
            .await?;
        tracing::info!(commune = %commune, report_id, "report reopened");
        Ok(Response::new(pb::ReopenReportResponse { report: Some(report), log_position }))
    }
    // Placeholders while the service side of these calls is written (same session).
    async fn verify_report(
        &self,
        _: Request<pb::VerifyReportRequest>,
    ) -> Result<Response<pb::VerifyReportResponse>, Status> {
        Err(Status::unimplemented("VerifyReport"))
    }
    async fn suggest_duplicates(
        &self,
        _: Request<pb::SuggestDuplicatesRequest>,
    ) -> Result<Response<pb::SuggestDuplicatesResponse>, Status> {
        Err(Status::unimplemented("SuggestDuplicates"))
    }
    async fn support_report(
        &self,
        _: Request<pb::SupportReportRequest>,
    ) -> Result<Response<pb::SupportReportResponse>, Status> {
        Err(Status::unimplemented("SupportReport"))
    }
    async fn assign_report(
        &self,
        _: Request<pb::AssignReportRequest>,
    ) -> Result<Response<pb::AssignReportResponse>, Status> {
        Err(Status::unimplemented("AssignReport"))
    }
    async fn add_internal_note(
        &self,
        _: Request<pb::AddInternalNoteRequest>,
    ) -> Result<Response<pb::InternalNote>, Status> {
        Err(Status::unimplemented("AddInternalNote"))
    }
    async fn list_internal_notes(
        &self,
        _: Request<pb::ListInternalNotesRequest>,
    ) -> Result<Response<pb::ListInternalNotesResponse>, Status> {
        Err(Status::unimplemented("ListInternalNotes"))
    }
    async fn merge_report(
        &self,
        _: Request<pb::MergeReportRequest>,
    ) -> Result<Response<pb::MergeReportResponse>, Status> {
        Err(Status::unimplemented("MergeReport"))
    }
    async fn get_report_photo(
        &self,
        _: Request<pb::GetReportPhotoRequest>,
    ) -> Result<Response<pb::ReportPhoto>, Status> {
        Err(Status::unimplemented("GetReportPhoto"))
    }
    async fn list_categories(
        &self,
        _: Request<pb::ListCategoriesRequest>,
    ) -> Result<Response<pb::ListCategoriesResponse>, Status> {
        Err(Status::unimplemented("ListCategories"))
    }
    async fn get_category(&self, _: Request<pb::GetCategoryRequest>) -> Result<Response<pb::Category>, Status> {
        Err(Status::unimplemented("GetCategory"))
    }
    async fn define_category(&self, _: Request<pb::DefineCategoryRequest>) -> Result<Response<pb::Category>, Status> {
        Err(Status::unimplemented("DefineCategory"))
    }
}

impl ReportsApi {
    /// Runs a workflow command on the report `name` and answers with the report.
    async fn workflow(
        &self,
        principal: &Principal,
        commune: &InseeCode,
        report_id: &str,
        request_id: Option<String>,
        command: impl Fn() -> Command,
    ) -> Result<(pb::Report, u64), ApiError> {
        let target = Target {
            commune: commune.to_string(),
            aggregate_type: "report",
            aggregate_id: report_id.to_owned(),
            request_id: request_id.clone(),
        };
        let executed = execute::<ReportDecider, _>(
            &self.store,
            &target,
            metadata(principal, request_id.as_deref()),
            &ReportsView,
            command,
        )
        .await?;
        Ok((self.read(commune, report_id).await?, executed.receipt.last_position))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_are_parsed_strictly() {
        let id = "0190c0de-0000-7000-8000-000000000000";
        assert!(parse_name(&format!("communes/75056/reports/{id}")).is_ok());
        for bad in ["", "communes/75056", "communes/7505/reports/x", &format!("communes/75056/reports/{id}/../x")] {
            assert!(parse_name(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_parent("parent", "communes/2A004").map(|c| c.to_string()).ok(), Some("2A004".into()));
        assert!(parse_parent("parent", "75056").is_err());
        assert!(parse_request_id(&"x".repeat(101)).is_err());
        assert!(parse_request_id("a\nb").is_err());
    }
}
