//! The gRPC API of the reports service: validates requests, checks roles, runs
//! commands against the log and answers from the read model.
//!
//! - [`parse`] — request fields to validated values.
//! - `submit` — submission (categories, photos, anonymous reporters) and
//!   verification of anonymous reports.
//! - `staff` — what the commune's staff do: workflow, assignment, notes, merges.
//! - `categories` — the commune's categories.

mod categories;
pub mod parse;
mod staff;
mod submit;

use miroir_auth::grpc::principal;
use miroir_auth::{Principal, Role};
use miroir_communes::Refusal;
use miroir_eventstore::decider::{Target, execute};
use miroir_eventstore::{EventStore, Metadata};
use miroir_proto::reports::v1 as pb;
use miroir_proto::reports::v1::reports_server::Reports as ReportsRpc;
use tonic::{Request, Response, Status};

use crate::domain::{Command, InseeCode, ReportDecider};
use crate::error::ApiError;
use crate::photos::PhotoStore;
use crate::read_model::{self, Cursor, Filter, Order, ReportsView, Viewer};

/// Who works on reports: the commune's staff.
const STAFF: &[Role] = &[Role::Agent, Role::CommuneAdmin];
/// The integration-client scope that allows submitting and acting as staff.
pub const WRITE_SCOPE: &str = "reports:write";
/// The scope that allows reading (reports are public: any token may read them).
pub const READ_SCOPE: &str = "reports:read";
const DEFAULT_PAGE_SIZE: i32 = 20;
const MAX_PAGE_SIZE: i32 = 100;
const MAX_QUERY_TEXT_CHARS: usize = miroir_platform::search::MAX_QUERY_CHARS;

/// Where verification links point, and where they go until the
/// notifications service e-mails them: the log (the embedded mode) and/or a
/// channel (tests, which play the reporter following the link).
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub public_url: String,
    pub log_links: bool,
    pub sink: Option<tokio::sync::mpsc::UnboundedSender<String>>,
}

pub struct ReportsApi {
    store: EventStore,
    photos: PhotoStore,
    links: Links,
    require_registered: bool,
}

impl ReportsApi {
    /// The API with photos kept in memory and without the commune check (for
    /// tests of other behaviour); the binary sets both with the builders below.
    pub fn new(store: EventStore) -> Self {
        Self { store, photos: PhotoStore::in_memory(), links: Links::default(), require_registered: false }
    }

    /// Keeps photos in `photos` (a folder, or an S3-compatible bucket).
    pub fn with_photos(mut self, photos: PhotoStore) -> Self {
        self.photos = photos;
        self
    }

    pub fn with_links(mut self, links: Links) -> Self {
        self.links = links;
        self
    }

    /// Takes commands only for communes registered in identity and not
    /// suspended ([`miroir_communes::follow`] must be following identity's log
    /// as [`crate::COMMUNES_CONSUMER`]).
    pub fn requiring_registered_communes(mut self) -> Self {
        self.require_registered = true;
        self
    }

    async fn check_commune(&self, commune: &InseeCode, field: &str) -> Result<(), ApiError> {
        if !self.require_registered {
            return Ok(());
        }
        match miroir_communes::admit(self.store.database(), commune.as_str()).await? {
            Ok(()) => Ok(()),
            Err(Refusal::Unknown) => Err(ApiError::invalid(field, Refusal::UNKNOWN_REASON)),
            Err(Refusal::Suspended) => Err(ApiError::Suspended),
        }
    }

    async fn read(&self, commune: &InseeCode, report_id: &str, viewer: &Viewer) -> Result<pb::Report, ApiError> {
        read_model::get(self.store.database(), commune.as_str(), report_id, viewer).await?.ok_or(ApiError::NotFound)
    }

    /// Runs a command on one report and answers with the report as `principal` sees it.
    async fn run(
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
        let report = self.read(commune, &executed.receipt.aggregate_id, &viewer(principal, commune)).await?;
        Ok((report, executed.receipt.last_position))
    }
}

fn metadata(principal: &Principal, request_id: Option<&str>) -> Metadata {
    Metadata::for_command(principal.actor().unwrap_or_default(), request_id)
}

/// The commune's staff: its agents and administrators, and its integration
/// clients allowed to write (city IT works on reports as the staff do).
fn is_staff(principal: &Principal, commune: &InseeCode) -> bool {
    principal.has_any(commune.as_str(), STAFF) || principal.has_scope(commune.as_str(), WRITE_SCOPE)
}

fn viewer(principal: &Principal, commune: &InseeCode) -> Viewer {
    Viewer {
        account: principal.account_id().map(str::to_owned),
        staff: is_staff(principal, commune),
        include_unverified: false,
    }
}

#[tonic::async_trait]
impl ReportsRpc for ReportsApi {
    async fn submit_report(
        &self,
        request: Request<pb::SubmitReportRequest>,
    ) -> Result<Response<pb::SubmitReportResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.submit(&principal, request.into_inner()).await?))
    }

    async fn get_report(&self, request: Request<pb::GetReportRequest>) -> Result<Response<pb::Report>, Status> {
        let principal = principal(&request);
        let (commune, report_id) = parse::report_name("name", &request.get_ref().name)?;
        Ok(Response::new(self.read(&commune, &report_id, &viewer(&principal, &commune)).await?))
    }

    async fn list_reports(
        &self,
        request: Request<pb::ListReportsRequest>,
    ) -> Result<Response<pb::ListReportsResponse>, Status> {
        let principal = principal(&request);
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
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
        let viewer = viewer(&principal, &commune);
        let filter = filter(&request, &viewer)?;
        let page = read_model::list(
            self.store.database(),
            commune.as_str(),
            &filter,
            &viewer,
            page_size as u32,
            cursor.as_ref(),
        )
        .await
        .map_err(ApiError::from)?;
        let (reports, next) =
            page.map_err(|_| ApiError::invalid("page_token", "was given for other filters or another order"))?;
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
        let (report, log_position) = self.acknowledge(&principal, request.into_inner()).await?;
        Ok(Response::new(pb::AcknowledgeReportResponse { report: Some(report), log_position }))
    }

    async fn update_report_status(
        &self,
        request: Request<pb::UpdateReportStatusRequest>,
    ) -> Result<Response<pb::UpdateReportStatusResponse>, Status> {
        let principal = principal(&request);
        let (report, log_position) = self.update_status(&principal, request.into_inner()).await?;
        Ok(Response::new(pb::UpdateReportStatusResponse { report: Some(report), log_position }))
    }

    async fn reopen_report(
        &self,
        request: Request<pb::ReopenReportRequest>,
    ) -> Result<Response<pb::ReopenReportResponse>, Status> {
        let principal = principal(&request);
        let (report, log_position) = self.reopen(&principal, request.into_inner()).await?;
        Ok(Response::new(pb::ReopenReportResponse { report: Some(report), log_position }))
    }

    async fn verify_report(
        &self,
        request: Request<pb::VerifyReportRequest>,
    ) -> Result<Response<pb::VerifyReportResponse>, Status> {
        let principal = principal(&request);
        let report = self.verify(&principal, &request.get_ref().token).await?;
        Ok(Response::new(pb::VerifyReportResponse { report: Some(report) }))
    }

    async fn suggest_duplicates(
        &self,
        request: Request<pb::SuggestDuplicatesRequest>,
    ) -> Result<Response<pb::SuggestDuplicatesResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.suggest(&principal, request.get_ref()).await?))
    }

    async fn support_report(
        &self,
        request: Request<pb::SupportReportRequest>,
    ) -> Result<Response<pb::SupportReportResponse>, Status> {
        let principal = principal(&request);
        let (report, log_position) = self.support(&principal, request.get_ref()).await?;
        Ok(Response::new(pb::SupportReportResponse { report: Some(report), log_position }))
    }

    async fn assign_report(
        &self,
        request: Request<pb::AssignReportRequest>,
    ) -> Result<Response<pb::AssignReportResponse>, Status> {
        let principal = principal(&request);
        let (report, log_position) = self.assign(&principal, request.into_inner()).await?;
        Ok(Response::new(pb::AssignReportResponse { report: Some(report), log_position }))
    }

    async fn add_internal_note(
        &self,
        request: Request<pb::AddInternalNoteRequest>,
    ) -> Result<Response<pb::InternalNote>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.add_note(&principal, request.into_inner()).await?))
    }

    async fn list_internal_notes(
        &self,
        request: Request<pb::ListInternalNotesRequest>,
    ) -> Result<Response<pb::ListInternalNotesResponse>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.notes(&principal, &request.get_ref().name).await?))
    }

    async fn merge_report(
        &self,
        request: Request<pb::MergeReportRequest>,
    ) -> Result<Response<pb::MergeReportResponse>, Status> {
        let principal = principal(&request);
        let (report, log_position) = self.merge(&principal, request.into_inner()).await?;
        Ok(Response::new(pb::MergeReportResponse { report: Some(report), log_position }))
    }

    async fn get_report_photo(
        &self,
        request: Request<pb::GetReportPhotoRequest>,
    ) -> Result<Response<pb::ReportPhoto>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.photo(&principal, &request.get_ref().name).await?))
    }

    async fn list_categories(
        &self,
        request: Request<pb::ListCategoriesRequest>,
    ) -> Result<Response<pb::ListCategoriesResponse>, Status> {
        let request = request.into_inner();
        let commune = parse::parent("parent", &request.parent)?;
        let categories = read_model::categories::list(self.store.database(), commune.as_str(), request.include_retired)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::ListCategoriesResponse { categories }))
    }

    async fn get_category(&self, request: Request<pb::GetCategoryRequest>) -> Result<Response<pb::Category>, Status> {
        let (commune, code) = parse::category_name(&request.get_ref().name)?;
        let category = read_model::categories::get(self.store.database(), commune.as_str(), &code)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| Status::not_found("category not found"))?;
        Ok(Response::new(category))
    }

    async fn define_category(
        &self,
        request: Request<pb::DefineCategoryRequest>,
    ) -> Result<Response<pb::Category>, Status> {
        let principal = principal(&request);
        Ok(Response::new(self.define_category(&principal, request.into_inner()).await?))
    }
}

/// The list filter of a request; filtering on the assigned agent is for staff.
fn filter(request: &pb::ListReportsRequest, viewer: &Viewer) -> Result<Filter, ApiError> {
    let mut categories = Vec::new();
    for category in &request.categories {
        if !crate::domain::category::valid_code(category) {
            return Err(ApiError::invalid("categories", "must be category codes"));
        }
        categories.push(category.clone());
    }
    let department = request.department.trim();
    if department.chars().count() > crate::domain::report::MAX_DEPARTMENT_CHARS {
        return Err(ApiError::invalid("department", "is too long"));
    }
    if !request.assigned_agent.is_empty() && !viewer.staff {
        return Err(ApiError::invalid("assigned_agent", "only the commune's staff may filter on the assigned agent"));
    }
    if request.text.chars().count() > MAX_QUERY_TEXT_CHARS {
        return Err(ApiError::invalid("text", format!("must be at most {MAX_QUERY_TEXT_CHARS} characters")));
    }
    let after = request.submitted_after_us;
    let before = request.submitted_before_us;
    if after < 0 || before < 0 || (after > 0 && before > 0 && after >= before) {
        return Err(ApiError::invalid("submitted_before_us", "must be after submitted_after_us"));
    }
    Ok(Filter {
        statuses: parse::statuses(&request.statuses)?,
        categories,
        department: (!department.is_empty()).then(|| department.to_owned()),
        assigned_agent: (!request.assigned_agent.is_empty()).then(|| request.assigned_agent.clone()),
        bounding_box: parse::bounding_box(request.bounding_box.as_ref())?,
        submitted_after_us: (after > 0).then_some(after),
        submitted_before_us: (before > 0).then_some(before),
        text: request.text.clone(),
        order: Order::parse(&request.order_by)
            .ok_or_else(|| ApiError::invalid("order_by", "must be newest or most_supported"))?,
    })
}
