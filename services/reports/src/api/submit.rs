//! What residents (and city IT on their behalf) do: submit a report with its
//! category's answers and photos, prove an anonymous report's e-mail, find
//! nearby duplicates, and support a report.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_auth::Principal;
use miroir_auth::grpc::require_role_or_scope;
use miroir_eventstore::decider::{Decider, Target, execute};
use miroir_proto::reports::v1 as pb;
use sha2::{Digest, Sha256};

use super::{ReportsApi, WRITE_SCOPE, parse, viewer};
use crate::domain::category::{answers, valid_code};
use crate::domain::report::parse_email;
use crate::domain::{Anonymous, Command, InseeCode, Report, ReportDecider};
use crate::error::ApiError;
use crate::photos::{self, MAX_PHOTOS};
use crate::read_model::{self, ReportsView, Viewer, query};

fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("random token: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl ReportsApi {
    pub(super) async fn submit(
        &self,
        principal: &Principal,
        request: pb::SubmitReportRequest,
    ) -> Result<pb::SubmitReportResponse, ApiError> {
        let commune = parse::parent("parent", &request.parent)?;
        // Residents may report anywhere (anonymously too); city IT only in its own commune.
        if matches!(principal, Principal::Client { .. }) {
            require_role_or_scope(principal, commune.as_str(), &[], Some(WRITE_SCOPE)).map_err(ApiError::Auth)?;
        }
        self.check_commune(&commune, "parent").await?;
        let request_id = parse::request_id(&request.request_id)?;
        let location = parse::location(request.location.as_ref())?;
        if !valid_code(&request.category) {
            return Err(ApiError::invalid("category", "must be 1 to 64 lowercase letters, digits, '-' or '_'"));
        }
        let category = read_model::categories::get(self.store.database(), commune.as_str(), &request.category)
            .await?
            .filter(|c| c.active)
            .ok_or_else(|| ApiError::invalid("category", "is not a category of this commune"))?;
        let attributes = answers(&category, &request.attributes)?;
        if request.photos.len() > MAX_PHOTOS {
            return Err(ApiError::invalid("photos", format!("at most {MAX_PHOTOS} photos")));
        }
        let mut cleaned = Vec::new();
        for (i, upload) in request.photos.iter().enumerate() {
            let image =
                photos::clean(&upload.data).map_err(|e| ApiError::invalid(format!("photos[{i}]"), e.to_string()))?;
            cleaned.push(image);
        }
        // Who reported it: an account, city IT (trusted with the address it gives), or an
        // anonymous resident who must prove the address.
        let mut token = None;
        let anonymous = match principal {
            // An account's report needs no address; one given anyway must still be one
            // (malformed input is refused, not silently dropped).
            Principal::Account { .. } => {
                if !request.reporter_email.trim().is_empty() {
                    parse_email(&request.reporter_email)?;
                }
                None
            }
            Principal::Client { .. } if request.reporter_email.trim().is_empty() => None,
            Principal::Client { .. } => {
                Some(Anonymous { email: parse_email(&request.reporter_email)?, token_sha256: String::new() })
            }
            Principal::Anonymous => {
                let email = parse_email(&request.reporter_email)?;
                let raw = new_token()?;
                let anonymous = Anonymous { email, token_sha256: sha256_hex(&raw) };
                token = Some(raw);
                Some(anonymous)
            }
        };
        let client = match principal {
            Principal::Client { id, .. } => id.clone(),
            _ => String::new(),
        };
        let report_id = uuid::Uuid::now_v7().to_string();
        let photo_refs: Vec<pb::Photo> = cleaned
            .iter()
            .map(|image| {
                let photo_id = uuid::Uuid::now_v7().to_string();
                pb::Photo {
                    object_key: format!("communes/{commune}/reports/{report_id}/{photo_id}.{}", image.kind.extension()),
                    photo_id,
                    content_type: image.kind.content_type().to_owned(),
                    size_bytes: image.bytes.len() as u64,
                }
            })
            .collect();
        let command = || Command::Submit {
            report_id: report_id.clone(),
            commune: commune.to_string(),
            category: category.code.clone(),
            title: request.title.clone(),
            description: request.description.clone(),
            location: location.clone(),
            reporter: principal.account_id().map(str::to_owned),
            department: category.department.clone(),
            attributes: attributes.clone(),
            photos: photo_refs.clone(),
            anonymous: anonymous.clone(),
            client: client.clone(),
        };
        // Decide once before storing the photos, so that a refused report leaves no object behind.
        ReportDecider::decide(&Report::default(), command())?;
        for (image, photo) in cleaned.into_iter().zip(&photo_refs) {
            self.photos
                .put(&photo.object_key, image.bytes)
                .await
                .map_err(|e| ApiError::Internal(format!("storing a photo: {e}")))?;
        }
        let target = Target {
            commune: commune.to_string(),
            aggregate_type: "report",
            aggregate_id: report_id.clone(),
            request_id: request_id.clone(),
        };
        let executed = execute::<ReportDecider, _>(
            &self.store,
            &target,
            super::metadata(principal, request_id.as_deref()),
            &ReportsView,
            command,
        )
        .await?;
        // The submitter sees their report even while it waits for its e-mail.
        let submitter = Viewer { include_unverified: true, ..viewer(principal, &commune) };
        let report = self.read(&commune, &executed.receipt.aggregate_id, &submitter).await?;
        let log_position = executed.receipt.last_position;
        if let (Some(token), true) = (&token, report.report_id == report_id) {
            self.send_verification_link(&commune, token);
        }
        tracing::info!(commune = %commune, report_id = %report.report_id, category = %category.code, photos = photo_refs.len(), "report submitted");
        Ok(pb::SubmitReportResponse { report: Some(report), log_position })
    }

    /// Until the notifications service e-mails it, the link is written to the
    /// log in the embedded mode only (never the address).
    fn send_verification_link(&self, commune: &InseeCode, token: &str) {
        let link = format!("{}/c/{commune}/citoyen/signalements/verifier?token={token}", self.links.public_url);
        if self.links.log_links {
            tracing::info!(%link, "report verification link (embedded mode: written to the log instead of e-mailed)");
        }
        if let Some(sink) = &self.links.sink {
            // A closed channel only means nobody listens any more.
            let _ = sink.send(link);
        }
    }

    pub(super) async fn verify(&self, principal: &Principal, token: &str) -> Result<pb::Report, ApiError> {
        if token.is_empty() || token.len() > 100 {
            return Err(ApiError::invalid("token", "is not a verification token"));
        }
        let hash = sha256_hex(token);
        let (commune, report_id) =
            query::by_verification(self.store.database(), &hash).await?.ok_or(ApiError::NotFound)?;
        let commune = InseeCode::parse(&commune).map_err(|e| ApiError::Internal(e.to_string()))?;
        let (report, _) = self
            .run(principal, &commune, &report_id, None, || Command::Verify {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                token_sha256: hash.clone(),
            })
            .await?;
        tracing::info!(commune = %commune, report_id, "anonymous report verified");
        Ok(report)
    }

    pub(super) async fn suggest(
        &self,
        principal: &Principal,
        request: &pb::SuggestDuplicatesRequest,
    ) -> Result<pb::SuggestDuplicatesResponse, ApiError> {
        let commune = parse::parent("parent", &request.parent)?;
        if !valid_code(&request.category) {
            return Err(ApiError::invalid("category", "must be a category code"));
        }
        let location = parse::location(request.location.as_ref())?;
        let found = query::nearby(
            self.store.database(),
            commune.as_str(),
            &request.category,
            (location.latitude, location.longitude),
            &viewer(principal, &commune),
        )
        .await?;
        let (reports, distances_m) = found.into_iter().unzip();
        Ok(pb::SuggestDuplicatesResponse { reports, distances_m })
    }

    pub(super) async fn support(
        &self,
        principal: &Principal,
        request: &pb::SupportReportRequest,
    ) -> Result<(pb::Report, u64), ApiError> {
        let (commune, report_id) = parse::report_name("name", &request.name)?;
        let by = principal.account_id().map(str::to_owned).ok_or_else(|| {
            ApiError::Auth(tonic::Status::unauthenticated("supporting a report needs a signed-in account"))
        })?;
        self.check_commune(&commune, "name").await?;
        let request_id = parse::request_id(&request.request_id)?;
        let (report, position) = self
            .run(principal, &commune, &report_id, request_id, || Command::Support {
                commune: commune.to_string(),
                report_id: report_id.clone(),
                by: by.clone(),
            })
            .await?;
        tracing::info!(commune = %commune, report_id, supports = report.supports, "report supported");
        Ok((report, position))
    }
}
